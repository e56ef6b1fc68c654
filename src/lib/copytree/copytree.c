/* The copy engine: setup, the walker, the work queue and the workers.
 * See copytree.h for what it does and copytree_int.h for how. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testhook.h"
#include "copytree_int.h"
#include "exclude.h"
#include "xalloc.h"
#include "banned.h"

#define BATCH 64                /* entries per job */
#define COPY_BUF (256u << 10)   /* read/write buffer per thread: big enough for few
				   calls, small enough to stay in the CPU cache */

const char *copytree_strerror(int err)
{
	switch (err) {
	case CTE_SRC_NOT_DIR: return "not a directory";
	case CTE_DST_NOT_DIR: return "exists and is not a directory";
	case CTE_DST_NOT_EMPTY: return "is not empty";
	case CTE_DST_IS_SRC: return "is the source directory";
	case CTE_DST_IN_SRC: return "is inside the source directory";
	case CTE_CHANGED: return "changed while it was being copied";
	case CTE_IS_DIR: return "a directory is in the way";
	}
	return strerror(err);
}

/* ---- the work queue ---- */

static void run_job(struct ct *ct, struct wctx *w, struct job *j);

static struct job *q_take(struct ct *ct)
{
	struct job *j = ct->q_head;
	if (j) {
		ct->q_head = j->next;
		if (!ct->q_head)
			ct->q_tail = NULL;
		ct->q_len--;
		pthread_cond_signal(&ct->q_nonfull);
	}
	return j;
}

static void q_append(struct ct *ct, struct job *j)
{
	j->next = NULL;
	if (ct->q_tail)
		ct->q_tail->next = j;
	else
		ct->q_head = j;
	ct->q_tail = j;
	ct->q_len++;
	pthread_cond_signal(&ct->q_nonempty);
}

/* Queue a job; when the queue is full the caller (the walker) runs the
 * oldest job itself rather than wait. */
static void q_push(struct ct *ct, struct wctx *helper, struct job *j)
{
	pthread_mutex_lock(&ct->q_lock);
	while (ct->q_len >= ct->q_max) {
		struct job *old = q_take(ct);
		pthread_mutex_unlock(&ct->q_lock);
		run_job(ct, helper, old);
		pthread_mutex_lock(&ct->q_lock);
	}
	q_append(ct, j);
	pthread_mutex_unlock(&ct->q_lock);
}

static struct job *q_pop(struct ct *ct)
{
	pthread_mutex_lock(&ct->q_lock);
	while (!ct->q_head && !ct->q_closed) {
		ct->q_idle++;
		pthread_cond_wait(&ct->q_nonempty, &ct->q_lock);
		ct->q_idle--;
	}
	struct job *j = q_take(ct);
	pthread_mutex_unlock(&ct->q_lock);
	return j;
}

static void q_close(struct ct *ct)
{
	pthread_mutex_lock(&ct->q_lock);
	ct->q_closed = true;
	pthread_cond_broadcast(&ct->q_nonempty);
	pthread_mutex_unlock(&ct->q_lock);
}

static struct job *job_new(struct dnode *dn, size_t n, size_t names_len)
{
	struct job *j = xcalloc(1, sizeof(*j));
	j->ent = xmalloc(n * sizeof(*j->ent));
	j->names = xmalloc(names_len ? names_len : 1);
	dn_ref(dn);
	j->dn = dn;
	return j;
}

static void job_free(struct job *j)
{
	free(j->ent);
	free(j->names);
	free(j);
}

/* Another thread is idle and nothing is queued: give it the second half of
 * what is left of this job (a batch of big files is not copied by one thread
 * while the others wait). */
static void maybe_split(struct ct *ct, struct job *j, size_t i)
{
	size_t left = j->n - i;
	if (left < 2)
		return;
	pthread_mutex_lock(&ct->q_lock);
	bool idle = ct->q_idle > 0 && !ct->q_head;
	if (idle) {
		size_t from = i + left / 2, len = 0;
		for (size_t k = from; k < j->n; k++)
			len += strlen(j->ent[k].name) + 1;
		struct job *s = job_new(j->dn, j->n - from, len);
		char *p = s->names;
		for (size_t k = from; k < j->n; k++) {
			size_t l = strlen(j->ent[k].name) + 1;
			memcpy(p, j->ent[k].name, l);
			s->ent[s->n++] = (struct jent){ j->ent[k].ino, j->ent[k].type, p };
			p += l;
		}
		j->n = from;
		q_append(ct, s);
	}
	pthread_mutex_unlock(&ct->q_lock);
}

static void run_job(struct ct *ct, struct wctx *w, struct job *j)
{
	struct dnode *dn = j->dn;
	int rc = ct_stopped(ct) ? -ECANCELED : dn_acquire(ct, dn, S_SRC | S_DST);
	if (rc < 0 && rc != -ECANCELED) {
		ct_report(ct, CT_ERROR, CT_SRC, dn, NULL, "open directory", NULL, -rc, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, j->n);
	}
	for (size_t i = 0; i < j->n; i++) {
		bool done = true;
		if (rc == 0 && !ct_stopped(ct)) {
			if (ct->q_idle)
				maybe_split(ct, j, i + 1);
			done = ct_copy_entry(ct, w, dn, j->ent[i].name);
		}
		if (done)
			dn_done(ct, w, dn);
	}
	if (rc == 0)
		dn_release(ct, dn);
	dn_unref(ct, dn);
	job_free(j);
}

static void *worker(void *arg)
{
	struct wctx *w = arg;
	struct job *j;
	while ((j = q_pop(w->ct)))
		run_job(w->ct, w, j);
	return NULL;
}

/* ---- the walker ---- */

struct went {
	uint64_t ino;
	unsigned char type;
	size_t name;            /* offset in the frame's names */
};

struct frame {
	struct dnode *dn;
	struct went *dirs;
	size_t ndirs, di;
	char *names;
	size_t pathlen;         /* of this directory's "./path" in the walker's buffer */
};

struct pathbuf {
	char *s;
	size_t len, cap;
};

static void path_set(struct pathbuf *pb, size_t len, const char *name)
{
	size_t l = strlen(name);
	if (len + l + 2 > pb->cap) {
		pb->cap = 2 * (len + l + 2);
		pb->s = xrealloc(pb->s, pb->cap);
	}
	pb->s[len] = '/';
	memcpy(pb->s + len + 1, name, l + 1);
	pb->len = len + 1 + l;
}

static int cmp_went(const void *a, const void *b)
{
	const struct went *x = a, *y = b;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static bool is_mount(const struct ct *ct, const struct fs_stat *st)
{
	if (st->mnt_id && ct->src_mnt && st->mnt_id != ct->src_mnt)
		return true;
	return st->dev != ct->src_dev || st->mount_root;
}

static unsigned char dtype_of(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return DT_DIR;
	case S_IFREG: return DT_REG;
	case S_IFLNK: return DT_LNK;
	case S_IFCHR: return DT_CHR;
	case S_IFBLK: return DT_BLK;
	case S_IFIFO: return DT_FIFO;
	case S_IFSOCK: return DT_SOCK;
	}
	return DT_UNKNOWN;
}

/* Read a directory; queue its non-directories for the workers, keep its
 * directories in f for the walker. dn is pinned by the caller. */
static void list_dir(struct ct *ct, struct wctx *w, struct frame *f, struct pathbuf *pb)
{
	struct dnode *dn = f->dn;
	size_t n = 0, cap = 64, names_len = 0, names_cap = 4096;
	struct went *ents = xmalloc(cap * sizeof(*ents));
	char *names = xmalloc(names_cap);
	char *buf = w->buf;
	for (;;) {
		ssize_t got = fs_getdents(dn->fd[SRC], buf, w->bufsize);
		if (got == 0)
			break;
		if (got < 0) {
			ct_report(ct, CT_ERROR, CT_SRC, dn, NULL, "read directory", NULL, (int)-got,
				  S_IFDIR);
			atomic_fetch_add(&ct->st->failures, 1);
			break;
		}
		for (ssize_t off = 0; off < got;) {
			struct fs_dirent *d = (struct fs_dirent *)(buf + off);
			off += d->d_reclen;
			const char *nm = d->d_name;
			if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
				continue;
			size_t l = strlen(nm) + 1;
			if (names_len + l > names_cap) {
				while (names_len + l > names_cap)
					names_cap *= 2;
				names = xrealloc(names, names_cap);
			}
			memcpy(names + names_len, nm, l);
			if (n == cap)
				ents = xrealloc(ents, (cap *= 2) * sizeof(*ents));
			ents[n++] = (struct went){ d->d_ino, d->d_type, names_len };
			names_len += l;
		}
	}

	size_t keep = 0;
	for (size_t i = 0; i < n; i++) {
		struct went e = ents[i];
		const char *nm = names + e.name;
		struct fs_stat st;
		bool have_st = false;
		if (e.type == DT_UNKNOWN) {
			if (fs_statat(dn->fd[SRC], nm, AT_SYMLINK_NOFOLLOW, &st) == 0) {
				e.type = dtype_of(st.mode);
				have_st = true;
			}
		}
		if (ct->ex) {
			path_set(pb, f->pathlen, nm);
			if (exclude_match(ct->ex, pb->s)) {
				/* mount points always stay */
				if (!have_st &&
				    fs_statat(dn->fd[SRC], nm, AT_SYMLINK_NOFOLLOW, &st) == 0)
					have_st = true;
				if (!have_st || !is_mount(ct, &st)) {
					atomic_fetch_add(&ct->st->excluded, 1);
					if (ct->flags & COPYTREE_VERBOSE)
						ct_report(ct, CT_EXCLUDED, CT_SRC, dn, nm, NULL, NULL,
							  0, DTTOIF(e.type));
					continue;
				}
			}
		}
		ents[keep++] = e;
	}
	n = keep;
	qsort(ents, n, sizeof(*ents), cmp_went);

	/* directories for the walker, the rest in batches for the workers */
	size_t nd = 0;
	for (size_t i = 0; i < n; i++)
		if (ents[i].type == DT_DIR)
			nd++;
	f->dirs = xmalloc((nd ? nd : 1) * sizeof(*f->dirs));
	f->ndirs = 0;
	f->names = names;
	struct job *j = NULL;
	for (size_t i = 0; i < n; i++) {
		if (ents[i].type == DT_DIR) {
			f->dirs[f->ndirs++] = ents[i];
			continue;
		}
		if (!j) {
			size_t cnt = 0, len = 0;
			for (size_t k = i; k < n && cnt < BATCH; k++)
				if (ents[k].type != DT_DIR) {
					cnt++;
					len += strlen(names + ents[k].name) + 1;
				}
			j = job_new(dn, cnt, len);
			j->ent[0].name = j->names;
		}
		const char *nm = names + ents[i].name;
		size_t l = strlen(nm) + 1;
		char *p = j->n ? (char *)j->ent[j->n - 1].name +
				 strlen(j->ent[j->n - 1].name) + 1 : j->names;
		memcpy(p, nm, l);
		j->ent[j->n++] = (struct jent){ ents[i].ino, ents[i].type, p };
		if (j->n == BATCH || i + 1 == n) {
			atomic_fetch_add(&dn->pending, (int)j->n);
			q_push(ct, w, j);
			j = NULL;
		}
	}
	if (j) {
		atomic_fetch_add(&dn->pending, (int)j->n);
		q_push(ct, w, j);
	}
	free(ents);
}

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

/* A directory entry of f: make it in DST and return its dnode (pinned) to
 * walk into, or NULL. */
static struct dnode *enter_dir(struct ct *ct, struct wctx *w, struct frame *f,
			       const struct went *e, struct dnode *near)
{
	struct dnode *dn = f->dn, *child = NULL;
	const char *name = f->names + e->name;
	int rc = dn_acquire_near(ct, dn, S_SRC | S_DST, near);
	if (rc < 0) {
		ct_report(ct, CT_ERROR, CT_SRC, dn, NULL, "open directory", NULL, -rc, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, 1);
		return NULL;
	}
	struct fs_stat st, dst;
	rc = fs_statat(dn->fd[SRC], name, AT_SYMLINK_NOFOLLOW, &st);
	if (rc == -ENOENT) {
		ct_report(ct, CT_VANISHED, CT_SRC, dn, name, "stat", NULL, ENOENT, S_IFDIR);
		atomic_fetch_add(&ct->st->vanished, 1);
		goto out;
	}
	if (rc < 0) {
		ct_report(ct, CT_ERROR, CT_SRC, dn, name, "stat", NULL, -rc, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, 1);
		goto out;
	}
	if (!S_ISDIR(st.mode)) {
		/* no longer a directory: copy it as what it is now */
		atomic_fetch_add(&dn->pending, 1);
		if (ct_copy_entry(ct, w, dn, name))
			dn_done(ct, w, dn);
		goto out;
	}
	if (is_mount(ct, &st)) {
		copy_mountpoint(ct, w, dn, name, &st);
		goto out;
	}
	int sfd = open_src_dir(ct, dn->fd[SRC], name);
	struct fs_stat sst;
	if (sfd >= 0) {
		rc = fs_statat(sfd, "", AT_EMPTY_PATH, &sst);
		if (rc == 0 && (sst.ino != st.ino || sst.dev != st.dev))
			rc = -CTE_CHANGED;
		if (rc < 0) {
			close(sfd);
			sfd = rc;
		}
	}
	if (sfd < 0) {
		ct_report(ct, CT_ERROR, CT_SRC, dn, name, "open directory", NULL, -sfd, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, 1);
		goto out;
	}
	rc = make_dir(ct, dn->fd[DST], name);
	int dfd = -1;
	if (rc >= 0) {
		dfd = openat(dn->fd[DST], name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int r = dfd < 0 ? -errno : fs_statat(dfd, "", AT_EMPTY_PATH, &dst);
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
		close(sfd);
		goto out;
	}
	child = dn_new(ct, dn, name);
	child->fd[SRC] = sfd;
	child->fd[DST] = dfd;
	child->dev[SRC] = sst.dev;
	child->ino[SRC] = sst.ino;
	child->dev[DST] = dst.dev;
	child->ino[DST] = dst.ino;
	child->st = sst;
	child->preexisting = rc == 1;
	rc = xa_read(&child->xa, sfd, NULL);
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
	dn_register(ct, child);
	atomic_fetch_add(&dn->pending, 1);
	atomic_fetch_add(&ct->st->dirs, 1);
	if (ct->flags & COPYTREE_VERBOSE)
		ct_report(ct, CT_COPIED, CT_SRC, dn, name, NULL, NULL, 0, S_IFDIR);
out:
	dn_release(ct, dn);
	return child;
}

static void walk(struct ct *ct, struct wctx *w)
{
	size_t n = 0, cap = 64;
	struct frame *stack = xmalloc(cap * sizeof(*stack));
	/* exclude patterns see "./path" from match_root ("./var" when /var is
	 * copied on its own), "." by default */
	const char *root_path = ct->match_root ? ct->match_root : ".";
	size_t root_len = strlen(root_path);
	struct pathbuf pb = { .s = xmalloc(root_len + 64), .len = root_len, .cap = root_len + 64 };
	memcpy(pb.s, root_path, root_len + 1);

	dn_ref(ct->root);
	stack[n++] = (struct frame){ .dn = ct->root, .pathlen = root_len };
	list_dir(ct, w, &stack[0], &pb);
	struct dnode *popped = NULL;    /* the directory just left: its ".." is near */
	while (n > 0) {
		struct frame *f = &stack[n - 1];
		if (!ct_stopped(ct) && f->di < f->ndirs) {
			const struct went *e = &f->dirs[f->di++];
			struct dnode *child = enter_dir(ct, w, f, e, popped);
			if (popped) {
				dn_unref(ct, popped);
				popped = NULL;
			}
			if (!child)
				continue;
			if (n == cap)
				stack = xrealloc(stack, (cap *= 2) * sizeof(*stack));
			f = &stack[n - 1];
			path_set(&pb, f->pathlen, f->names + e->name);
			stack[n++] = (struct frame){ .dn = child, .pathlen = pb.len };
			list_dir(ct, w, &stack[n - 1], &pb);
			dn_release(ct, child);
			continue;
		}
		struct dnode *dn = f->dn;
		free(f->dirs);
		free(f->names);
		n--;
		dn_done(ct, w, dn);
		if (popped)
			dn_unref(ct, popped);
		popped = dn;
	}
	if (popped)
		dn_unref(ct, popped);
	free(stack);
	free(pb.s);
}

/* ---- setup ---- */

static void setup_error(struct ct *ct, enum copytree_side side, const char *op, int err)
{
	int expect = 0;
	atomic_compare_exchange_strong(&ct->fatal, &expect, -err);
	ct_report(ct, CT_FATAL, side, NULL, NULL, op, NULL, err, S_IFDIR);
}

/* Would the walk from SRC reach fd (DST, or the directory DST will be made
 * in)? Only through directories on SRC's own mount. */
static int check_inside(const struct fs_stat *src, int fd, bool fd_is_dst)
{
	int cur = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (cur < 0)
		return -errno;
	struct fs_stat st;
	int rc = fs_statat(cur, "", AT_EMPTY_PATH, &st);
	bool first = true;
	while (rc == 0) {
		if (st.dev == src->dev && st.ino == src->ino) {
			rc = first && fd_is_dst ? -CTE_DST_IS_SRC : -CTE_DST_IN_SRC;
			break;
		}
		if (st.dev != src->dev || (st.mnt_id && src->mnt_id && st.mnt_id != src->mnt_id) ||
		    st.mount_root)
			break;          /* another mount: the walk stops before it */
		int up = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (up < 0) {
			rc = -errno;
			break;
		}
		struct fs_stat ust;
		rc = fs_statat(up, "", AT_EMPTY_PATH, &ust);
		close(cur);
		cur = up;
		if (rc == 0 && ust.dev == st.dev && ust.ino == st.ino)
			break;          /* "/" */
		st = ust;
		first = false;
	}
	close(cur);
	return rc;
}

static int dir_is_empty(int fd, char *buf, size_t size)
{
	int d = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return -errno;
	int rc = 1;
	ssize_t got;
	while (rc == 1 && (got = fs_getdents(d, buf, size)) > 0)
		for (ssize_t off = 0; off < got;) {
			struct fs_dirent *e = (struct fs_dirent *)(buf + off);
			off += e->d_reclen;
			const char *nm = e->d_name;
			if (!(nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0'))))
				rc = 0;
		}
	close(d);
	return rc;
}

/* Open DST, making it when missing. *created says so. */
static int open_dst(struct ct *ct, const struct fs_stat *src, bool *created)
{
	const char *dst = ct->o->dst;
	*created = false;
	int fd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		int rc = check_inside(src, fd, true);
		if (rc == 0) {
			rc = dir_is_empty(fd, ct->w[0].buf, ct->w[0].bufsize);
			if (rc == 0 && !(ct->flags & COPYTREE_FORCE))
				rc = -CTE_DST_NOT_EMPTY;
			else if (rc > 0)
				rc = 0;
		}
		if (rc < 0) {
			setup_error(ct, CT_DST, "use", -rc);
			close(fd);
			return rc;
		}
		return fd;
	}
	if (errno != ENOENT) {
		int err = errno == ENOTDIR ? CTE_DST_NOT_DIR : errno;
		setup_error(ct, CT_DST, "open", err);
		return -err;
	}
	/* split "a/b/c//" into "a/b" and "c" */
	size_t len = strlen(dst);
	while (len > 1 && dst[len - 1] == '/')
		len--;
	char *buf = xmalloc(len + 1);
	memcpy(buf, dst, len);
	buf[len] = '\0';
	char *slash = strrchr(buf, '/');
	const char *parent = buf, *base = buf;
	if (!slash) {
		parent = ".";
	} else if (slash == buf) {
		parent = "/";
		base = buf + 1;
	} else {
		*slash = '\0';
		base = slash + 1;
	}
	int rc = 0;
	int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		rc = -errno;
	if (rc == 0)
		rc = check_inside(src, pfd, false);
	if (rc == 0 && mkdirat(pfd, base, 0700) < 0)
		rc = -errno;
	if (rc == 0) {
		*created = true;
		fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			rc = -errno;
	}
	if (pfd >= 0)
		close(pfd);
	free(buf);
	if (rc < 0) {
		setup_error(ct, CT_DST, rc == -CTE_DST_IN_SRC ? "use" : "create", -rc);
		return rc;
	}
	return fd;
}

/* The umask, read without changing it (other threads may be making files). */
static mode_t current_umask(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	unsigned m;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Umask: %o", &m) == 1) {
			fclose(f);
			return (mode_t)m;
		}
	if (f)
		fclose(f);
	mode_t old = umask(0);
	umask(old);
	return old;
}

static int default_threads(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		cpus = 1;
	/* more threads than CPUs: the copy waits on the disk as much as on the CPU */
	long n = cpus * 2;
	return (int)(n < 2 ? 2 : n > 16 ? 16 : n);
}

static void wctx_init(struct wctx *w, struct ct *ct)
{
	memset(w, 0, sizeof(*w));
	w->ct = ct;
	w->bufsize = COPY_BUF;
	/* page aligned: the kernel copies to and from it page by page */
	if (posix_memalign((void **)&w->buf, 4096, w->bufsize) != 0)
		w->buf = xmalloc(w->bufsize);
}

static void wctx_free(struct wctx *w)
{
	free(w->buf);
	xa_free(&w->xa);
	xa_free(&w->dxa);
}

int copytree(const struct copytree_opts *o, struct copytree_stats *stats)
{
	struct ct ctx, *ct = &ctx;
	memset(ct, 0, sizeof(*ct));
	ct->o = o;
	ct->st = stats;
	ct->flags = o->flags;
	ct->ex = exclude_count(o->exclude) ? o->exclude : NULL;
	ct->match_root = o->match_root;
	ct->euid = geteuid();
	ct->egid = getegid();
	ct->umask = current_umask();
	ct->noatime = O_NOATIME;
	ct->clone_fd = -1;
	ct->fault_read = testhook(HOOK_FAULT_READ);
	ct->fault_write = testhook(HOOK_FAULT_WRITE);
	pthread_mutex_init(&ct->fdc_lock, NULL);
	pthread_mutex_init(&ct->q_lock, NULL);
	pthread_mutex_init(&ct->rep_lock, NULL);
	pthread_mutex_init(&ct->hl_lock, NULL);
	pthread_cond_init(&ct->q_nonempty, NULL);
	pthread_cond_init(&ct->q_nonfull, NULL);

	ct->nworkers = o->threads > 0 ? o->threads : default_threads();
	ct->w = xcalloc((size_t)ct->nworkers + 1, sizeof(*ct->w));
	for (int i = 0; i <= ct->nworkers; i++)
		wctx_init(&ct->w[i], ct);
	struct wctx *walker = &ct->w[ct->nworkers];
	ct->q_max = 8 * ct->nworkers;

	struct rlimit rl;
	rlim_t nofile = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
	long budget = ((long)(nofile > 65536 ? 65536 : nofile) - 64 - 4L * ct->nworkers) / 4;
	ct->fdc_max = (int)(budget < 8 ? 8 : budget > 512 ? 512 : budget);

	int rc = 0, sfd = -1, dfd = -1;
	bool created = false;
	struct fs_stat sst, dst;
	sfd = open(o->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME);
	if (sfd < 0 && errno == EPERM)
		sfd = open(o->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0) {
		rc = errno == ENOTDIR ? -CTE_SRC_NOT_DIR : -errno;
		setup_error(ct, CT_SRC, "open", -rc);
		goto out;
	}
	rc = fs_statat(sfd, "", AT_EMPTY_PATH, &sst);
	if (rc < 0) {
		setup_error(ct, CT_SRC, "stat", -rc);
		goto out;
	}
	ct->src_dev = sst.dev;
	ct->src_mnt = sst.mnt_id;
	dfd = open_dst(ct, &sst, &created);
	if (dfd < 0) {
		rc = dfd;
		goto out;
	}
	rc = fs_statat(dfd, "", AT_EMPTY_PATH, &dst);
	if (rc < 0) {
		setup_error(ct, CT_DST, "stat", -rc);
		goto out;
	}

	struct dnode *root = ct->root = dn_new(ct, NULL, "");
	root->fd[SRC] = sfd;
	root->fd[DST] = dfd;
	sfd = dfd = -1;
	root->dev[SRC] = sst.dev;
	root->ino[SRC] = sst.ino;
	root->dev[DST] = dst.dev;
	root->ino[DST] = dst.ino;
	root->st = sst;
	root->preexisting = !created;
	dn_register(ct, root);          /* pinned until the end */
	rc = xa_read(&root->xa, root->fd[SRC], NULL);
	if (rc < 0) {
		setup_error(ct, CT_SRC, "read xattrs of", -rc);
		goto out;
	}
	if (fs_getflags(root->fd[SRC], &root->iflags) < 0)
		root->iflags = 0;
	ct->clone_fd = fs_open_tree_clone(root->fd[SRC]);

	atomic_store(&stats->started, 1);
	int started = 0;
	for (; started < ct->nworkers; started++)
		if (pthread_create(&ct->w[started].thr, NULL, worker, &ct->w[started]) != 0)
			break;
	walk(ct, walker);
	q_close(ct);
	for (int i = 0; i < started; i++)
		pthread_join(ct->w[i].thr, NULL);
	/* the walker's helping and the workers are done: whatever is left is
	 * the walker's */
	struct job *j;
	while ((j = q_pop(ct)))
		run_job(ct, walker, j);

	if (!ct_stopped(ct))
		ct_apply_deferred_flags(ct, walker);
	if (!ct_stopped(ct) && !(ct->flags & COPYTREE_NO_SYNC)) {
		int e = fs_syncfs(root->fd[DST]);
		if (e < 0)
			setup_error(ct, CT_DST, "flush", -e);
	}
	rc = atomic_load(&ct->fatal);
out:
	ct_hardlinks_free(ct);
	if (ct->root) {
		dn_release(ct, ct->root);
		dn_unref(ct, ct->root);
	}
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	if (ct->clone_fd >= 0)
		close(ct->clone_fd);
	for (int i = 0; i <= ct->nworkers; i++)
		wctx_free(&ct->w[i]);
	free(ct->w);
	pthread_mutex_destroy(&ct->fdc_lock);
	pthread_mutex_destroy(&ct->q_lock);
	pthread_mutex_destroy(&ct->rep_lock);
	pthread_mutex_destroy(&ct->hl_lock);
	pthread_cond_destroy(&ct->q_nonempty);
	pthread_cond_destroy(&ct->q_nonfull);
	return rc;
}
