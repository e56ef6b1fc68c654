/* One inode of SRC made in DST with its metadata: a regular file (its data
 * through copytree_data.c), a symlink, device, FIFO or socket, or a file
 * that is a mount point (a bind-mounted file: an empty file with the
 * metadata of what the mount hides).
 *
 * May call: copytree_data.c, copytree_meta.c, copytree_report.c,
 * copytree_node.c, copytree_xattr.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "copytree_int.h"
#include "xalloc.h"
#include "banned.h"

struct mkfile {
	mode_t mode;
	int fd;
};

static int mk_file(int dirfd, const char *name, void *arg)
{
	struct mkfile *m = arg;
	m->fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		       m->mode);
	return m->fd < 0 ? -errno : 0;
}

static int src_open(struct ct *ct, int dirfd, const char *name)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	int fd = openat(dirfd, name, flags | ct->noatime);
	if (fd < 0 && errno == EPERM && ct->noatime)
		fd = openat(dirfd, name, flags);
	return fd < 0 ? -errno : fd;
}

/* Open dn/name of SRC, the regular file lst said it was (else CTE_CHANGED),
 * and read its stat, inode flags and xattrs (into w->xa). The descriptor, or
 * -1 (reported). */
static int reg_open_src(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
			const struct fs_stat *lst, struct fs_stat *st, unsigned *iflags)
{
	int sfd = src_open(ct, dn->fd[SRC], name);
	if (sfd < 0) {
		ct_src_error(ct, dn, name, "open", NULL, -sfd, S_IFREG);
		return -1;
	}
	int rc = fs_statat(sfd, "", AT_EMPTY_PATH, st);
	if (rc == 0 && (st->ino != lst->ino || st->dev != lst->dev || !S_ISREG(st->mode)))
		rc = -CTE_CHANGED;
	if (rc < 0) {
		ct_src_error(ct, dn, name, "open", NULL, -rc, S_IFREG);
		close(sfd);
		return -1;
	}
	if (fs_getflags(sfd, iflags) < 0)
		*iflags = 0;
	rc = xa_read(&w->xa, sfd, NULL);
	if (rc < 0) {
		ct_src_error(ct, dn, name, "read xattrs of", NULL, -rc, S_IFREG);
		close(sfd);
		return -1;
	}
	return sfd;
}

/* The metadata of a copied regular file, then close it (a late write error
 * shows there). 0, or -1 (reported). */
static int reg_meta_close(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
			  int dfd, const struct fs_stat *st, unsigned iflags, bool need_chmod)
{
	int fail = 0;
	if ((st->uid != ct->euid || st->gid != ct->egid || dn->preexisting) &&
	    fchown(dfd, st->uid, st->gid) < 0) {
		ct_dst_error(ct, dn, name, "set owner of", NULL, errno, S_IFREG);
		fail = -1;
	}
	if (need_chmod && fchmod(dfd, st->mode & 07777) < 0) {
		ct_dst_error(ct, dn, name, "set mode of", NULL, errno, S_IFREG);
		fail = -1;
	}
	if (ct_apply_xattrs(ct, w, dn, name, dfd, NULL, &w->xa, dn->preexisting, S_IFREG) < 0)
		fail = -1;
	struct timespec ts[2];
	ct_ts_pair(ts, st);
	if (futimens(dfd, ts) < 0) {
		ct_dst_error(ct, dn, name, "set times of", NULL, errno, S_IFREG);
		fail = -1;
	}
	unsigned now = iflags;
	if (st->nlink > 1 && (iflags & FSF_LAST_MASK)) {
		/* more names may be linked to it: immutable once they all are */
		now &= ~FSF_LAST_MASK;
		ct_defer_flags(ct, dn, name, iflags);
	}
	if (ct_apply_flags(ct, dn, name, dfd, now, dn->preexisting, S_IFREG) < 0)
		fail = -1;
	if (close(dfd) < 0 && !fail) {
		ct_dst_error(ct, dn, name, "write", NULL, errno, S_IFREG);
		fail = -1;
	}
	return fail;
}

/* Copy one regular file: 0, or -1 when it failed (reported). */
static int copy_reg(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
		    const struct fs_stat *lst)
{
	struct fs_stat st;
	unsigned iflags = 0;
	int sfd = reg_open_src(ct, w, dn, name, lst, &st, &iflags);
	if (sfd < 0)
		return -1;

	/* Created with its final permissions when the umask allows, so most
	 * files need no chmod; setuid & co. wait until after the chown. */
	mode_t perm = st.mode & 0777;
	bool need_chmod = (st.mode & 07000) || (perm & ct->umask) || dn->preexisting;
	struct mkfile m = { .mode = need_chmod ? 0600 : perm, .fd = -1 };
	int rc = ct_make_entry(ct, dn, name, mk_file, &m);
	if (rc < 0) {
		ct_dst_error(ct, dn, name, "create", NULL, -rc, S_IFREG);
		close(sfd);
		return -1;
	}
	int dfd = m.fd, side = SRC;
	if (st.size > (8u << 20))
		posix_fadvise(sfd, 0, 0, POSIX_FADV_SEQUENTIAL);
	rc = ct_copy_data(ct, w, sfd, dfd, &st, name, &side);
	close(sfd);
	if (rc < 0) {
		if (side == SRC)
			ct_src_error(ct, dn, name, "read", NULL, -rc, S_IFREG);
		else
			ct_dst_error(ct, dn, name, "write", NULL, -rc, S_IFREG);
		close(dfd);
		unlinkat(dn->fd[DST], name, 0);         /* no half copies left behind */
		return -1;
	}
	int fail = reg_meta_close(ct, w, dn, name, dfd, &st, iflags, need_chmod);
	atomic_fetch_add_explicit(&ct->st->files, 1, memory_order_relaxed);
	return fail;
}

/* ---- symlinks, devices, FIFOs, sockets ---- */

struct mknode {
	const char *target;     /* symlink */
	mode_t mode;
	dev_t rdev;
};

static int mk_node(int dirfd, const char *name, void *arg)
{
	struct mknode *m = arg;
	int r = m->target ? symlinkat(m->target, dirfd, name)
			  : mknodat(dirfd, name, (m->mode & S_IFMT) | 0600, m->rdev);
	return r < 0 ? -errno : 0;
}

static int copy_node(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
		     const struct fs_stat *st)
{
	int sdir = dn->fd[SRC], ddir = dn->fd[DST];
	mode_t type = st->mode & S_IFMT;
	char *target = NULL;
	struct mknode m = { .mode = st->mode, .rdev = st->rdev };
	if (S_ISLNK(st->mode)) {
		size_t cap = st->size + 1;
		for (;;) {
			target = xrealloc(target, cap + 1);
			ssize_t n = readlinkat(sdir, name, target, cap);
			if (n < 0) {
				ct_src_error(ct, dn, name, "read symlink", NULL, errno, type);
				free(target);
				return -1;
			}
			if ((size_t)n < cap) {
				target[n] = '\0';
				break;
			}
			cap *= 2;
		}
		m.target = target;
	}
	int rc = xa_read(&w->xa, sdir, name);
	if (rc < 0) {
		ct_src_error(ct, dn, name, "read xattrs of", NULL, -rc, type);
		free(target);
		return -1;
	}
	rc = ct_make_entry(ct, dn, name, mk_node, &m);
	free(target);
	if (rc < 0) {
		ct_dst_error(ct, dn, name, "create", NULL, -rc, type);
		return -1;
	}
	int fail = 0;
	if ((st->uid != ct->euid || st->gid != ct->egid || dn->preexisting) &&
	    fchownat(ddir, name, st->uid, st->gid, AT_SYMLINK_NOFOLLOW) < 0) {
		ct_dst_error(ct, dn, name, "set owner of", NULL, errno, type);
		fail = -1;
	}
	if (!S_ISLNK(st->mode)) {
		rc = fs_chmodat_nofollow(ddir, name, st->mode & 07777);
		if (rc < 0) {
			ct_dst_error(ct, dn, name, "set mode of", NULL, -rc, type);
			fail = -1;
		}
	}
	if (ct_apply_xattrs(ct, w, dn, name, ddir, name, &w->xa, dn->preexisting, type) < 0)
		fail = -1;
	struct timespec ts[2];
	ct_ts_pair(ts, st);
	if (utimensat(ddir, name, ts, AT_SYMLINK_NOFOLLOW) < 0) {
		ct_dst_error(ct, dn, name, "set times of", NULL, errno, type);
		fail = -1;
	}
	atomic_fetch_add_explicit(S_ISLNK(st->mode) ? &ct->st->symlinks : &ct->st->specials, 1,
				  memory_order_relaxed);
	return fail;
}

/* ---- mount points that are not directories (bind-mounted files) ---- */

int ct_copy_file_mountpoint(struct ct *ct, struct dnode *dn, const char *name,
			    const struct fs_stat *vst)
{
	struct fs_stat st = *vst;
	int ufd = dn_open_underlying(ct, dn);
	if (ufd >= 0) {
		struct fs_stat ust;
		if (fs_statat(ufd, name, AT_SYMLINK_NOFOLLOW, &ust) == 0)
			st = ust;
		close(ufd);
	}
	if (!S_ISREG(st.mode))
		st.mode = S_IFREG | (st.mode & 07777);
	struct mkfile m = { .mode = 0600, .fd = -1 };
	int rc = ct_make_entry(ct, dn, name, mk_file, &m);
	if (rc < 0) {
		ct_dst_error(ct, dn, name, "create", NULL, -rc, S_IFREG);
		return -1;
	}
	int fail = 0;
	if (fchown(m.fd, st.uid, st.gid) < 0 || fchmod(m.fd, st.mode & 07777) < 0) {
		ct_dst_error(ct, dn, name, "set owner and mode of", NULL, errno, S_IFREG);
		fail = -1;
	}
	struct timespec ts[2];
	ct_ts_pair(ts, &st);
	if (futimens(m.fd, ts) < 0) {
		ct_dst_error(ct, dn, name, "set times of", NULL, errno, S_IFREG);
		fail = -1;
	}
	close(m.fd);
	atomic_fetch_add(&ct->st->mountpoints, 1);
	atomic_fetch_add(&ct->st->files, 1);
	return fail;
}

/* ---- any of them ---- */

int ct_copy_inode(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
		  const struct fs_stat *st)
{
	return S_ISREG(st->mode) ? copy_reg(ct, w, dn, name, st) : copy_node(ct, w, dn, name, st);
}
