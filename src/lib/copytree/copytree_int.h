/* Internals of the copy engine, shared by copytree*.c only.
 *
 * Shape: the calling thread walks SRC depth first (one directory listing at a
 * time, entries sorted by inode number), creates the directories of DST and
 * hands every other entry, in batches per directory, to worker threads. Each
 * directory is a dnode; a dnode counts what is still to be done below it
 * (pending) and is finalized (owner, mode, xattrs, times, flags: in that
 * order) by whichever thread finishes its last child, so a directory's times
 * are set after its contents and its immutable flag last.
 *
 * No path string is ever given to the kernel below SRC and DST: every call is
 * relative to a directory descriptor, with O_NOFOLLOW/AT_SYMLINK_NOFOLLOW.
 * Directory descriptors live in a small cache (LRU, bounded by
 * RLIMIT_NOFILE); one that was closed is opened again from its nearest open
 * ancestor, name by name, and checked against the device and inode it had, so
 * a 5,000-deep tree needs neither 5,000 descriptors nor paths longer than
 * PATH_MAX. */
#ifndef ALTKIT_COPYTREE_INT_H
#define ALTKIT_COPYTREE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "copytree.h"
#include "fsutil.h"

enum { SRC = 0, DST = 1 };
#define S_SRC (1u << SRC)
#define S_DST (1u << DST)

/* A set of xattrs read from one inode. */
struct xattr_item {
	size_t name, val, len;          /* offsets into names/vals, value length */
};
struct xattrs {
	size_t n;
	struct xattr_item *it;
	char *names, *vals;
	size_t it_cap, names_cap, vals_cap, vals_len;
};

/* A directory being copied. */
struct dnode {
	struct dnode *parent;
	struct dnode *lru_prev, *lru_next;      /* fd cache, under fdc_lock */
	int fd[2];                              /* -1 while closed */
	int users;                              /* pins; under fdc_lock */
	bool in_lru;
	dev_t dev[2];
	uint64_t ino[2];
	atomic_int pending;     /* children not done + 1 while the walker lists it */
	atomic_int refs;        /* lifetime: children, jobs, hard-link records */
	bool preexisting;       /* the DST directory existed before the copy */
	struct fs_stat st;      /* the SRC directory's metadata */
	unsigned iflags;        /* its inode flags */
	struct xattrs xa;       /* its xattrs */
	char name[];
};

/* A batch of non-directory entries of one directory, for a worker. */
struct jent {
	uint64_t ino;
	unsigned char type;     /* DT_* from the listing */
	const char *name;
};
struct job {
	struct job *next;
	struct dnode *dn;       /* holds a reference */
	size_t n;
	struct jent *ent;
	char *names;            /* owns the names */
};

/* Per-thread scratch. */
struct wctx {
	struct ct *ct;
	pthread_t thr;
	char *buf;              /* data copy fallback buffer */
	size_t bufsize;
	struct xattrs xa, dxa;  /* source xattrs, destination xattrs */
};

struct hl_entry;
struct deferred_flags;

struct ct {
	const struct copytree_opts *o;
	struct copytree_stats *st;
	unsigned flags;
	const struct exclude *ex;
	const char *match_root;         /* "./var": what SRC's top is matched as */

	/* directory descriptor cache */
	pthread_mutex_t fdc_lock;
	struct dnode *lru_head, *lru_tail;
	int fdc_open, fdc_max;

	/* work queue */
	pthread_mutex_t q_lock;
	pthread_cond_t q_nonempty, q_nonfull;
	struct job *q_head, *q_tail;
	int q_len, q_max;
	atomic_int q_idle;      /* workers waiting for a job */
	bool q_closed;

	/* reports go out one at a time */
	pthread_mutex_t rep_lock;

	/* hard links: (dev, ino) of SRC -> first copy in DST */
	pthread_mutex_t hl_lock;
	struct hl_entry **hl_tab;
	size_t hl_size, hl_count;
	struct deferred_flags *deferred;        /* under hl_lock */

	atomic_int fatal;       /* a negative error once the copy has to stop */
	atomic_int cfr_off;     /* copy_file_range does not work between SRC and DST */
	atomic_int sendfile_off; /* nor sendfile */
	int noatime;            /* O_NOATIME, or 0 */
	uid_t euid;
	gid_t egid;
	mode_t umask;

	struct dnode *root;
	dev_t src_dev;
	uint64_t src_mnt;
	int clone_fd;           /* SRC without its submounts (open_tree), or -1 */

	const char *fault_read, *fault_write;   /* test hooks (ALTKIT_FAULT_*) */
	int nworkers;
	struct wctx *w;
};

/* Is st, an entry below SRC, a mount point (or on another filesystem)? */
static inline bool ct_is_mount(const struct ct *ct, const struct fs_stat *st)
{
	if (st->mnt_id && ct->src_mnt && st->mnt_id != ct->src_mnt)
		return true;
	return st->dev != ct->src_dev || st->mount_root;
}

/* The files of the engine, each calling only those listed below it (the
 * walker calls the entry copier, never the reverse):
 *
 *   copytree.c           setup, the threads, the end (copytree())
 *   copytree_walk.c      the walker: lists directories, queues their entries
 *   copytree_dir.c       one directory (or directory mount point) made in DST
 *   copytree_queue.c     the work queue and the workers running its jobs
 *   copytree_entry.c     one non-directory entry: which kind of copy it needs
 *   copytree_hardlink.c  inodes with several names: one copy, then links
 *   copytree_inode.c     one file, symlink, device, FIFO or socket with its metadata
 *   copytree_data.c      a regular file's data, holes kept
 *   copytree_meta.c      metadata onto DST, directories finalized, deferred flags
 *   copytree_report.c    reports to the caller, the fatal stop
 *   copytree_node.c      dnodes and the descriptor cache
 *   copytree_xattr.c     xattr sets
 */

/* copytree_walk.c */
/* Walk SRC from ct->root, w being the walker's scratch. */
void ct_walk(struct ct *ct, struct wctx *w);

/* copytree_dir.c */
/* Directory name of dn (acquired here; near: a child of dn that may still be
 * open, see dn_acquire_near): make it in DST and return its dnode, pinned, to
 * walk into; NULL when there is nothing to walk (failed and reported, gone, a
 * mount point, or no longer a directory and copied as what it is now). */
struct dnode *ct_enter_dir(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
			   struct dnode *near);

/* copytree_queue.c */
struct job *ct_job_new(struct dnode *dn, size_t n, size_t names_len);
/* Queue a job; when the queue is full, helper (the walker) runs the oldest
 * job itself rather than wait. */
void ct_q_push(struct ct *ct, struct wctx *helper, struct job *j);
/* No more jobs will come: idle workers return. */
void ct_q_close(struct ct *ct);
/* After the workers are joined: run what is left with w. */
void ct_q_drain(struct ct *ct, struct wctx *w);
/* A worker thread's body; arg is its struct wctx. */
void *ct_worker(void *arg);

/* copytree_entry.c */
/* Copy one non-directory entry of dn (a job entry). Returns false when the
 * entry's completion was handed on (a hard link waiting for its first copy). */
bool ct_copy_entry(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name);

/* copytree_hardlink.c */
/* Copy or link dn/name, an inode with st->nlink > 1. true: done (reported
 * and counted); false: it waits for the first copy, its completion handed on. */
bool ct_copy_hardlinked(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
			const struct fs_stat *st);
void ct_hardlinks_free(struct ct *ct);

/* copytree_inode.c: 0, or -1 when it failed (reported) */
/* A regular file, or a symlink, device, FIFO or socket. */
int ct_copy_inode(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name,
		  const struct fs_stat *st);
/* A mount point that is not a directory (a bind-mounted file). */
int ct_copy_file_mountpoint(struct ct *ct, struct dnode *dn, const char *name,
			    const struct fs_stat *vst);

/* copytree_data.c */
/* The data of a regular file, sfd to dfd (holes kept). 0 or -errno, *side
 * saying which file failed (SRC or DST). */
int ct_copy_data(struct ct *ct, struct wctx *w, int sfd, int dfd, const struct fs_stat *st,
		 const char *name, int *side);

/* copytree_meta.c */
/* Set every xattr of xa on fd (or fd/name); with clean, first remove those
 * that fd has and xa has not (DST entries that existed, or inherited a default
 * ACL). 0 or -1 (reported). */
int ct_apply_xattrs(struct ct *ct, struct wctx *w, const struct dnode *dn, const char *rname,
		    int fd, const char *name, const struct xattrs *xa, bool clean, mode_t type);
/* Inode flags on an open DST file or directory: keep what the filesystem owns
 * (extents, inline data, ...), take the rest from SRC. 0 or -1 (reported). */
int ct_apply_flags(struct ct *ct, const struct dnode *dn, const char *rname, int fd,
		   unsigned want, bool always, mode_t type);
/* Apply a directory's metadata (finalize, mount points). 0 or -1 (reported). */
int ct_dir_meta(struct ct *ct, struct wctx *w, const struct dnode *dn, const char *name,
		int dfd, const struct fs_stat *st, const struct xattrs *xa, unsigned iflags,
		bool preexisting);
/* Make room for name in DST in force mode: remove what is there unless it is a
 * directory (want_dir: keep it). 0: gone, 1: a directory kept, -errno. */
int ct_clear_dst(struct ct *ct, int dirfd, const char *name, bool want_dir);
/* Make a DST entry with mk(); in force mode replace what is in the way. */
int ct_make_entry(struct ct *ct, struct dnode *dn, const char *name,
		  int (*mk)(int dirfd, const char *name, void *arg), void *arg);
/* Inode flags for dn/name that wait until every name of the inode is linked. */
void ct_defer_flags(struct ct *ct, struct dnode *dn, const char *name, unsigned flags);
void ct_apply_deferred_flags(struct ct *ct, struct wctx *w);
void ct_deferred_free(struct ct *ct);
/* One thing below dn is done; finalizes dn (and its parents) when it was the last. */
void dn_done(struct ct *ct, struct wctx *w, struct dnode *dn);
static inline void ct_ts_pair(struct timespec ts[2], const struct fs_stat *st)
{
	ts[0] = st->atime;
	ts[1] = st->mtime;
}

/* copytree_report.c */
void ct_report(struct ct *ct, enum copytree_kind kind, enum copytree_side side,
	       const struct dnode *dn, const char *name, const char *op,
	       const char *detail, int err, mode_t type);
/* Report a failure on the DST side; ENOSPC, EIO and alike stop the copy. */
void ct_dst_error(struct ct *ct, const struct dnode *dn, const char *name,
		  const char *op, const char *detail, int err, mode_t type);
/* Report a failure on the SRC side (none once the copy stopped). */
void ct_src_error(struct ct *ct, const struct dnode *dn, const char *name,
		  const char *op, const char *detail, int err, mode_t type);
/* Verbose: dn/name was copied. */
void ct_report_copied(struct ct *ct, const struct dnode *dn, const char *name, mode_t mode);
bool ct_stopped(struct ct *ct);

/* copytree_node.c: dnodes and the descriptor cache */
struct dnode *dn_new(struct ct *ct, struct dnode *parent, const char *name);
void dn_ref(struct dnode *dn);
void dn_unref(struct ct *ct, struct dnode *dn);
int dn_acquire(struct ct *ct, struct dnode *dn, unsigned sides);
/* The same, when child (a dnode below dn) may still be open: dn is then
 * opened again through child's "..", one step instead of a walk from the top. */
int dn_acquire_near(struct ct *ct, struct dnode *dn, unsigned sides, struct dnode *child);
void dn_release(struct ct *ct, struct dnode *dn);
/* Register the open descriptors of a new dnode in the cache, pinned once. */
void dn_register(struct ct *ct, struct dnode *dn);
char *dn_path(const struct dnode *dn, const char *name);
/* dn's SRC directory seen through the open_tree clone of SRC, where mount
 * points show what they hide (their own owner, mode, times); -errno when
 * that is not possible (no clone, or the tree changed). */
int dn_open_underlying(struct ct *ct, struct dnode *dn);

/* copytree_xattr.c: xattr sets. name NULL: fd itself (an open file or
 * directory); else fd/name, not followed. */
int xa_read(struct xattrs *x, int fd, const char *name);
void xa_copy(struct xattrs *dst, const struct xattrs *src);
void xa_free(struct xattrs *x);
bool xa_has(const struct xattrs *x, const char *attr);
int xa_set_one(int fd, const char *name, const char *attr, const void *val, size_t len);
int xa_remove_one(int fd, const char *name, const char *attr);
static inline const char *xa_name(const struct xattrs *x, size_t i)
{
	return x->names + x->it[i].name;
}

#endif
