#ifndef ALTKIT_LAYOUT_H
#define ALTKIT_LAYOUT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

/* alt_disk_copy -i: the clone's LVs, one per line (like AIX image.data):
 *
 *   # name   size       fstype  mountpoint
 *   root     256M       ext4    /
 *   var      used+50%   ext4    /var
 *   swap     same       swap    -
 *
 * name: the clone's LV name; the source LV is found by its mount point (by
 * name for "-"). size: SIZE (512, 64K, 256M, 2G), "same" (the source's), or
 * "used+N%" (the used data plus N percent). fstype: the clone's type: the
 * source's, or ext3/ext4 for an ext2/ext3 source (conversion). '#' comments. */

enum layout_size_kind { LAYOUT_SAME, LAYOUT_BYTES, LAYOUT_USED_PCT };

struct layout_entry {
	char name[128];
	enum layout_size_kind size_kind;
	uint64_t bytes;         /* LAYOUT_BYTES */
	unsigned pct;           /* LAYOUT_USED_PCT */
	char fstype[16];
	char mountpoint[256];   /* "-" for none */
	unsigned line;
};

struct layout {
	struct layout_entry *e;
	size_t n;
};

/* Parse text; 0, or -EINVAL with err filled ("line 2: size 'x': expected
 * ..."). layout_load: -errno when the file cannot be read, or is not a
 * regular file of at most INPUT_MAX_TEXT bytes (-ENXIO: not a regular
 * file); err then says what is wrong, without the file's name. */
int layout_parse(const char *text, struct layout *l, struct err *err);
int layout_load(const char *file, struct layout *l, struct err *err);
void layout_release(struct layout *l);
/* The entry for a source LV: by mount point, or by name when it has none. */
const struct layout_entry *layout_find(const struct layout *l, const char *mountpoint, const char *lvname);
/* Write one line in the format layout_parse reads. */
void layout_write_entry(FILE *out, const char *name, uint64_t bytes, const char *fstype, const char *mountpoint);
#endif
