/* Paths below a directory fd that never leave it: no symbolic link is
 * followed on the way (neither in the middle nor at the end), so a tree
 * that someone changes meanwhile cannot send a read or a write elsewhere. */
#ifndef ALTKIT_BENEATH_H
#define ALTKIT_BENEATH_H
#include <sys/types.h>

/* openat(dirfd, rel, flags) with every component of rel opened without
 * following symbolic links; rel must be relative, without ".." (as
 * volarc_relpath_ok). fd or -errno (-ELOOP for a symlink on the way). */
int beneath_open(int dirfd, const char *rel, int flags, mode_t mode);

/* The directory holding rel's last component, as an fd; *last points at
 * that component inside rel. The same rules; ".." anywhere is -EINVAL. */
int beneath_parent(int dirfd, const char *rel, const char **last);

/* The directory rel below dirfd, made where missing (mode), as an fd; the
 * same rules. fd or -errno (-ENOTDIR when something else is in the way). */
int beneath_mkdirs(int dirfd, const char *rel, mode_t mode);

#endif
