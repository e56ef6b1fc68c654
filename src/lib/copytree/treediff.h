/* Compare two trees: contents (byte for byte, holes too) and every metadata
 * item the copy engine keeps (type, mode, owner, nanosecond times, size,
 * device numbers, symlink targets, hard-link structure, xattrs and ACLs,
 * inode flags). It shares no code with the copy engine (its own walk, its own
 * system calls) so it can check it; only the exclude matcher is common.
 *
 * Stays on each tree's filesystem: a mount point is compared by type only.
 * atime is not compared for symlinks (reading a symlink sets it). */
#ifndef ALTKIT_TREEDIFF_H
#define ALTKIT_TREEDIFF_H

#include <stdint.h>

struct exclude;

enum treediff_flags {
	TREEDIFF_NO_ATIME = 1u << 0,    /* do not compare access times */
	TREEDIFF_NO_DATA = 1u << 1,     /* do not read file contents */
};

struct treediff_opts {
	const char *a, *b;
	const char *name_a, *name_b;    /* for "only in A" (default "A", "B") */
	const struct exclude *exclude;  /* paths left out on both sides */
	unsigned flags;
	/* one call per difference: path "./x" (any bytes), what e.g. "mode 0644 != 0600" */
	void (*diff)(void *arg, const char *path, const char *what);
	/* trouble reading a tree (side 0: a, 1: b); the comparison goes on */
	void (*error)(void *arg, int side, const char *path, const char *op, int err);
	void *arg;
};

struct treediff_stats {
	uint64_t entries;       /* paths compared */
	uint64_t differences;
	uint64_t errors;
	uint64_t bytes;         /* file data compared */
};

/* 0: the same; 1: differences (each reported); negative errno: a tree could
 * not be read (reported through error). */
int treediff(const struct treediff_opts *o, struct treediff_stats *st);

#endif
