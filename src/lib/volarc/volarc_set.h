/* The set directory: the list of every file of a volume set, with its size,
 * sha256, times and mode, and where each piece of its bytes is stored. Each
 * volume carries the whole list (as VOLARC_SET_FILE, JSON), so any one
 * volume can list the set and say which volumes a file needs. */
#ifndef ALTKIT_VOLARC_SET_H
#define ALTKIT_VOLARC_SET_H
#include <stddef.h>
#include <stdint.h>

#include "volarc.h"

struct volarc_piece {
	unsigned vol;                   /* volume index, from 1 */
	uint64_t offset, length;        /* which bytes of the file */
	char *path;                     /* where they are on that volume */
};

struct volarc_entry {
	char *name;                     /* "dir/file": relative, '/'-separated */
	int is_dir;
	uint64_t size;
	unsigned mode;                  /* permission bits, 07777 */
	int64_t mtime;
	long mtime_ns;
	char sha256[65];                /* lowercase hex; "" for a directory */
	struct volarc_piece *pieces;    /* a file has at least one, in offset order */
	size_t npieces;
};

struct volarc_set {
	char serial[VOLARC_SERIAL_MAX + 1];
	unsigned index;                 /* the volume this copy was read from */
	unsigned count;                 /* volumes in the set */
	int64_t created;
	unsigned fs;                    /* VOLARC_FS_* trees on every volume */
	struct volarc_entry *entries;   /* sorted by name (strcmp), unique */
	size_t nentries;
};

void volarc_set_release(struct volarc_set *s);

/* The text stored on volume `index`. A checksum not known yet ("") is
 * written as 64 zeros, so the text has its final length before the files
 * are read: a volume is written with it and patched in place later. The
 * text is padded with blanks to pad bytes when pad is larger. */
char *volarc_set_format(const struct volarc_set *s, unsigned index, size_t pad, size_t *len);

/* Parse and check a set directory read from a volume: every name safe,
 * the pieces of each file contiguous and on volumes of the set. -EINVAL
 * with the reason in e. */
int volarc_set_parse(const char *text, struct volarc_set *out, struct err *e);

/* The entry of that name, or NULL (binary search). */
const struct volarc_entry *volarc_set_find(const struct volarc_set *s, const char *name);

/* The volume where a file starts (its first piece's). */
unsigned volarc_entry_start(const struct volarc_entry *en);

/* A name that can be extracted below a directory: relative, no empty, "."
 * or ".." component, shorter than PATH_MAX. */
int volarc_relpath_ok(const char *name);

/* 1 to VOLARC_SERIAL_MAX characters of A-Z, 0-9 and _: 0, or -EINVAL
 * with *bad the first character that is not allowed (0 if the length is
 * wrong). */
int volarc_serial_check(const char *serial, char *bad);

#endif
