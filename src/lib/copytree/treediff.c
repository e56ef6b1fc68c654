/* treediff: compare two trees, independently of the copy engine.
 *
 * A single-threaded depth-first walk over both trees at once, by directory
 * descriptors (never a path longer than one name). Only the deepest WINDOW
 * directories keep their descriptors; a parent whose descriptors were closed
 * is opened again through ".." of its child and checked by device and inode,
 * so deep trees need few descriptors.
 *
 * May call: treediff_pair.c (reports, xattrs, flags, data), exclude.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "exclude.h"
#include "treediff_int.h"
#include "xalloc.h"
#include "banned.h"

static int open_ro(struct td *td, int dirfd, const char *name, int extra)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | extra;
	int fd = openat(dirfd, name, flags | td->noatime);
	if (fd < 0 && errno == EPERM && td->noatime)
		fd = openat(dirfd, name, flags);
	return fd;
}

/* The mount id of dirfd/name (name "" with AT_EMPTY_PATH: dirfd itself). */
static bool mount_id(int dirfd, const char *name, int flags, int *id)
{
	union {
		struct file_handle fh;
		char space[sizeof(struct file_handle) + 128];
	} h;
	h.fh.handle_bytes = 128;
	*id = -1;
	if (name_to_handle_at(dirfd, name, &h.fh, id, flags) == 0 || errno == EOVERFLOW)
		return *id != -1;
	return false;
}

static bool is_mount(struct td *td, int side, int dirfd, const char *name,
		     const struct stat *s)
{
	if (s->st_dev != td->rootdev[side])
		return true;
	if (!td->have_mnt[side] || !(S_ISDIR(s->st_mode) || S_ISREG(s->st_mode)))
		return false;
	int id;
	return mount_id(dirfd, name, 0, &id) && id != td->rootmnt[side];
}

/* ---- listings ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_names(struct td *td, int fd, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int d = open_ro(td, fd, ".", O_DIRECTORY);
	if (d < 0)
		return -errno;
	DIR *dir = fdopendir(d);
	if (!dir) {
		int e = errno;
		close(d);
		return -e;
	}
	size_t cap = 0;
	struct dirent *e;
	errno = 0;
	while ((e = readdir(dir))) {
		const char *nm = e->d_name;
		if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[(*n)++] = xstrdup(nm);
		errno = 0;
	}
	int rc = errno ? -errno : 0;
	closedir(dir);
	if (*n)
		qsort(*out, *n, sizeof(**out), cmp_str);
	return rc;
}

static void merge(struct tframe *f, char **a, size_t na, char **b, size_t nb)
{
	f->names = xmalloc((na + nb + 1) * sizeof(*f->names));
	f->where = xmalloc(na + nb + 1);
	size_t i = 0, j = 0, n = 0;
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
		if (c == 0) {
			f->names[n] = a[i++];
			free(b[j++]);
			f->where[n++] = 3;
		} else if (c < 0) {
			f->names[n] = a[i++];
			f->where[n++] = 1;
		} else {
			f->names[n] = b[j++];
			f->where[n++] = 2;
		}
	}
	f->n = n;
	f->i = 0;
	free(a);
	free(b);
}

static void frame_free(struct tframe *f)
{
	for (size_t k = 0; k < f->n; k++)
		free(f->names[k]);
	free(f->names);
	free(f->where);
	for (int s = 0; s < 2; s++)
		if (f->fd[s] >= 0)
			close(f->fd[s]);
}

/* ---- hard links ---- */

static struct link **link_slot(struct linktab *t, dev_t dev, ino_t ino)
{
	if (!t->tab || t->count * 2 > t->size) {
		size_t nsize = t->size ? 2 * t->size : 256;
		struct link **nt = xcalloc(nsize, sizeof(*nt));
		for (size_t i = 0; i < t->size; i++)
			for (struct link *l = t->tab[i], *next; l; l = next) {
				next = l->next;
				size_t h = (size_t)((l->ino * 31 + l->dev) % nsize);
				l->next = nt[h];
				nt[h] = l;
			}
		free(t->tab);
		t->tab = nt;
		t->size = nsize;
	}
	return &t->tab[(size_t)((ino * 31 + dev) % t->size)];
}

/* side's inode (dev, ino) was matched with the other side's (odev, oino) at path. */
static void link_check(struct td *td, int side, const char *path, const struct stat *s,
		       const struct stat *o)
{
	struct linktab *t = &td->links[side];
	struct link **slot = link_slot(t, s->st_dev, s->st_ino);
	for (struct link *l = *slot; l; l = l->next)
		if (l->dev == s->st_dev && l->ino == s->st_ino) {
			if (l->odev != o->st_dev || l->oino != o->st_ino)
				td_differ(td, path, "hard links differ: in %s the same file as '%s'",
				       td->name[side], l->path);
			return;
		}
	struct link *l = xmalloc(sizeof(*l));
	*l = (struct link){ *slot, s->st_dev, o->st_dev, s->st_ino, o->st_ino, xstrdup(path) };
	*slot = l;
	t->count++;
}

static void links_free(struct linktab *t)
{
	for (size_t i = 0; i < t->size; i++)
		for (struct link *l = t->tab[i], *next; l; l = next) {
			next = l->next;
			free(l->path);
			free(l);
		}
	free(t->tab);
}

/* ---- entries ---- */

static const char *type_name(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return "regular file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symlink";
	case S_IFCHR: return "character device";
	case S_IFBLK: return "block device";
	case S_IFIFO: return "FIFO";
	case S_IFSOCK: return "socket";
	}
	return "unknown type";
}

static void compare_stat(struct td *td, const char *path, const struct stat *a,
			 const struct stat *b)
{
	if (!S_ISLNK(a->st_mode) && (a->st_mode & 07777) != (b->st_mode & 07777))
		td_differ(td, path, "mode %04o != %04o", (unsigned)(a->st_mode & 07777),
		       (unsigned)(b->st_mode & 07777));
	if (a->st_uid != b->st_uid || a->st_gid != b->st_gid)
		td_differ(td, path, "owner %u:%u != %u:%u", (unsigned)a->st_uid, (unsigned)a->st_gid,
		       (unsigned)b->st_uid, (unsigned)b->st_gid);
	if (a->st_mtim.tv_sec != b->st_mtim.tv_sec || a->st_mtim.tv_nsec != b->st_mtim.tv_nsec)
		td_differ(td, path, "mtime %lld.%09ld != %lld.%09ld", (long long)a->st_mtim.tv_sec,
		       a->st_mtim.tv_nsec, (long long)b->st_mtim.tv_sec, b->st_mtim.tv_nsec);
	if (!(td->o->flags & TREEDIFF_NO_ATIME) && !S_ISLNK(a->st_mode) &&
	    (a->st_atim.tv_sec != b->st_atim.tv_sec || a->st_atim.tv_nsec != b->st_atim.tv_nsec))
		td_differ(td, path, "atime %lld.%09ld != %lld.%09ld", (long long)a->st_atim.tv_sec,
		       a->st_atim.tv_nsec, (long long)b->st_atim.tv_sec, b->st_atim.tv_nsec);
	if ((S_ISREG(a->st_mode) || S_ISLNK(a->st_mode)) && a->st_size != b->st_size)
		td_differ(td, path, "size %lld != %lld", (long long)a->st_size, (long long)b->st_size);
	if ((S_ISCHR(a->st_mode) || S_ISBLK(a->st_mode)) && a->st_rdev != b->st_rdev)
		td_differ(td, path, "device %u:%u != %u:%u", major(a->st_rdev), minor(a->st_rdev),
		       major(b->st_rdev), minor(b->st_rdev));
	if (!S_ISDIR(a->st_mode) && a->st_nlink != b->st_nlink)
		td_differ(td, path, "links %lu != %lu", (unsigned long)a->st_nlink,
		       (unsigned long)b->st_nlink);
}

static int reopen_check(struct td *td, int fd, const struct stat *want)
{
	(void)td;
	struct stat s;
	if (fstat(fd, &s) < 0)
		return -errno;
	if (s.st_dev != want->st_dev || s.st_ino != want->st_ino)
		return -ESTALE;
	return 0;
}

/* A non-directory present on both sides (same type). */
static void compare_leaf(struct td *td, const char *path, const int dir[2], const char *name,
			 const struct stat st[2])
{
	mode_t type = st[0].st_mode & S_IFMT;
	int fd[2] = { -1, -1 };
	if (type == S_IFREG) {
		for (int s = 0; s < 2; s++) {
			fd[s] = open_ro(td, dir[s], name, 0);
			int rc = fd[s] < 0 ? -errno : reopen_check(td, fd[s], &st[s]);
			if (rc < 0) {
				td_trouble(td, s, path, "open", -rc);
				goto out;
			}
		}
		td_compare_xattrs(td, path, fd, false);
		td_compare_flags(td, path, fd);
		if (!(td->o->flags & TREEDIFF_NO_DATA) && st[0].st_size == st[1].st_size)
			td_compare_data(td, path, fd, st[0].st_size);
		goto out;
	}
	if (type == S_IFLNK) {
		char *t[2] = { NULL, NULL };
		for (int s = 0; s < 2; s++) {
			size_t cap = (size_t)st[s].st_size + 2;
			t[s] = xmalloc(cap);
			ssize_t n = readlinkat(dir[s], name, t[s], cap);
			if (n < 0) {
				td_trouble(td, s, path, "read symlink", errno);
				free(t[0]);
				free(t[1]);
				return;
			}
			t[s][n < (ssize_t)cap ? n : (ssize_t)cap - 1] = '\0';
		}
		if (strcmp(t[0], t[1]) != 0)
			td_differ(td, path, "symlink target '%s' != '%s'", t[0], t[1]);
		free(t[0]);
		free(t[1]);
	}
	for (int s = 0; s < 2; s++) {
		fd[s] = openat(dir[s], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd[s] < 0) {
			td_trouble(td, s, path, "open", errno);
			goto out;
		}
	}
	td_compare_xattrs(td, path, fd, true);
out:
	for (int s = 0; s < 2; s++)
		if (fd[s] >= 0)
			close(fd[s]);
}

/* Open both sides of a directory to walk into, compare what needs its
 * descriptors, read both listings. */
static int enter(struct td *td, struct tframe *f, const int dir[2], const char *name,
		 const struct stat st[2])
{
	memset(f, 0, sizeof(*f));
	f->fd[0] = f->fd[1] = -1;
	char **names[2] = { NULL, NULL };
	size_t n[2] = { 0, 0 };
	for (int s = 0; s < 2; s++) {
		f->fd[s] = open_ro(td, dir[s], name, O_DIRECTORY);
		int rc = f->fd[s] < 0 ? -errno : reopen_check(td, f->fd[s], &st[s]);
		if (rc < 0) {
			td_trouble(td, s, td->path.s, "open directory", -rc);
			goto fail;
		}
		f->dev[s] = st[s].st_dev;
		f->ino[s] = st[s].st_ino;
	}
	td_compare_xattrs(td, td->path.s, f->fd, false);
	td_compare_flags(td, td->path.s, f->fd);
	for (int s = 0; s < 2; s++) {
		int rc = list_names(td, f->fd[s], &names[s], &n[s]);
		if (rc < 0) {
			td_trouble(td, s, td->path.s, "read directory", -rc);
			for (int k = 0; k <= s; k++) {
				for (size_t i = 0; i < n[k]; i++)
					free(names[k][i]);
				free(names[k]);
			}
			goto fail;
		}
	}
	merge(f, names[0], n[0], names[1], n[1]);
	f->pathlen = td->path.len;
	return 0;
fail:
	for (int s = 0; s < 2; s++)
		if (f->fd[s] >= 0)
			close(f->fd[s]);
	return -1;
}

/* Leave the top frame of the stack (its entries are all done): open its
 * parent again through ".." where the window closed it. -1 when that
 * failed (reported), else 0. */
static int leave(struct td *td, struct tframe *stack, size_t *n)
{
	int rc = 0;
	struct tframe *f = &stack[*n - 1];
	if (*n >= 2) {
		struct tframe *p = &stack[*n - 2];
		for (int s = 0; s < 2; s++) {
			if (p->fd[s] >= 0)
				continue;
			struct stat want = { .st_dev = p->dev[s], .st_ino = p->ino[s] };
			p->fd[s] = openat(f->fd[s], "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			int r = p->fd[s] < 0 ? -errno : reopen_check(td, p->fd[s], &want);
			if (r < 0) {
				if (p->fd[s] >= 0)
					close(p->fd[s]);
				p->fd[s] = -1;
				pathbuf_cut(&td->path, p->pathlen);
				td_trouble(td, s, td->path.s, "open directory", -r);
				rc = -1;
			}
		}
	}
	frame_free(f);
	(*n)--;
	if (*n > 0) {
		struct tframe *p = &stack[*n - 1];
		pathbuf_cut(&td->path, p->pathlen);
		if (p->fd[0] < 0 || p->fd[1] < 0) {
			/* cannot go on in that directory */
			for (size_t k = p->i; k < p->n; k++)
				free(p->names[k]);
			p->n = p->i;
		}
	}
	return rc;
}

/* Compare the next entry of f (td->path is set to it). true: it is a
 * directory on both sides, to walk into (s holds both stats). */
static bool compare_entry(struct td *td, struct tframe *f, const char *name, unsigned where,
			  struct stat s[2])
{
	const char *path = td->path.s;
	bool mnt[2] = { false, false };
	for (int side = 0; side < 2; side++) {
		if (!(where & (1u << side)))
			continue;
		if (fstatat(f->fd[side], name, &s[side], AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT) {
				where &= ~(1u << side);
				continue;
			}
			td_trouble(td, side, path, "stat", errno);
			where = 0;
			break;
		}
		mnt[side] = is_mount(td, side, f->fd[side], name, &s[side]);
	}
	if (!where)
		return false;
	if (td->o->exclude && exclude_match(td->o->exclude, path) && !mnt[0])
		return false;
	td->st->entries++;
	if (where != 3) {
		td_differ(td, path, "only in %s", td->name[where == 1 ? 0 : 1]);
		return false;
	}
	if ((s[0].st_mode & S_IFMT) != (s[1].st_mode & S_IFMT)) {
		td_differ(td, path, "type %s != %s", type_name(s[0].st_mode),
			  type_name(s[1].st_mode));
		return false;
	}
	if (mnt[0] || mnt[1])
		return false;   /* mount points: the type is all there is to compare */
	compare_stat(td, path, &s[0], &s[1]);
	if (!S_ISDIR(s[0].st_mode)) {
		if (s[0].st_nlink > 1 || s[1].st_nlink > 1) {
			link_check(td, 0, path, &s[0], &s[1]);
			link_check(td, 1, path, &s[1], &s[0]);
		}
		compare_leaf(td, path, f->fd, name, s);
		return false;
	}
	return true;
}

static void td_init(struct td *td, const struct treediff_opts *o, struct treediff_stats *st)
{
	memset(td, 0, sizeof(*td));
	td->o = o;
	td->st = st;
	td->name[0] = o->name_a ? o->name_a : "A";
	td->name[1] = o->name_b ? o->name_b : "B";
	td->noatime = O_NOATIME;
	td->buf[0] = xmalloc(CHUNK);
	td->buf[1] = xmalloc(CHUNK);
	pathbuf_init(&td->path, ".");
}

static void td_free(struct td *td)
{
	links_free(&td->links[0]);
	links_free(&td->links[1]);
	free(td->buf[0]);
	free(td->buf[1]);
	pathbuf_release(&td->path);
}

/* Open both roots (top) and stat them (rst). 0, or -1 (reported). */
static int open_roots(struct td *td, int top[2], struct stat rst[2])
{
	const char *root[2] = { td->o->a, td->o->b };
	for (int s = 0; s < 2; s++) {
		top[s] = open(root[s], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (top[s] < 0 || fstat(top[s], &rst[s]) < 0) {
			td_trouble(td, s, ".", "open", errno);
			return -1;
		}
		td->rootdev[s] = rst[s].st_dev;
		td->have_mnt[s] = mount_id(top[s], "", AT_EMPTY_PATH, &td->rootmnt[s]);
	}
	return 0;
}

/* Directories that keep their descriptors: 32, fewer when RLIMIT_NOFILE is low. */
static size_t fd_window(void)
{
	struct rlimit rl;
	size_t window = 32;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 32 * 4 + 32)
		window = rl.rlim_cur > 40 ? (size_t)(rl.rlim_cur - 32) / 4 : 2;
	return window;
}

/* The walk below the roots (stack[0] entered). -1 when a directory could
 * not be opened or read (reported), else 0. */
static int walk(struct td *td, struct tframe **stackp, size_t *np, size_t *capp)
{
	size_t window = fd_window();
	int rc = 0;
	while (*np > 0) {
		struct tframe *stack = *stackp, *f = &stack[*np - 1];
		if (f->i == f->n) {
			if (leave(td, stack, np) < 0)
				rc = -1;
			continue;
		}
		size_t k = f->i++;
		const char *name = f->names[k];
		pathbuf_set(&td->path, f->pathlen, name);
		struct stat s[2];
		if (!compare_entry(td, f, name, f->where[k], s))
			continue;
		if (*np == *capp)
			*stackp = stack = xrealloc(stack, (*capp *= 2) * sizeof(*stack));
		f = &stack[*np - 1];
		if (enter(td, &stack[*np], f->fd, name, s) < 0) {
			rc = -1;
			continue;
		}
		(*np)++;
		if (*np > window) {
			struct tframe *old = &stack[*np - 1 - window];
			for (int side = 0; side < 2; side++)
				if (old->fd[side] >= 0) {
					close(old->fd[side]);
					old->fd[side] = -1;
				}
		}
	}
	return rc;
}

int treediff(const struct treediff_opts *o, struct treediff_stats *st)
{
	struct td tdc, *td = &tdc;
	td_init(td, o, st);
	size_t n = 0, cap = 64;
	struct tframe *stack = xmalloc(cap * sizeof(*stack));
	int top[2] = { -1, -1 };
	struct stat rst[2];
	int rc = open_roots(td, top, rst);
	if (rc == 0 && (rst[0].st_mode & S_IFMT) == (rst[1].st_mode & S_IFMT)) {
		st->entries++;
		compare_stat(td, ".", &rst[0], &rst[1]);
		int dots[2] = { top[0], top[1] };
		if (enter(td, &stack[0], dots, ".", rst) == 0) {
			n = 1;
			rc = walk(td, &stack, &n, &cap);
		}
	}
	for (int s = 0; s < 2; s++)
		if (top[s] >= 0)
			close(top[s]);
	while (n > 0)
		frame_free(&stack[--n]);
	free(stack);
	td_free(td);
	if (rc < 0 || st->errors)
		return -EIO;
	return st->differences ? 1 : 0;
}
