/* Metadata onto DST, in the order the kernel needs: owner, then mode (chown
 * clears setuid and setgid), then xattrs (chown clears security.capability),
 * then times, then inode flags (immutable and append-only forbid everything
 * after them). Also: DST entries in the way (force mode), the flags of
 * hard-linked files that wait until every name is linked, and directories
 * finalized once their last entry is done.
 *
 * May call: copytree_report.c, copytree_node.c, copytree_xattr.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "copytree_int.h"
#include "xalloc.h"
#include "banned.h"

int ct_apply_xattrs(struct ct *ct, struct wctx *w, const struct dnode *dn, const char *rname,
		    int fd, const char *name, const struct xattrs *xa, bool clean, mode_t type)
{
	int rc = 0;
	if (clean) {
		int r = xa_read(&w->dxa, fd, name);
		if (r < 0) {
			ct_dst_error(ct, dn, rname, "list xattrs of", NULL, -r, type);
			rc = -1;
		}
		for (size_t i = 0; r == 0 && i < w->dxa.n; i++) {
			const char *attr = xa_name(&w->dxa, i);
			if (xa_has(xa, attr))
				continue;
			int e = xa_remove_one(fd, name, attr);
			if (e < 0 && e != -ENODATA) {
				ct_dst_error(ct, dn, rname, "remove xattr", attr, -e, type);
				rc = -1;
			}
		}
	}
	for (size_t i = 0; i < xa->n; i++) {
		const char *attr = xa_name(xa, i);
		int e = xa_set_one(fd, name, attr, xa->vals + xa->it[i].val, xa->it[i].len);
		if (e < 0) {
			ct_dst_error(ct, dn, rname, "set xattr", attr, -e, type);
			rc = -1;
		}
	}
	return rc;
}

int ct_apply_flags(struct ct *ct, const struct dnode *dn, const char *rname, int fd,
		   unsigned want, bool always, mode_t type)
{
	want &= FSF_COPY_MASK;
	if (!want && !always)
		return 0;
	unsigned cur;
	int e = fs_getflags(fd, &cur);
	if (e == 0) {
		unsigned next = (cur & ~FSF_COPY_MASK) | want;
		if (next == cur)
			return 0;
		e = fs_setflags(fd, next);
	}
	if (e < 0) {
		if (!want && (e == -ENOTTY || e == -EOPNOTSUPP || e == -ENOTSUP))
			return 0;
		ct_dst_error(ct, dn, rname, "set inode flags on", NULL, -e, type);
		return -1;
	}
	return 0;
}

int ct_dir_meta(struct ct *ct, struct wctx *w, const struct dnode *dn, const char *name,
		int dfd, const struct fs_stat *st, const struct xattrs *xa, unsigned iflags,
		bool preexisting)
{
	int rc = 0;
	struct timespec ts[2];
	if (fchown(dfd, st->uid, st->gid) < 0) {
		ct_dst_error(ct, dn, name, "set owner of", NULL, errno, S_IFDIR);
		rc = -1;
	}
	if (fchmod(dfd, st->mode & 07777) < 0) {
		ct_dst_error(ct, dn, name, "set mode of", NULL, errno, S_IFDIR);
		rc = -1;
	}
	if (ct_apply_xattrs(ct, w, dn, name, dfd, NULL, xa, preexisting, S_IFDIR) < 0)
		rc = -1;
	ct_ts_pair(ts, st);
	if (futimens(dfd, ts) < 0) {
		ct_dst_error(ct, dn, name, "set times of", NULL, errno, S_IFDIR);
		rc = -1;
	}
	if (ct_apply_flags(ct, dn, name, dfd, iflags & ~FSF_CASEFOLD, preexisting, S_IFDIR) < 0)
		rc = -1;
	return rc;
}

/* ---- DST entries that are in the way (force mode) ---- */

int ct_clear_dst(struct ct *ct, int dirfd, const char *name, bool want_dir)
{
	(void)ct;
	struct stat s;
	if (fstatat(dirfd, name, &s, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(s.st_mode)) {
		if (want_dir)
			return 1;
		if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0)
			return 0;
		return errno == ENOTEMPTY || errno == EEXIST ? -CTE_IS_DIR : -errno;
	}
	return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
}

int ct_make_entry(struct ct *ct, struct dnode *dn, const char *name,
		  int (*mk)(int dirfd, const char *name, void *arg), void *arg)
{
	int rc = mk(dn->fd[DST], name, arg);
	if (rc != -EEXIST || !(ct->flags & COPYTREE_FORCE))
		return rc;
	rc = ct_clear_dst(ct, dn->fd[DST], name, false);
	return rc < 0 ? rc : mk(dn->fd[DST], name, arg);
}

/* ---- flags of hard-linked files: set once every name is linked ---- */

struct deferred_flags {
	struct deferred_flags *next;
	struct dnode *dn;
	unsigned flags;
	char name[];
};

void ct_defer_flags(struct ct *ct, struct dnode *dn, const char *name, unsigned flags)
{
	size_t l = strlen(name);
	struct deferred_flags *d = xmalloc(sizeof(*d) + l + 1);
	memcpy(d->name, name, l + 1);
	d->flags = flags;
	dn_ref(dn);
	d->dn = dn;
	pthread_mutex_lock(&ct->hl_lock);
	d->next = ct->deferred;
	ct->deferred = d;
	pthread_mutex_unlock(&ct->hl_lock);
}

void ct_apply_deferred_flags(struct ct *ct, struct wctx *w)
{
	(void)w;
	for (struct deferred_flags *d = ct->deferred; d && !ct_stopped(ct); d = d->next) {
		int rc = dn_acquire(ct, d->dn, S_DST);
		if (rc < 0) {
			ct_dst_error(ct, d->dn, NULL, "open directory", NULL, -rc, S_IFDIR);
			atomic_fetch_add(&ct->st->failures, 1);
			continue;
		}
		int fd = openat(d->dn->fd[DST], d->name,
				O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		struct fs_stat st;
		if (fd < 0 || fs_statat(fd, "", AT_EMPTY_PATH, &st) < 0 || !S_ISREG(st.mode)) {
			ct_dst_error(ct, d->dn, d->name, "open", NULL, fd < 0 ? errno : CTE_CHANGED,
				     S_IFREG);
			atomic_fetch_add(&ct->st->failures, 1);
		} else if (ct_apply_flags(ct, d->dn, d->name, fd, d->flags, false, S_IFREG) < 0) {
			atomic_fetch_add(&ct->st->failures, 1);
		}
		if (fd >= 0)
			close(fd);
		dn_release(ct, d->dn);
	}
}

void ct_deferred_free(struct ct *ct)
{
	for (struct deferred_flags *d = ct->deferred, *next; d; d = next) {
		next = d->next;
		dn_unref(ct, d->dn);
		free(d);
	}
	ct->deferred = NULL;
}

/* ---- directories: finalized when their last entry is done ---- */

/* Finalize a directory whose contents are all done: its metadata, last its flags. */
static void finalize(struct ct *ct, struct wctx *w, struct dnode *dn, struct dnode *child)
{
	if (ct_stopped(ct))
		return;
	int rc = dn_acquire_near(ct, dn, S_DST, child);
	if (rc < 0) {
		ct_report(ct, CT_ERROR, CT_DST, dn, NULL, "open directory", NULL, -rc, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, 1);
		return;
	}
	if (ct_dir_meta(ct, w, dn->parent ? dn->parent : NULL, dn->parent ? dn->name : NULL,
			dn->fd[DST], &dn->st, &dn->xa, dn->iflags, dn->preexisting) < 0)
		atomic_fetch_add(&ct->st->failures, 1);
	dn_release(ct, dn);
}

void dn_done(struct ct *ct, struct wctx *w, struct dnode *dn)
{
	struct dnode *child = NULL;
	while (dn && atomic_fetch_sub_explicit(&dn->pending, 1, memory_order_acq_rel) == 1) {
		finalize(ct, w, dn, child);
		child = dn;
		dn = dn->parent;
	}
}
