/* The copy engine: copy a directory tree losing nothing a root filesystem
 * holds (hard links, symlinks, devices, FIFOs, sockets, owners, modes,
 * nanosecond times, xattrs and ACLs, inode flags, holes), on one filesystem,
 * never following a symlink on either side, with a walker thread feeding
 * worker threads.
 *
 * Library code: it never prints. Every failure and (with verbose) every entry
 * copied is handed to the caller's report callback, one call at a time. */
#ifndef ALTKIT_COPYTREE_H
#define ALTKIT_COPYTREE_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

struct exclude;

enum copytree_flags {
	COPYTREE_FORCE = 1u << 0,       /* DST may hold entries: copy into it, replacing
					   same-named entries and merging directories */
	COPYTREE_VERBOSE = 1u << 1,     /* report every entry copied (CT_COPIED) */
	COPYTREE_NO_SYNC = 1u << 2,     /* skip the final syncfs of DST */
};

/* Error codes beyond errno (reported in copytree_report.err). */
enum {
	CTE_BASE = 8192,
	CTE_SRC_NOT_DIR = CTE_BASE,     /* SRC is not a directory */
	CTE_DST_NOT_DIR,                /* DST exists and is not a directory */
	CTE_DST_NOT_EMPTY,              /* DST holds entries and COPYTREE_FORCE is not set */
	CTE_DST_IS_SRC,                 /* DST is SRC */
	CTE_DST_IN_SRC,                 /* DST lies inside SRC (on SRC's filesystem) */
	CTE_CHANGED,                    /* an entry changed while it was being copied */
	CTE_IS_DIR,                     /* a non-directory would replace a directory in DST */
};
const char *copytree_strerror(int err);

enum copytree_kind {
	CT_ERROR,       /* one entry failed; the copy goes on */
	CT_FATAL,       /* the copy stops (setup error, ENOSPC/EIO on DST, ...) */
	CT_VANISHED,    /* an entry went away while the tree was being walked */
	CT_COPIED,      /* verbose: an entry was copied */
	CT_EXCLUDED,    /* verbose: an entry (and what is below it) was left out */
};

enum copytree_side { CT_SRC, CT_DST };

struct copytree_report {
	enum copytree_kind kind;
	enum copytree_side side;        /* the tree that path is in */
	const char *path;               /* "." or "./rel/path", any bytes but NUL */
	const char *op;                 /* what failed: "read", "create", "set xattr", ... */
	const char *detail;             /* e.g. the xattr name, or NULL */
	int err;                        /* positive errno or CTE_*; 0 for CT_COPIED */
	mode_t type;                    /* S_IFMT bits of the entry, when known */
};

/* Counters, updated while the copy runs (read them from another thread for
 * progress). */
struct copytree_stats {
	atomic_uint_fast64_t files;     /* regular files copied */
	atomic_uint_fast64_t dirs;      /* directories (incl. mount points) */
	atomic_uint_fast64_t symlinks;
	atomic_uint_fast64_t specials;  /* devices, FIFOs, sockets */
	atomic_uint_fast64_t hardlinks; /* extra names made with link() */
	atomic_uint_fast64_t mountpoints;
	atomic_uint_fast64_t excluded;  /* entries left out by the exclude list */
	atomic_uint_fast64_t vanished;
	atomic_uint_fast64_t bytes;     /* file data copied (holes not counted) */
	atomic_uint_fast64_t failures;  /* entries not copied completely */
	atomic_int started;             /* set once SRC and DST are open and copying began */
	atomic_int flushing;            /* set while the final syncfs waits for the disk */
};

struct copytree_opts {
	const char *src, *dst;
	const struct exclude *exclude;  /* NULL: copy everything */
	const char *match_root;         /* what SRC itself is called for the exclude
					   list: "./var" when /var is copied alone
					   (alt_disk_copy); NULL: "." */
	unsigned flags;                 /* COPYTREE_* */
	int threads;                    /* worker threads; 0: chosen from the CPUs */
	void (*report)(void *arg, const struct copytree_report *r);
	void *arg;
};

/* Copy SRC to DST (created when missing). Returns 0 when the copy ran to the
 * end (stats->failures says whether every entry made it) or a negative errno
 * / -CTE_* when it could not start or had to stop (already reported as
 * CT_FATAL). */
int copytree(const struct copytree_opts *o, struct copytree_stats *stats);

#endif
