#ifndef ALTKIT_INTREE_H
#define ALTKIT_INTREE_H
#include <stddef.h>
#include <sys/types.h>

/* Files and mount points inside another system's tree (a clone on /alt_inst,
 * a root on /sysroot), reached so that a symlink in that tree can never lead
 * outside it: every directory on the way is opened with O_NOFOLLOW. RELPATH
 * is relative to ROOT ("etc/fstab"); ".." components are refused (-EINVAL).
 * Return an fd or 0, or -errno; never print. */

int intree_open(const char *root, const char *relpath, int flags, mode_t mode);
/* 1 removed, 0 it was not there, -errno. A symlink is removed, not followed. */
int intree_remove(const char *root, const char *relpath);
/* Replace RELPATH with CONTENT (a temporary file in its directory, fsync,
 * rename over it). */
int intree_write(const char *root, const char *relpath, const char *content, size_t len, mode_t mode);
/* Install the host file FROM as RELPATH (whatever RELPATH was, a symlink
 * included, is replaced by the rename at the end). */
int intree_copy_in(const char *root, const char *from, const char *relpath, mode_t mode);
/* mkdir RELPATH (0 when it exists as a directory already). */
int intree_mkdir(const char *root, const char *relpath, mode_t mode);
/* Mount DEV on RELPATH (a directory that must exist in the tree). */
int intree_mount(const char *root, const char *relpath, const char *dev, const char *fstype,
		 unsigned long flags, const char *data);
#endif
