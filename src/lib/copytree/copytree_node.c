/* Directory nodes of the copy engine (a dnode per directory being copied,
 * reference counted) and their descriptor cache: an LRU of open directory
 * pairs, bounded by RLIMIT_NOFILE, reopening a closed one name by name from
 * its nearest open ancestor, checked against the device and inode it had.
 *
 * May call: copytree_xattr.c (xa_free). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "copytree_int.h"
#include "xalloc.h"
#include "banned.h"

struct dnode *dn_new(struct ct *ct, struct dnode *parent, const char *name)
{
	size_t len = strlen(name);
	struct dnode *dn = xcalloc(1, sizeof(*dn) + len + 1);
	memcpy(dn->name, name, len + 1);
	dn->parent = parent;
	dn->fd[SRC] = dn->fd[DST] = -1;
	atomic_init(&dn->refs, 1);
	atomic_init(&dn->pending, 1);
	if (parent)
		dn_ref(parent);
	(void)ct;
	return dn;
}

void dn_ref(struct dnode *dn)
{
	atomic_fetch_add_explicit(&dn->refs, 1, memory_order_relaxed);
}

/* Under fdc_lock. */
static void lru_remove(struct ct *ct, struct dnode *dn)
{
	if (!dn->in_lru)
		return;
	if (dn->lru_prev)
		dn->lru_prev->lru_next = dn->lru_next;
	else
		ct->lru_head = dn->lru_next;
	if (dn->lru_next)
		dn->lru_next->lru_prev = dn->lru_prev;
	else
		ct->lru_tail = dn->lru_prev;
	dn->lru_prev = dn->lru_next = NULL;
	dn->in_lru = false;
}

static void lru_push(struct ct *ct, struct dnode *dn)
{
	dn->lru_prev = NULL;
	dn->lru_next = ct->lru_head;
	if (ct->lru_head)
		ct->lru_head->lru_prev = dn;
	else
		ct->lru_tail = dn;
	ct->lru_head = dn;
	dn->in_lru = true;
}

static bool has_fd(const struct dnode *dn)
{
	return dn->fd[SRC] >= 0 || dn->fd[DST] >= 0;
}

static void close_fds(struct ct *ct, struct dnode *dn)
{
	if (!has_fd(dn))
		return;
	for (int s = SRC; s <= DST; s++)
		if (dn->fd[s] >= 0) {
			close(dn->fd[s]);
			dn->fd[s] = -1;
		}
	ct->fdc_open--;
}

static void pin(struct ct *ct, struct dnode *dn)
{
	if (dn->users++ == 0)
		lru_remove(ct, dn);
}

static void unpin(struct ct *ct, struct dnode *dn)
{
	if (--dn->users == 0 && has_fd(dn))
		lru_push(ct, dn);
}

static void evict(struct ct *ct)
{
	while (ct->fdc_open > ct->fdc_max && ct->lru_tail) {
		struct dnode *victim = ct->lru_tail;
		lru_remove(ct, victim);
		close_fds(ct, victim);
	}
}

void dn_unref(struct ct *ct, struct dnode *dn)
{
	while (dn && atomic_fetch_sub_explicit(&dn->refs, 1, memory_order_acq_rel) == 1) {
		struct dnode *parent = dn->parent;
		pthread_mutex_lock(&ct->fdc_lock);
		lru_remove(ct, dn);
		close_fds(ct, dn);
		pthread_mutex_unlock(&ct->fdc_lock);
		xa_free(&dn->xa);
		free(dn);
		dn = parent;
	}
}

void dn_register(struct ct *ct, struct dnode *dn)
{
	pthread_mutex_lock(&ct->fdc_lock);
	if (has_fd(dn))
		ct->fdc_open++;
	dn->users++;
	evict(ct);
	pthread_mutex_unlock(&ct->fdc_lock);
}

/* Open side s of dn again from its nearest ancestor that is open, one name at
 * a time, checking each directory is the one seen before. Under fdc_lock. */
static int reopen(struct ct *ct, struct dnode *dn, int s, struct dnode *child)
{
	if (child && child->parent == dn && child->fd[s] >= 0) {
		/* one step up from a child that is open: no walk from the top */
		int fd = openat(child->fd[s], "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC |
				(s == SRC ? ct->noatime : 0));
		struct fs_stat st;
		if (fd >= 0 && fs_statat(fd, "", AT_EMPTY_PATH, &st) == 0 &&
		    st.dev == dn->dev[s] && st.ino == dn->ino[s]) {
			if (!has_fd(dn))
				ct->fdc_open++;
			dn->fd[s] = fd;
			if (dn->users == 0)
				lru_push(ct, dn);
			return 0;
		}
		if (fd >= 0)
			close(fd);
	}
	size_t n = 0, cap = 16;
	struct dnode **chain = xmalloc(cap * sizeof(*chain));
	struct dnode *p;
	for (p = dn; p->fd[s] < 0; p = p->parent) {
		if (!p->parent) {       /* the root is never closed while copying */
			free(chain);
			return -EBADF;
		}
		if (n == cap)
			chain = xrealloc(chain, (cap *= 2) * sizeof(*chain));
		chain[n++] = p;
	}
	int rc = 0;
	struct dnode *prev = p;
	pin(ct, prev);
	while (n-- > 0) {
		struct dnode *node = chain[n];
		int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
		int fd = openat(prev->fd[s], node->name, flags | (s == SRC ? ct->noatime : 0));
		if (fd < 0 && errno == EPERM && s == SRC && ct->noatime)
			fd = openat(prev->fd[s], node->name, flags);
		if (fd < 0) {
			rc = -errno;
			break;
		}
		struct fs_stat st;
		rc = fs_statat(fd, "", AT_EMPTY_PATH, &st);
		if (rc == 0 && (st.dev != node->dev[s] || st.ino != node->ino[s]))
			rc = -CTE_CHANGED;
		if (rc < 0) {
			close(fd);
			break;
		}
		if (!has_fd(node))
			ct->fdc_open++;
		node->fd[s] = fd;
		pin(ct, node);
		unpin(ct, prev);
		evict(ct);
		prev = node;
	}
	unpin(ct, prev);
	free(chain);
	return rc;
}

int dn_acquire_near(struct ct *ct, struct dnode *dn, unsigned sides, struct dnode *child)
{
	int rc = 0;
	pthread_mutex_lock(&ct->fdc_lock);
	for (int s = SRC; s <= DST && rc == 0; s++)
		if ((sides & (1u << s)) && dn->fd[s] < 0)
			rc = reopen(ct, dn, s, child);
	if (rc == 0)
		pin(ct, dn);
	evict(ct);
	pthread_mutex_unlock(&ct->fdc_lock);
	return rc;
}

int dn_acquire(struct ct *ct, struct dnode *dn, unsigned sides)
{
	return dn_acquire_near(ct, dn, sides, NULL);
}

void dn_release(struct ct *ct, struct dnode *dn)
{
	pthread_mutex_lock(&ct->fdc_lock);
	unpin(ct, dn);
	evict(ct);
	pthread_mutex_unlock(&ct->fdc_lock);
}

char *dn_path(const struct dnode *dn, const char *name)
{
	size_t len = 1;                 /* "." */
	for (const struct dnode *p = dn; p && p->parent; p = p->parent)
		len += 1 + strlen(p->name);
	if (name)
		len += 1 + strlen(name);
	char *path = xmalloc(len + 1);
	char *end = path + len;
	*end = '\0';
	if (name) {
		size_t l = strlen(name);
		end -= l;
		memcpy(end, name, l);
		*--end = '/';
	}
	for (const struct dnode *p = dn; p && p->parent; p = p->parent) {
		size_t l = strlen(p->name);
		end -= l;
		memcpy(end, p->name, l);
		*--end = '/';
	}
	*--end = '.';
	return path;
}


int dn_open_underlying(struct ct *ct, struct dnode *dn)
{
	if (ct->clone_fd < 0)
		return -ENOTSUP;
	size_t n = 0;
	for (struct dnode *p = dn; p->parent; p = p->parent)
		n++;
	struct dnode **chain = xmalloc((n + 1) * sizeof(*chain));
	size_t i = 0;
	for (struct dnode *p = dn; p->parent; p = p->parent)
		chain[i++] = p;
	int fd = fcntl(ct->clone_fd, F_DUPFD_CLOEXEC, 0), rc = 0;
	if (fd < 0)
		rc = -errno;
	while (rc == 0 && n-- > 0) {
		int next = openat(fd, chain[n]->name,
				  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			rc = -errno;
			break;
		}
		struct fs_stat st;
		rc = fs_statat(next, "", AT_EMPTY_PATH, &st);
		if (rc == 0 && (st.ino != chain[n]->ino[SRC] || st.dev != chain[n]->dev[SRC]))
			rc = -CTE_CHANGED;
		close(fd);
		fd = next;
	}
	free(chain);
	if (rc < 0 && fd >= 0)
		close(fd);
	return rc < 0 ? rc : fd;
}
