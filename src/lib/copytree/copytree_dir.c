/* One directory entry met by the walker, made in DST: a directory to walk
 * into (its dnode, with what finalizing it will need), or a mount point (an
 * empty directory with the metadata of the one it hides). Its contents are
 * the walker's business.
 *
 * May call: copytree_entry.c (an entry that is no longer a directory),
 * copytree_meta.c, copytree_report.c, copytree_node.c, copytree_xattr.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "copytree_int.h"
#include "xalloc.h"
#include "banned.h"

static int open_src_dir(struct ct *ct, int dirfd, const char *name)
{
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(dirfd, name, flags | ct->noatime);
	if (fd < 0 && errno == EPERM && ct->noatime)
		fd = openat(dirfd, name, flags);
	return fd < 0 ? -errno : fd;
}

/* mkdir in DST; in force mode an existing directory is reused (1). */
static int make_dir(struct ct *ct, int dirfd, const char *name)
{
	if (mkdirat(dirfd, name, 0700) == 0)
		return 0;
	if (errno != EEXIST || !(ct->flags & COPYTREE_FORCE))
		return -errno;
	int rc = ct_clear_dst(ct, dirfd, name, true);
	if (rc != 0)
		return rc;
	return mkdirat(dirfd, name, 0700) < 0 ? -errno : 0;
}

/* A mount point below SRC: an empty directory with the metadata of the
 * directory the mount hides (through the open_tree clone), else of the one
 * it shows. */
static void copy_mountpoint(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
			    const struct fs_stat *vst)
{
	struct fs_stat st = *vst;
	struct xattrs xa = { 0 };
	unsigned iflags = 0;
	int ufd = dn_open_underlying(ct, dn);
	if (ufd >= 0) {
		struct fs_stat ust;
		if (fs_statat(ufd, name, AT_SYMLINK_NOFOLLOW, &ust) == 0 && S_ISDIR(ust.mode)) {
			st = ust;
			if (xa_read(&xa, ufd, name) < 0)
				xa_free(&xa);
			int fd = openat(ufd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0) {
				if (fs_getflags(fd, &iflags) < 0)
					iflags = 0;
				close(fd);
			}
		}
		close(ufd);
	}
	int rc = make_dir(ct, dn->fd[DST], name);
	int dfd = rc < 0 ? rc : openat(dn->fd[DST], name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rc >= 0 && dfd < 0)
		rc = -errno;
	if (rc < 0) {
		ct_dst_error(ct, dn, name, "create", NULL, -rc, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, 1);
	} else {
		if (ct_dir_meta(ct, w, dn, name, dfd, &st, &xa, iflags, rc == 1) < 0)
			atomic_fetch_add(&ct->st->failures, 1);
		close(dfd);
		atomic_fetch_add(&ct->st->dirs, 1);
		atomic_fetch_add(&ct->st->mountpoints, 1);
		if (ct->flags & COPYTREE_VERBOSE)
			ct_report(ct, CT_COPIED, CT_SRC, dn, name, NULL, NULL, 0, S_IFDIR);
	}
	xa_free(&xa);
}

/* Open dn/name of SRC, the directory st said it was; its stat in *sst. The
 * descriptor, or -1 (reported). */
static int open_child_src(struct ct *ct, struct dnode *dn, const char *name,
			  const struct fs_stat *st, struct fs_stat *sst)
{
	int sfd = open_src_dir(ct, dn->fd[SRC], name);
	if (sfd >= 0) {
		int rc = fs_statat(sfd, "", AT_EMPTY_PATH, sst);
		if (rc == 0 && (sst->ino != st->ino || sst->dev != st->dev))
			rc = -CTE_CHANGED;
		if (rc < 0) {
			close(sfd);
			sfd = rc;
		}
	}
	if (sfd < 0) {
		ct_report(ct, CT_ERROR, CT_SRC, dn, name, "open directory", NULL, -sfd, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, 1);
		return -1;
	}
	return sfd;
}

/* Make dn/name in DST and open it; its stat in *dst. The descriptor (with
 * *preexisting) or -1 (reported). */
static int make_child_dst(struct ct *ct, struct dnode *dn, const char *name,
			  struct fs_stat *dst, bool *preexisting)
{
	int rc = make_dir(ct, dn->fd[DST], name);
	int dfd = -1;
	if (rc >= 0) {
		dfd = openat(dn->fd[DST], name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int r = dfd < 0 ? -errno : fs_statat(dfd, "", AT_EMPTY_PATH, dst);
		if (r < 0) {
			if (dfd >= 0)
				close(dfd);
			dfd = -1;
			rc = r;
		}
	}
	if (rc < 0) {
		ct_dst_error(ct, dn, name, "create", NULL, -rc, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, 1);
		return -1;
	}
	*preexisting = rc == 1;
	return dfd;
}

/* The dnode of a directory open on both sides, with the xattrs and inode
 * flags it will be finalized with; a casefold flag is set now, while the
 * directory is empty. */
static struct dnode *child_node(struct ct *ct, struct dnode *dn, const char *name, int sfd,
				int dfd, const struct fs_stat *sst, const struct fs_stat *dst,
				bool preexisting)
{
	struct dnode *child = dn_new(ct, dn, name);
	child->fd[SRC] = sfd;
	child->fd[DST] = dfd;
	child->dev[SRC] = sst->dev;
	child->ino[SRC] = sst->ino;
	child->dev[DST] = dst->dev;
	child->ino[DST] = dst->ino;
	child->st = *sst;
	child->preexisting = preexisting;
	int rc = xa_read(&child->xa, sfd, NULL);
	if (rc < 0) {
		ct_report(ct, CT_ERROR, CT_SRC, dn, name, "read xattrs of", NULL, -rc, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, 1);
		xa_free(&child->xa);
	} else if (child->xa.n) {
		/* keep a tight copy, not the growable buffers */
		struct xattrs tight;
		xa_copy(&tight, &child->xa);
		xa_free(&child->xa);
		child->xa = tight;
	}
	if (fs_getflags(sfd, &child->iflags) < 0)
		child->iflags = 0;
	if (child->iflags & FSF_CASEFOLD) {
		/* only an empty directory can take it: now, not at the end */
		unsigned cur;
		if (fs_getflags(dfd, &cur) < 0 || fs_setflags(dfd, cur | FSF_CASEFOLD) < 0) {
			ct_dst_error(ct, dn, name, "set inode flags on", NULL, errno, S_IFDIR);
			atomic_fetch_add(&ct->st->failures, 1);
		}
	}
	return child;
}

/* What dn/name is now, in *st: 0, or -1 when it is gone or failed (reported). */
static int stat_child(struct ct *ct, struct dnode *dn, const char *name, struct fs_stat *st)
{
	int rc = fs_statat(dn->fd[SRC], name, AT_SYMLINK_NOFOLLOW, st);
	if (rc == -ENOENT) {
		ct_report(ct, CT_VANISHED, CT_SRC, dn, name, "stat", NULL, ENOENT, S_IFDIR);
		atomic_fetch_add(&ct->st->vanished, 1);
		return -1;
	}
	if (rc < 0) {
		ct_report(ct, CT_ERROR, CT_SRC, dn, name, "stat", NULL, -rc, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, 1);
		return -1;
	}
	return 0;
}

struct dnode *ct_enter_dir(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
			   struct dnode *near)
{
	struct dnode *child = NULL;
	int rc = dn_acquire_near(ct, dn, S_SRC | S_DST, near);
	if (rc < 0) {
		ct_report(ct, CT_ERROR, CT_SRC, dn, NULL, "open directory", NULL, -rc, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, 1);
		return NULL;
	}
	struct fs_stat st, sst, dst;
	bool preexisting;
	if (stat_child(ct, dn, name, &st) < 0)
		goto out;
	if (!S_ISDIR(st.mode)) {
		/* no longer a directory: copy it as what it is now */
		atomic_fetch_add(&dn->pending, 1);
		if (ct_copy_entry(ct, w, dn, name))
			dn_done(ct, w, dn);
		goto out;
	}
	if (ct_is_mount(ct, &st)) {
		copy_mountpoint(ct, w, dn, name, &st);
		goto out;
	}
	int sfd = open_child_src(ct, dn, name, &st, &sst);
	if (sfd < 0)
		goto out;
	int dfd = make_child_dst(ct, dn, name, &dst, &preexisting);
	if (dfd < 0) {
		close(sfd);
		goto out;
	}
	child = child_node(ct, dn, name, sfd, dfd, &sst, &dst, preexisting);
	dn_register(ct, child);
	atomic_fetch_add(&dn->pending, 1);
	atomic_fetch_add(&ct->st->dirs, 1);
	if (ct->flags & COPYTREE_VERBOSE)
		ct_report(ct, CT_COPIED, CT_SRC, dn, name, NULL, NULL, 0, S_IFDIR);
out:
	dn_release(ct, dn);
	return child;
}
