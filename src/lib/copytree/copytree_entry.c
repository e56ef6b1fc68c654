/* The copy engine, one entry at a time: regular files (data with holes kept),
 * symlinks, devices, FIFOs and sockets, hard links, and the metadata of each
 * in the order the kernel needs: owner, then mode (chown clears setuid and
 * setgid), then xattrs (chown clears security.capability), then times, then
 * inode flags (immutable and append-only forbid everything after them). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "copytree_int.h"
#include "xalloc.h"
#include "banned.h"

#define CFR_CHUNK (16u << 20)   /* progress moves at least every 16 MiB */
#define WRITE_BEHIND (8u << 20) /* start writing back a big file's data every 8 MiB */

/* Big files: have the kernel start writing what was copied now, rather than
 * when the dirty limit is reached, so the disk writes while we read and the
 * final flush has little left to do. */
struct wbehind {
	int fd;
	int64_t from;           /* not yet handed to writeback */
};

static void write_behind(struct wbehind *wb, int64_t upto, bool force)
{
	if (!wb || (upto - wb->from < (int64_t)WRITE_BEHIND && !force) || upto <= wb->from)
		return;
	sync_file_range(wb->fd, wb->from, upto - wb->from, SYNC_FILE_RANGE_WRITE);
	wb->from = upto;
}

/* ---- reports ---- */

void ct_report(struct ct *ct, enum copytree_kind kind, enum copytree_side side,
	       const struct dnode *dn, const char *name, const char *op,
	       const char *detail, int err, mode_t type)
{
	if (!ct->o->report)
		return;
	char *path = dn_path(dn, name);
	struct copytree_report r = {
		.kind = kind, .side = side, .path = path, .op = op, .detail = detail,
		.err = err, .type = type & S_IFMT,
	};
	pthread_mutex_lock(&ct->rep_lock);
	ct->o->report(ct->o->arg, &r);
	pthread_mutex_unlock(&ct->rep_lock);
	free(path);
}

bool ct_stopped(struct ct *ct)
{
	return atomic_load_explicit(&ct->fatal, memory_order_relaxed) != 0;
}

static bool fatal_on_dst(int err)
{
	switch (err) {
	case ENOSPC: case EDQUOT: case EIO: case EROFS: case EUCLEAN:
	case ENOMEM: case EMFILE: case ENFILE:
		return true;
	}
	return false;
}

void ct_dst_error(struct ct *ct, const struct dnode *dn, const char *name,
		  const char *op, const char *detail, int err, mode_t type)
{
	if (fatal_on_dst(err)) {
		int expect = 0;
		if (atomic_compare_exchange_strong(&ct->fatal, &expect, -err))
			ct_report(ct, CT_FATAL, CT_DST, dn, name, op, detail, err, type);
		return;
	}
	if (!ct_stopped(ct))
		ct_report(ct, CT_ERROR, CT_DST, dn, name, op, detail, err, type);
}

static void src_error(struct ct *ct, const struct dnode *dn, const char *name,
		      const char *op, const char *detail, int err, mode_t type)
{
	if (!ct_stopped(ct))
		ct_report(ct, CT_ERROR, CT_SRC, dn, name, op, detail, err, type);
}

/* ---- xattr sets ---- */

/* name NULL: fd itself (an open file or directory); else fd/name, not followed. */
static ssize_t x_list(int fd, const char *name, char *buf, size_t size)
{
	if (!name) {
		ssize_t n = flistxattr(fd, buf, size);
		return n < 0 ? -errno : n;
	}
	return fs_listxattrat(fd, name, buf, size);
}

static ssize_t x_get(int fd, const char *name, const char *attr, void *buf, size_t size)
{
	if (!name) {
		ssize_t n = fgetxattr(fd, attr, buf, size);
		return n < 0 ? -errno : n;
	}
	return fs_getxattrat(fd, name, attr, buf, size);
}

static int x_set(int fd, const char *name, const char *attr, const void *val, size_t len)
{
	if (!name)
		return fsetxattr(fd, attr, val, len, 0) < 0 ? -errno : 0;
	return fs_setxattrat(fd, name, attr, val, len);
}

static int x_remove(int fd, const char *name, const char *attr)
{
	if (!name)
		return fremovexattr(fd, attr) < 0 ? -errno : 0;
	return fs_removexattrat(fd, name, attr);
}

static void grow(char **p, size_t *cap, size_t need)
{
	if (*cap >= need)
		return;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	*p = xrealloc(*p, c);
	*cap = c;
}

int xa_read(struct xattrs *x, int fd, const char *name)
{
	x->n = 0;
	x->vals_len = 0;
	ssize_t len;
	for (;;) {
		grow(&x->names, &x->names_cap, 1024);
		len = x_list(fd, name, x->names, x->names_cap);
		if (len != -ERANGE)
			break;
		len = x_list(fd, name, NULL, 0);
		if (len < 0)
			break;
		grow(&x->names, &x->names_cap, (size_t)len + 1);
	}
	if (len == -ENOTSUP || len == -EOPNOTSUPP)
		return 0;               /* no xattrs on this filesystem */
	if (len < 0)
		return (int)len;
	size_t count = 0;
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(x->names + i) + 1)
		count++;
	if (x->it_cap < count) {
		x->it_cap = count;
		x->it = xrealloc(x->it, count * sizeof(*x->it));
	}
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(x->names + i) + 1) {
		const char *attr = x->names + i;
		ssize_t v;
		for (;;) {
			grow(&x->vals, &x->vals_cap, x->vals_len + 256);
			v = x_get(fd, name, attr, x->vals + x->vals_len, x->vals_cap - x->vals_len);
			if (v != -ERANGE)
				break;
			v = x_get(fd, name, attr, NULL, 0);
			if (v < 0)
				break;
			grow(&x->vals, &x->vals_cap, x->vals_len + (size_t)v + 1);
		}
		if (v == -ENODATA)
			continue;       /* removed meanwhile */
		if (v < 0)
			return (int)v;
		x->it[x->n++] = (struct xattr_item){ (size_t)i, x->vals_len, (size_t)v };
		x->vals_len += (size_t)v;
	}
	return 0;
}

void xa_copy(struct xattrs *dst, const struct xattrs *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->n)
		return;
	size_t names_len = 0;
	for (size_t i = 0; i < src->n; i++) {
		size_t end = src->it[i].name + strlen(xa_name(src, i)) + 1;
		if (end > names_len)
			names_len = end;
	}
	dst->n = dst->it_cap = src->n;
	dst->it = xmalloc(src->n * sizeof(*dst->it));
	memcpy(dst->it, src->it, src->n * sizeof(*dst->it));
	dst->names = xmalloc(names_len);
	memcpy(dst->names, src->names, names_len);
	dst->names_cap = names_len;
	dst->vals = xmalloc(src->vals_len ? src->vals_len : 1);
	memcpy(dst->vals, src->vals, src->vals_len);
	dst->vals_cap = dst->vals_len = src->vals_len;
}

void xa_free(struct xattrs *x)
{
	free(x->it);
	free(x->names);
	free(x->vals);
	memset(x, 0, sizeof(*x));
}

static bool xa_has(const struct xattrs *x, const char *attr)
{
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(xa_name(x, i), attr) == 0)
			return true;
	return false;
}

/* Set every xattr of xa on fd (or fd/name); with clean, first remove those
 * that fd has and xa has not (DST entries that existed, or inherited a default
 * ACL). 0 or -1 (reported). */
static int apply_xattrs(struct ct *ct, struct wctx *w, const struct dnode *dn,
			const char *rname, int fd, const char *name,
			const struct xattrs *xa, bool clean, mode_t type)
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
			int e = x_remove(fd, name, attr);
			if (e < 0 && e != -ENODATA) {
				ct_dst_error(ct, dn, rname, "remove xattr", attr, -e, type);
				rc = -1;
			}
		}
	}
	for (size_t i = 0; i < xa->n; i++) {
		const char *attr = xa_name(xa, i);
		int e = x_set(fd, name, attr, xa->vals + xa->it[i].val, xa->it[i].len);
		if (e < 0) {
			ct_dst_error(ct, dn, rname, "set xattr", attr, -e, type);
			rc = -1;
		}
	}
	return rc;
}

/* Inode flags on an open DST file or directory: keep what the filesystem owns
 * (extents, inline data, ...), take the rest from SRC. */
static int apply_flags(struct ct *ct, const struct dnode *dn, const char *rname, int fd,
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

static void ts_pair(struct timespec ts[2], const struct fs_stat *st)
{
	ts[0] = st->atime;
	ts[1] = st->mtime;
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
	if (apply_xattrs(ct, w, dn, name, dfd, NULL, xa, preexisting, S_IFDIR) < 0)
		rc = -1;
	ts_pair(ts, st);
	if (futimens(dfd, ts) < 0) {
		ct_dst_error(ct, dn, name, "set times of", NULL, errno, S_IFDIR);
		rc = -1;
	}
	if (apply_flags(ct, dn, name, dfd, iflags & ~FSF_CASEFOLD, preexisting, S_IFDIR) < 0)
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

/* Make a DST entry with mk(); in force mode replace what is in the way. */
static int make_entry(struct ct *ct, struct dnode *dn, const char *name,
		      int (*mk)(int dirfd, const char *name, void *arg), void *arg)
{
	int rc = mk(dn->fd[DST], name, arg);
	if (rc != -EEXIST || !(ct->flags & COPYTREE_FORCE))
		return rc;
	rc = ct_clear_dst(ct, dn->fd[DST], name, false);
	return rc < 0 ? rc : mk(dn->fd[DST], name, arg);
}

/* ---- hard links ---- */

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

struct deferred_flags {
	struct deferred_flags *next;
	struct dnode *dn;
	unsigned flags;
	char name[];
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
	for (struct deferred_flags *d = ct->deferred, *next; d; d = next) {
		next = d->next;
		dn_unref(ct, d->dn);
		free(d);
	}
	ct->deferred = NULL;
}

/* ---- regular files ---- */

static bool fault(const char *hook, const char *name)
{
	return hook && strcmp(hook, name) == 0;
}

/* Data of [off, off+len) with pread/pwrite; *side says which file failed. */
static int copy_rw(struct ct *ct, struct wctx *w, int sfd, int dfd, int64_t off,
		   uint64_t len, int *side, struct wbehind *wb)
{
	while (len > 0) {
		size_t want = len < w->bufsize ? (size_t)len : w->bufsize;
		ssize_t n = pread(sfd, w->buf, want, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*side = SRC;
			return -errno;
		}
		if (n == 0)
			return 0;       /* the file shrank meanwhile: copy what is there */
		for (ssize_t done = 0; done < n;) {
			ssize_t m = pwrite(dfd, w->buf + done, (size_t)(n - done), off + done);
			if (m < 0) {
				if (errno == EINTR)
					continue;
				*side = DST;
				return -errno;
			}
			done += m;
		}
		off += n;
		len -= (uint64_t)n;
		atomic_fetch_add_explicit(&ct->st->bytes, (uint64_t)n, memory_order_relaxed);
		write_behind(wb, off, false);
	}
	return 0;
}

/* Data of [off, off+len): copy_file_range (in the kernel, no copy through
 * user space; a clone where the filesystem can) when SRC and DST share a
 * filesystem; else sendfile (in the kernel too, across filesystems); else
 * read and write. An error of either kernel copy, or an early end, is
 * retried with read and write, which tell a read error from a write error. */
static int copy_range(struct ct *ct, struct wctx *w, int sfd, int dfd, int64_t off,
		      uint64_t len, int *side, struct wbehind *wb)
{
	int64_t in = off, out = off;
	while (len > 0 && !atomic_load_explicit(&ct->cfr_off, memory_order_relaxed)) {
		size_t want = len < CFR_CHUNK ? (size_t)len : CFR_CHUNK;
		ssize_t n = fs_copy_file_range(sfd, &in, dfd, &out, want);
		if (n > 0) {
			len -= (uint64_t)n;
			atomic_fetch_add_explicit(&ct->st->bytes, (uint64_t)n,
						  memory_order_relaxed);
			write_behind(wb, out, false);
			continue;
		}
		if (n == -EINTR)
			continue;
		if (n == -EXDEV || n == -ENOSYS || n == -EOPNOTSUPP)
			atomic_store(&ct->cfr_off, 1);
		else
			return len ? copy_rw(ct, w, sfd, dfd, in, len, side, wb) : 0;
		break;
	}
	if (len && !atomic_load_explicit(&ct->sendfile_off, memory_order_relaxed) &&
	    lseek(dfd, out, SEEK_SET) == out) {
		off_t pos = (off_t)in;
		while (len > 0) {
			size_t want = len < CFR_CHUNK ? (size_t)len : CFR_CHUNK;
			ssize_t n = sendfile(dfd, sfd, &pos, want);
			if (n > 0) {
				len -= (uint64_t)n;
				out += n;
				atomic_fetch_add_explicit(&ct->st->bytes, (uint64_t)n,
							  memory_order_relaxed);
				write_behind(wb, out, false);
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP))
				atomic_store(&ct->sendfile_off, 1);
			break;
		}
		in = pos;
	}
	return len ? copy_rw(ct, w, sfd, dfd, in, len, side, wb) : 0;
}

static int copy_data(struct ct *ct, struct wctx *w, int sfd, int dfd, const struct fs_stat *st,
		     const char *name, int *side)
{
	if (fault(ct->fault_read, name)) {
		*side = SRC;
		return -EIO;
	}
	if (fault(ct->fault_write, name)) {
		*side = DST;
		return -EIO;
	}
	uint64_t size = st->size;
	if (size == 0)
		return 0;
	struct wbehind wbs = { dfd, 0 }, *wb = size >= 4 * WRITE_BEHIND ? &wbs : NULL;
	if (st->blocks * 512 >= size) {
		int rc = copy_range(ct, w, sfd, dfd, 0, size, side, wb);
		write_behind(wb, (int64_t)size, true);
		return rc;
	}
	/* fewer blocks than bytes: copy the data, leave the holes */
	int64_t off = 0;
	while ((uint64_t)off < size) {
		int64_t data = lseek(sfd, off, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO)
				break;          /* only a hole up to the end */
			if (errno == EINVAL || errno == EOPNOTSUPP) {
				data = off;     /* no SEEK_DATA here: all data */
			} else {
				*side = SRC;
				return -errno;
			}
		}
		if ((uint64_t)data >= size)
			break;
		int64_t hole = lseek(sfd, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > size)
			hole = (int64_t)size;
		if (wb)
			wb->from = data;
		int rc = copy_range(ct, w, sfd, dfd, data, (uint64_t)(hole - data), side, wb);
		if (rc < 0)
			return rc;
		write_behind(wb, hole, true);
		off = hole;
	}
	if (ftruncate(dfd, (off_t)size) < 0) {
		*side = DST;
		return -errno;
	}
	return 0;
}

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

/* Copy one regular file: 0, or -1 when it failed (reported). */
static int copy_reg(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
		    const struct fs_stat *lst)
{
	int sfd = src_open(ct, dn->fd[SRC], name);
	if (sfd < 0) {
		src_error(ct, dn, name, "open", NULL, -sfd, S_IFREG);
		return -1;
	}
	struct fs_stat st;
	int rc = fs_statat(sfd, "", AT_EMPTY_PATH, &st);
	if (rc == 0 && (st.ino != lst->ino || st.dev != lst->dev || !S_ISREG(st.mode)))
		rc = -CTE_CHANGED;
	if (rc < 0) {
		src_error(ct, dn, name, "open", NULL, -rc, S_IFREG);
		close(sfd);
		return -1;
	}
	unsigned iflags = 0;
	if (fs_getflags(sfd, &iflags) < 0)
		iflags = 0;
	rc = xa_read(&w->xa, sfd, NULL);
	if (rc < 0) {
		src_error(ct, dn, name, "read xattrs of", NULL, -rc, S_IFREG);
		close(sfd);
		return -1;
	}

	/* Created with its final permissions when the umask allows, so most
	 * files need no chmod; setuid & co. wait until after the chown. */
	mode_t perm = st.mode & 0777;
	bool need_chmod = (st.mode & 07000) || (perm & ct->umask) || dn->preexisting;
	struct mkfile m = { .mode = need_chmod ? 0600 : perm, .fd = -1 };
	rc = make_entry(ct, dn, name, mk_file, &m);
	if (rc < 0) {
		ct_dst_error(ct, dn, name, "create", NULL, -rc, S_IFREG);
		close(sfd);
		return -1;
	}
	int dfd = m.fd, side = SRC;
	if (st.size > (8u << 20))
		posix_fadvise(sfd, 0, 0, POSIX_FADV_SEQUENTIAL);
	rc = copy_data(ct, w, sfd, dfd, &st, name, &side);
	close(sfd);
	if (rc < 0) {
		if (side == SRC)
			src_error(ct, dn, name, "read", NULL, -rc, S_IFREG);
		else
			ct_dst_error(ct, dn, name, "write", NULL, -rc, S_IFREG);
		close(dfd);
		unlinkat(dn->fd[DST], name, 0);         /* no half copies left behind */
		return -1;
	}

	int fail = 0;
	if ((st.uid != ct->euid || st.gid != ct->egid || dn->preexisting) &&
	    fchown(dfd, st.uid, st.gid) < 0) {
		ct_dst_error(ct, dn, name, "set owner of", NULL, errno, S_IFREG);
		fail = -1;
	}
	if (need_chmod && fchmod(dfd, st.mode & 07777) < 0) {
		ct_dst_error(ct, dn, name, "set mode of", NULL, errno, S_IFREG);
		fail = -1;
	}
	if (apply_xattrs(ct, w, dn, name, dfd, NULL, &w->xa, dn->preexisting, S_IFREG) < 0)
		fail = -1;
	struct timespec ts[2];
	ts_pair(ts, &st);
	if (futimens(dfd, ts) < 0) {
		ct_dst_error(ct, dn, name, "set times of", NULL, errno, S_IFREG);
		fail = -1;
	}
	unsigned now = iflags;
	if (st.nlink > 1 && (iflags & FSF_LAST_MASK)) {
		/* more names may be linked to it: immutable once they all are */
		now &= ~FSF_LAST_MASK;
		size_t l = strlen(name);
		struct deferred_flags *d = xmalloc(sizeof(*d) + l + 1);
		memcpy(d->name, name, l + 1);
		d->flags = iflags;
		dn_ref(dn);
		d->dn = dn;
		pthread_mutex_lock(&ct->hl_lock);
		d->next = ct->deferred;
		ct->deferred = d;
		pthread_mutex_unlock(&ct->hl_lock);
	}
	if (apply_flags(ct, dn, name, dfd, now, dn->preexisting, S_IFREG) < 0)
		fail = -1;
	if (close(dfd) < 0 && !fail) {
		ct_dst_error(ct, dn, name, "write", NULL, errno, S_IFREG);
		fail = -1;
	}
	atomic_fetch_add_explicit(&ct->st->files, 1, memory_order_relaxed);
	return fail;
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
		} else if (apply_flags(ct, d->dn, d->name, fd, d->flags, false, S_IFREG) < 0) {
			atomic_fetch_add(&ct->st->failures, 1);
		}
		if (fd >= 0)
			close(fd);
		dn_release(ct, d->dn);
	}
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
				src_error(ct, dn, name, "read symlink", NULL, errno, type);
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
		src_error(ct, dn, name, "read xattrs of", NULL, -rc, type);
		free(target);
		return -1;
	}
	rc = make_entry(ct, dn, name, mk_node, &m);
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
	if (apply_xattrs(ct, w, dn, name, ddir, name, &w->xa, dn->preexisting, type) < 0)
		fail = -1;
	struct timespec ts[2];
	ts_pair(ts, st);
	if (utimensat(ddir, name, ts, AT_SYMLINK_NOFOLLOW) < 0) {
		ct_dst_error(ct, dn, name, "set times of", NULL, errno, type);
		fail = -1;
	}
	atomic_fetch_add_explicit(S_ISLNK(st->mode) ? &ct->st->symlinks : &ct->st->specials, 1,
				  memory_order_relaxed);
	return fail;
}

/* ---- mount points that are not directories (bind-mounted files) ---- */

static int copy_file_mountpoint(struct ct *ct, struct wctx *w, struct dnode *dn,
				const char *name, const struct fs_stat *vst)
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
	int rc = make_entry(ct, dn, name, mk_file, &m);
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
	ts_pair(ts, &st);
	if (futimens(m.fd, ts) < 0) {
		ct_dst_error(ct, dn, name, "set times of", NULL, errno, S_IFREG);
		fail = -1;
	}
	close(m.fd);
	(void)w;
	atomic_fetch_add(&ct->st->mountpoints, 1);
	atomic_fetch_add(&ct->st->files, 1);
	return fail;
}

/* ---- one entry ---- */

/* A regular file, or a symlink, device, FIFO or socket. */
static int copy_one(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
		    const struct fs_stat *st)
{
	return S_ISREG(st->mode) ? copy_reg(ct, w, dn, name, st) : copy_node(ct, w, dn, name, st);
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
	rc = make_entry(ct, dn, name, mk_link, e);
	dn_release(ct, e->dn);
	if (rc == 0) {
		atomic_fetch_add_explicit(&ct->st->hardlinks, 1, memory_order_relaxed);
		return 0;
	}
	if (rc == -EMLINK && st) {
		/* more links than DST allows: a copy of its own, and say so */
		ct_dst_error(ct, dn, name, "link", NULL, EMLINK, st->mode);
		copy_one(ct, w, dn, name, st);
		return -1;
	}
	ct_dst_error(ct, dn, name, "link", NULL, -rc, S_IFREG);
	return -1;
}

static void report_copied(struct ct *ct, struct dnode *dn, const char *name, mode_t mode)
{
	if (ct->flags & COPYTREE_VERBOSE)
		ct_report(ct, CT_COPIED, CT_SRC, dn, name, NULL, NULL, 0, mode);
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
						report_copied(ct, wt->dn, wt->name, S_IFREG);
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
				src_error(ct, wt->dn, wt->name, "stat", NULL, -rc, S_IFREG);
			else if (!ct_stopped(ct) && !S_ISDIR(st.mode) &&
				 copy_one(ct, w, wt->dn, wt->name, &st) == 0)
				ok = true;
			dn_release(ct, wt->dn);
		} else {
			ct_dst_error(ct, wt->dn, NULL, "open directory", NULL, -rc, S_IFDIR);
		}
		if (ok)
			report_copied(ct, wt->dn, wt->name, S_IFREG);
		else
			atomic_fetch_add(&ct->st->failures, 1);
		dn_done(ct, w, wt->dn);
		dn_unref(ct, wt->dn);
		free(wt);
	}
}

bool ct_copy_entry(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name)
{
	struct fs_stat st;
	int rc = fs_statat(dn->fd[SRC], name, AT_SYMLINK_NOFOLLOW, &st);
	if (rc == -ENOENT) {
		ct_report(ct, CT_VANISHED, CT_SRC, dn, name, "stat", NULL, ENOENT, 0);
		atomic_fetch_add(&ct->st->vanished, 1);
		return true;
	}
	if (rc < 0) {
		src_error(ct, dn, name, "stat", NULL, -rc, 0);
		atomic_fetch_add(&ct->st->failures, 1);
		return true;
	}
	int fail;
	bool mount = (st.mnt_id && ct->src_mnt && st.mnt_id != ct->src_mnt) ||
		     st.dev != ct->src_dev || st.mount_root;
	if (S_ISDIR(st.mode)) {
		/* it was something else when the walker listed it */
		src_error(ct, dn, name, "copy", NULL, CTE_CHANGED, S_IFDIR);
		fail = -1;
	} else if (mount) {
		fail = copy_file_mountpoint(ct, w, dn, name, &st);
	} else if (st.nlink > 1) {
		/* hard links: regular files, and symlinks, devices, FIFOs, sockets too */
		bool created;
		pthread_mutex_lock(&ct->hl_lock);
		struct hl_entry *e = hl_find(ct, st.dev, st.ino, &created);
		if (created || e->state == HL_FAILED) {
			hl_set_first(ct, e, dn, name);
			pthread_mutex_unlock(&ct->hl_lock);
			fail = copy_one(ct, w, dn, name, &st);
			if (!fail)
				report_copied(ct, dn, name, st.mode);
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
		fail = do_link(ct, w, e, dn, name, &st);
	} else {
		fail = copy_one(ct, w, dn, name, &st);
	}
	if (fail)
		atomic_fetch_add(&ct->st->failures, 1);
	else
		report_copied(ct, dn, name, st.mode);
	return true;
}
