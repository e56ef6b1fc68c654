/* Thin wrappers over Linux calls that a libc may lack (musl has no statx,
 * no *xattrat, no fchmodat2, no open_tree): each returns 0 (or a count) or a
 * negative errno, and falls back to older calls when the kernel says ENOSYS.
 * Used by the copy engine; treediff deliberately does not use them. */
#ifndef ALTKIT_FSUTIL_H
#define ALTKIT_FSUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct fs_stat {
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint32_t nlink;
	uint64_t ino;
	dev_t dev, rdev;
	uint64_t size, blocks;          /* blocks in 512-byte units */
	struct timespec atime, mtime;
	uint64_t mnt_id;                /* 0 when the kernel does not say */
	bool mount_root;                /* the root of a mount (bind mounts too) */
};

/* statx (or fstatat) of dirfd/name; flags are AT_* (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH). */
int fs_statat(int dirfd, const char *name, int flags, struct fs_stat *st);

/* Directory entries, raw (linux_dirent64 records). */
struct fs_dirent {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};
ssize_t fs_getdents(int fd, void *buf, size_t size);

/* xattrs of dirfd/name itself, never following a symlink (works on symlinks
 * and device nodes without opening them): listxattrat & co. on Linux >= 6.13,
 * else an O_PATH descriptor and /proc/self/fd. */
ssize_t fs_listxattrat(int dirfd, const char *name, char *list, size_t size);
ssize_t fs_getxattrat(int dirfd, const char *name, const char *attr, void *val, size_t size);
int fs_setxattrat(int dirfd, const char *name, const char *attr, const void *val,
		  size_t size);
int fs_removexattrat(int dirfd, const char *name, const char *attr);

/* chmod of dirfd/name that never follows a symlink (fchmodat2; else fchmodat
 * after checking that name is not a symlink). */
int fs_chmodat_nofollow(int dirfd, const char *name, mode_t mode);

/* Inode flags (FS_IOC_GETFLAGS/SETFLAGS, chattr/lsattr). */
int fs_getflags(int fd, unsigned *flags);
int fs_setflags(int fd, unsigned flags);

#define FSF_SECRM       0x00000001u
#define FSF_UNRM        0x00000002u
#define FSF_COMPR       0x00000004u
#define FSF_SYNC        0x00000008u
#define FSF_IMMUTABLE   0x00000010u
#define FSF_APPEND      0x00000020u
#define FSF_NODUMP      0x00000040u
#define FSF_NOATIME     0x00000080u
#define FSF_NOCOMP      0x00000400u
#define FSF_JOURNAL     0x00004000u
#define FSF_NOTAIL      0x00008000u
#define FSF_DIRSYNC     0x00010000u
#define FSF_TOPDIR      0x00020000u
#define FSF_NOCOW       0x00800000u
#define FSF_PROJINHERIT 0x20000000u
#define FSF_CASEFOLD    0x40000000u
/* Flags a copy carries over (what chattr can set; not extents, inline data, ...). */
#define FSF_COPY_MASK (FSF_SECRM | FSF_UNRM | FSF_COMPR | FSF_SYNC | FSF_IMMUTABLE | \
		       FSF_APPEND | FSF_NODUMP | FSF_NOATIME | FSF_NOCOMP | FSF_JOURNAL | \
		       FSF_NOTAIL | FSF_DIRSYNC | FSF_TOPDIR | FSF_NOCOW | FSF_PROJINHERIT)
/* Flags that forbid changing the inode: applied last. */
#define FSF_LAST_MASK (FSF_IMMUTABLE | FSF_APPEND)

/* copy_file_range(2) through syscall(); -errno. */
ssize_t fs_copy_file_range(int in, int64_t *off_in, int out, int64_t *off_out, size_t len);

/* A detached, non-recursive bind mount of the mount that holds fd, rooted at
 * fd (open_tree OPEN_TREE_CLONE): shows what lies under mount points. */
int fs_open_tree_clone(int fd);

/* syncfs(2); -errno. */
int fs_syncfs(int fd);

#endif
