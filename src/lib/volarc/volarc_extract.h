/* volarc copy: files of a set written below a directory, checked against
 * their sha256 before they get their name, with their mode and time. */
#ifndef ALTKIT_VOLARC_EXTRACT_H
#define ALTKIT_VOLARC_EXTRACT_H
#include "volarc_read.h"

/* Write entry en to rel below dirfd: directories on the way are made (no
 * symbolic link is followed), the data goes to a temporary file that is
 * renamed to rel only when its checksum matches. A directory entry is
 * made (its mode and time: volarc_extract_dir_attrs, after its contents). */
int volarc_extract(struct volarc_reader *r, const struct volarc_entry *en, int dirfd, const char *rel,
		   struct err *e);

/* Give the directory rel below dirfd the mode and time of en. */
int volarc_extract_dir_attrs(const struct volarc_entry *en, int dirfd, const char *rel, struct err *e);

#endif
