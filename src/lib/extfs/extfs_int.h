/* Shared by extfs.c and extfs_copy.c; not for commands. */
#ifndef ALTKIT_EXTFS_INT_H
#define ALTKIT_EXTFS_INT_H

#include <ext2fs/ext2fs.h>

/* libext2fs error -> our int: -errno, -EXTFS_E_* or the negated com_err code
 * (EXT2_ET_* codes are below 2^31, so they fit). */
int extfs_errcode(errcode_t e);

/* ext2fs_open2 read-only (64-bit bitmaps, no MMP, an external journal device
 * refused with -EXTFS_E_JOURNAL_DEV). extra: more EXT2_FLAG_*. */
int extfs_open_ro(const char *dev, int extra, ext2_filsys *fs);

#endif
