/* Inodes with several names (regular files, and symlinks, devices, FIFOs,
 * sockets too): the first name met is copied, the others are linked to that
 * copy; names met while the first copy is under way wait for it (their
 * directory's completion is handed on), and when it fails the next name
 * tries. A table (dev, ino) of SRC -> first copy in DST, under hl_lock.
 *
 * May call: copytree_inode.c, copytree_meta.c, copytree_report.c,
 * copytree_node.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "copytree_int.h"
#include "xalloc.h"
#include "banned.h"

struct hl_waiter {
	struct hl_waiter *next;
	struct dnode *dn;       /* holds a reference and one pending count */
	char name[];
};

enum hl_state { HL_PENDING, HL_DONE, HL_FAILED };

struct hl_entry {
	struct hl_entry *next;
	dev_t dev;
	uint64_t ino;
	enum hl_state state;
	struct dnode *dn;       /* where the first copy is (a reference) */
	char *name;
	struct hl_waiter *waiters;
};

static size_t hl_hash(dev_t dev, uint64_t ino, size_t size)
{
	uint64_t h = (ino ^ ((uint64_t)dev << 32)) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 20) & (size - 1);
}

/* Under hl_lock. */
static struct hl_entry *hl_find(struct ct *ct, dev_t dev, uint64_t ino, bool *created)
{
	if (!ct->hl_tab) {
		ct->hl_size = 1024;
		ct->hl_tab = xcalloc(ct->hl_size, sizeof(*ct->hl_tab));
	}
	size_t h = hl_hash(dev, ino, ct->hl_size);
	for (struct hl_entry *e = ct->hl_tab[h]; e; e = e->next)
		if (e->ino == ino && e->dev == dev) {
			*created = false;
			return e;
		}
	if (ct->hl_count * 2 > ct->hl_size) {
		size_t nsize = ct->hl_size * 2;
		struct hl_entry **nt = xcalloc(nsize, sizeof(*nt));
		for (size_t i = 0; i < ct->hl_size; i++)
			for (struct hl_entry *e = ct->hl_tab[i], *next; e; e = next) {
				next = e->next;
				size_t nh = hl_hash(e->dev, e->ino, nsize);
				e->next = nt[nh];
				nt[nh] = e;
			}
		free(ct->hl_tab);
		ct->hl_tab = nt;
		ct->hl_size = nsize;
		h = hl_hash(dev, ino, nsize);
	}
	struct hl_entry *e = xcalloc(1, sizeof(*e));
	e->dev = dev;
	e->ino = ino;
	e->next = ct->hl_tab[h];
	ct->hl_tab[h] = e;
	ct->hl_count++;
	*created = true;
	return e;
}

static void hl_set_first(struct ct *ct, struct hl_entry *e, struct dnode *dn, const char *name)
{
	if (e->dn)
		dn_unref(ct, e->dn);
	free(e->name);
	dn_ref(dn);
	e->dn = dn;
	e->name = xstrdup(name);
	e->state = HL_PENDING;
}

void ct_hardlinks_free(struct ct *ct)
{
	for (size_t i = 0; i < ct->hl_size; i++)
		for (struct hl_entry *e = ct->hl_tab[i], *next; e; e = next) {
			next = e->next;
			for (struct hl_waiter *wt = e->waiters, *wn; wt; wt = wn) {
				wn = wt->next;
				dn_unref(ct, wt->dn);
				free(wt);
			}
			if (e->dn)
				dn_unref(ct, e->dn);
			free(e->name);
			free(e);
		}
	free(ct->hl_tab);
	ct->hl_tab = NULL;
	ct->hl_size = ct->hl_count = 0;
}

static int mk_link(int dirfd, const char *name, void *arg)
{
	const struct hl_entry *e = arg;
	return linkat(e->dn->fd[DST], e->name, dirfd, name, 0) < 0 ? -errno : 0;
}

/* Give dn/name the DST inode of e's first copy. 0, or -1 (reported). */
static int do_link(struct ct *ct, struct wctx *w, struct hl_entry *e, struct dnode *dn,
		   const char *name, const struct fs_stat *st)
{
	int rc = dn_acquire(ct, e->dn, S_DST);
	if (rc < 0) {
		ct_dst_error(ct, e->dn, NULL, "open directory", NULL, -rc, S_IFDIR);
		return -1;
	}
	rc = ct_make_entry(ct, dn, name, mk_link, e);
	dn_release(ct, e->dn);
	if (rc == 0) {
		atomic_fetch_add_explicit(&ct->st->hardlinks, 1, memory_order_relaxed);
		return 0;
	}
	if (rc == -EMLINK && st) {
		/* more links than DST allows: a copy of its own, and say so */
		ct_dst_error(ct, dn, name, "link", NULL, EMLINK, st->mode);
		ct_copy_inode(ct, w, dn, name, st);
		return -1;
	}
	ct_dst_error(ct, dn, name, "link", NULL, -rc, S_IFREG);
	return -1;
}

/* The first copy of a hard-linked inode is done (ok or not): link the names
 * that waited for it, or let the next one try to copy it. */
static void hl_first_done(struct ct *ct, struct wctx *w, struct hl_entry *e, bool ok)
{
	for (;;) {
		pthread_mutex_lock(&ct->hl_lock);
		struct hl_waiter *list = e->waiters;
		e->waiters = NULL;
		if (ok) {
			e->state = HL_DONE;
			pthread_mutex_unlock(&ct->hl_lock);
			for (struct hl_waiter *wt = list, *next; wt; wt = next) {
				next = wt->next;
				int rc = dn_acquire(ct, wt->dn, S_DST);
				if (rc < 0) {
					ct_dst_error(ct, wt->dn, NULL, "open directory", NULL, -rc,
						     S_IFDIR);
					atomic_fetch_add(&ct->st->failures, 1);
				} else {
					if (!ct_stopped(ct) &&
					    do_link(ct, w, e, wt->dn, wt->name, NULL) < 0)
						atomic_fetch_add(&ct->st->failures, 1);
					else
						ct_report_copied(ct, wt->dn, wt->name, S_IFREG);
					dn_release(ct, wt->dn);
				}
				dn_done(ct, w, wt->dn);
				dn_unref(ct, wt->dn);
				free(wt);
			}
			return;
		}
		if (!list) {
			e->state = HL_FAILED;
			pthread_mutex_unlock(&ct->hl_lock);
			return;
		}
		/* the next name becomes the first copy */
		struct hl_waiter *wt = list;
		e->waiters = wt->next;
		hl_set_first(ct, e, wt->dn, wt->name);
		pthread_mutex_unlock(&ct->hl_lock);
		ok = false;
		int rc = dn_acquire(ct, wt->dn, S_SRC | S_DST);
		if (rc == 0) {
			struct fs_stat st;
			rc = fs_statat(wt->dn->fd[SRC], wt->name, AT_SYMLINK_NOFOLLOW, &st);
			if (rc < 0)
				ct_src_error(ct, wt->dn, wt->name, "stat", NULL, -rc, S_IFREG);
			else if (!ct_stopped(ct) && !S_ISDIR(st.mode) &&
				 ct_copy_inode(ct, w, wt->dn, wt->name, &st) == 0)
				ok = true;
			dn_release(ct, wt->dn);
		} else {
			ct_dst_error(ct, wt->dn, NULL, "open directory", NULL, -rc, S_IFDIR);
		}
		if (ok)
			ct_report_copied(ct, wt->dn, wt->name, S_IFREG);
		else
			atomic_fetch_add(&ct->st->failures, 1);
		dn_done(ct, w, wt->dn);
		dn_unref(ct, wt->dn);
		free(wt);
	}
}

bool ct_copy_hardlinked(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
			const struct fs_stat *st)
{
	bool created;
	int fail;
	pthread_mutex_lock(&ct->hl_lock);
	struct hl_entry *e = hl_find(ct, st->dev, st->ino, &created);
	if (created || e->state == HL_FAILED) {
		hl_set_first(ct, e, dn, name);
		pthread_mutex_unlock(&ct->hl_lock);
		fail = ct_copy_inode(ct, w, dn, name, st);
		if (!fail)
			ct_report_copied(ct, dn, name, st->mode);
		else
			atomic_fetch_add(&ct->st->failures, 1);
		hl_first_done(ct, w, e, fail == 0);
		return true;
	}
	if (e->state == HL_PENDING) {
		size_t l = strlen(name);
		struct hl_waiter *wt = xmalloc(sizeof(*wt) + l + 1);
		memcpy(wt->name, name, l + 1);
		dn_ref(dn);
		wt->dn = dn;
		wt->next = e->waiters;
		e->waiters = wt;
		pthread_mutex_unlock(&ct->hl_lock);
		return false;
	}
	pthread_mutex_unlock(&ct->hl_lock);
	if (do_link(ct, w, e, dn, name, st) < 0)
		atomic_fetch_add(&ct->st->failures, 1);
	else
		ct_report_copied(ct, dn, name, st->mode);
	return true;
}
