#ifndef ALTKIT_ISOFS_H
#define ALTKIT_ISOFS_H
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"

/* Read ISO 9660 volumes (image files or optical drives) through libiso9660. */

enum isofs_view {
	ISOFS_VIEW_AUTO,        /* Joliet if present, else Rock Ridge / plain names */
	ISOFS_VIEW_ISO9660,     /* the primary tree, plain ISO 9660 names */
	ISOFS_VIEW_JOLIET,
	ISOFS_VIEW_ROCKRIDGE,
};

struct isofs;

struct isofs_entry {
	const char *path;       /* "/dir/name" */
	int is_dir;
	uint64_t size;
	mode_t mode;            /* from Rock Ridge when present, else a default */
	time_t mtime;
	uint32_t lsn;           /* first sector */
};

/* Can path hold a volume: 0 for a regular file or a block device (opened
 * without blocking, so a FIFO is refused, not waited on), else -errno,
 * -EISDIR or -ENODEV (a FIFO, socket or character device). */
int isofs_check_volume(const char *path);
/* -ENOENT (no such file), -EMEDIUMTYPE (no ISO 9660 volume), -ENOTSUP (the
 * view asked for is not on the volume), isofs_check_volume's errors */
int isofs_open(const char *path, enum isofs_view view, struct isofs **out);
void isofs_close(struct isofs *fs);
const char *isofs_volume_id(const struct isofs *fs);

/* The bounds of isofs_walk. */
#define ISOFS_DEPTH_MAX 256
#define ISOFS_ENTRIES_MAX 10000000
#define ISOFS_STR_(x) #x
#define ISOFS_STR(x) ISOFS_STR_(x)

/* Depth-first walk; cb returns non-zero to stop (that value is returned).
 * A damaged tree ends the walk with -EUCLEAN and e (may be NULL) saying
 * "damaged directory tree: 'PATH': why": a record with an empty name or
 * one holding '/', a directory whose extent was listed already (a loop, such
 * as a record pointing back at its parent or itself), a directory whose
 * records run past the end of the volume (libcdio would allocate what the
 * record claims, up to 4 GiB), more than
 * ISOFS_DEPTH_MAX levels or ISOFS_ENTRIES_MAX entries. -EIO: "cannot read
 * the directory 'PATH'". */
int isofs_walk(struct isofs *fs, int (*cb)(const struct isofs_entry *e, void *arg), void *arg, struct err *e);

/* Write the contents of the file at PATH to fd: 0, -ENOENT, -EISDIR, -EIO,
 * -EUCLEAN (a directory on the way runs past the end of the volume) or the
 * write's -errno. */
int isofs_read_file(struct isofs *fs, const char *path, int fd);

int isofs_view_parse(const char *s, enum isofs_view *view);
#endif
