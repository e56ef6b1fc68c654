#ifndef ALTKIT_ESPCOPY_H
#define ALTKIT_ESPCOPY_H
#include "err.h"

/* Copying an EFI system partition's files to another ESP: every directory and
 * regular file (shim, GRUB, MokManager, BOOTX64.CSV, fallback, every vendor
 * directory), nothing else. A FAT file system has no links or devices; one
 * that shows any (another file system mounted there) is refused. Bounded:
 * 16 levels, 10000 entries. Files are written whole and fsync'd. */

/* Copy the tree under the directory SRC to the directory DST (both fds).
 * 0, or -errno with the path in e. */
int esp_copy_tree(int src, int dst, struct err *e);

/* Copy the open file IN to OUT (from their offsets), then fsync OUT. */
int esp_copy_fd(int in, int out);
#endif
