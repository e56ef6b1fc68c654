/* The copy engine's entry point: SRC and DST opened and checked, the
 * threads started, the walk run, the end (deferred flags, syncfs) and the
 * cleanup. See copytree.h for what it does and copytree_int.h for how.
 *
 * May call: every other copytree_*.c (the walker and the queue first). */
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

static void ct_init(struct ct *ct, const struct copytree_opts *o, struct copytree_stats *stats)
{
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

	/* the workers, and one more scratch for the walker (the last) */
	ct->nworkers = o->threads > 0 ? o->threads : default_threads();
	ct->w = xcalloc((size_t)ct->nworkers + 1, sizeof(*ct->w));
	for (int i = 0; i <= ct->nworkers; i++)
		wctx_init(&ct->w[i], ct);
	ct->q_max = 8 * ct->nworkers;

	struct rlimit rl;
	rlim_t nofile = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
	long budget = ((long)(nofile > 65536 ? 65536 : nofile) - 64 - 4L * ct->nworkers) / 4;
	ct->fdc_max = (int)(budget < 8 ? 8 : budget > 512 ? 512 : budget);
}

static void ct_destroy(struct ct *ct)
{
	ct_hardlinks_free(ct);
	ct_deferred_free(ct);
	if (ct->root) {
		dn_release(ct, ct->root);
		dn_unref(ct, ct->root);
	}
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
}

/* Open SRC, and DST (made when missing); *sst and *dst their stats. 0 or
 * the negative error (reported); the descriptors are the caller's to close. */
static int open_both(struct ct *ct, int *sfd, int *dfd, struct fs_stat *sst,
		     struct fs_stat *dst, bool *created)
{
	const char *src = ct->o->src;
	*sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME);
	if (*sfd < 0 && errno == EPERM)
		*sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*sfd < 0) {
		int rc = errno == ENOTDIR ? -CTE_SRC_NOT_DIR : -errno;
		setup_error(ct, CT_SRC, "open", -rc);
		return rc;
	}
	int rc = fs_statat(*sfd, "", AT_EMPTY_PATH, sst);
	if (rc < 0) {
		setup_error(ct, CT_SRC, "stat", -rc);
		return rc;
	}
	ct->src_dev = sst->dev;
	ct->src_mnt = sst->mnt_id;
	*dfd = open_dst(ct, sst, created);
	if (*dfd < 0)
		return *dfd;
	rc = fs_statat(*dfd, "", AT_EMPTY_PATH, dst);
	if (rc < 0)
		setup_error(ct, CT_DST, "stat", -rc);
	return rc;
}

/* The root dnode, taking over sfd and dfd. 0 or the negative error (reported). */
static int make_root(struct ct *ct, int sfd, int dfd, const struct fs_stat *sst,
		     const struct fs_stat *dst, bool created)
{
	struct dnode *root = ct->root = dn_new(ct, NULL, "");
	root->fd[SRC] = sfd;
	root->fd[DST] = dfd;
	root->dev[SRC] = sst->dev;
	root->ino[SRC] = sst->ino;
	root->dev[DST] = dst->dev;
	root->ino[DST] = dst->ino;
	root->st = *sst;
	root->preexisting = !created;
	dn_register(ct, root);          /* pinned until the end */
	int rc = xa_read(&root->xa, root->fd[SRC], NULL);
	if (rc < 0) {
		setup_error(ct, CT_SRC, "read xattrs of", -rc);
		return rc;
	}
	if (fs_getflags(root->fd[SRC], &root->iflags) < 0)
		root->iflags = 0;
	ct->clone_fd = fs_open_tree_clone(root->fd[SRC]);
	return 0;
}

/* Walk with the workers running, then finish: the deferred flags, syncfs. */
static int run(struct ct *ct)
{
	struct wctx *walker = &ct->w[ct->nworkers];
	atomic_store(&ct->st->started, 1);
	int started = 0;
	for (; started < ct->nworkers; started++)
		if (pthread_create(&ct->w[started].thr, NULL, ct_worker, &ct->w[started]) != 0)
			break;
	ct_walk(ct, walker);
	ct_q_close(ct);
	for (int i = 0; i < started; i++)
		pthread_join(ct->w[i].thr, NULL);
	/* the walker's helping and the workers are done: whatever is left is
	 * the walker's */
	ct_q_drain(ct, walker);

	if (!ct_stopped(ct))
		ct_apply_deferred_flags(ct, walker);
	if (!ct_stopped(ct) && !(ct->flags & COPYTREE_NO_SYNC)) {
		atomic_store(&ct->st->flushing, 1);
		int e = fs_syncfs(ct->root->fd[DST]);
		atomic_store(&ct->st->flushing, 0);
		if (e < 0)
			setup_error(ct, CT_DST, "flush", -e);
	}
	return atomic_load(&ct->fatal);
}

int copytree(const struct copytree_opts *o, struct copytree_stats *stats)
{
	struct ct ctx, *ct = &ctx;
	ct_init(ct, o, stats);
	int sfd = -1, dfd = -1;
	bool created = false;
	struct fs_stat sst, dst;
	int rc = open_both(ct, &sfd, &dfd, &sst, &dst, &created);
	if (rc == 0) {
		rc = make_root(ct, sfd, dfd, &sst, &dst, created);
		sfd = dfd = -1;
	}
	if (rc == 0)
		rc = run(ct);
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	ct_destroy(ct);
	return rc;
}
