#ifndef ALTKIT_ISOFS_H
#define ALTKIT_ISOFS_H
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

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

/* -ENOENT (no such file), -EMEDIUMTYPE (no ISO 9660 volume), -ENOTSUP (the
 * view asked for is not on the volume) */
int isofs_open(const char *path, enum isofs_view view, struct isofs **out);
void isofs_close(struct isofs *fs);
const char *isofs_volume_id(const struct isofs *fs);

/* Depth-first walk; cb returns non-zero to stop (that value is returned). */
int isofs_walk(struct isofs *fs, int (*cb)(const struct isofs_entry *e, void *arg), void *arg);

/* Write the contents of the file at PATH to fd. */
int isofs_read_file(struct isofs *fs, const char *path, int fd);

int isofs_view_parse(const char *s, enum isofs_view *view);
#endif
