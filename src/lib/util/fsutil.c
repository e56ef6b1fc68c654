/* Linux calls a libc may lack, with fallbacks. See fsutil.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fsutil.h"
#include "banned.h"

/* Syscall numbers newer than some libc headers (the same on every
 * architecture since Linux 5.1's unified table). */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_getxattrat
#define SYS_getxattrat 464
#endif
#ifndef SYS_listxattrat
#define SYS_listxattrat 465
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat 466
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif

#define AK_FS_IOC_GETFLAGS _IOR('f', 1, long)
#define AK_FS_IOC_SETFLAGS _IOW('f', 2, long)

/* The kernel's struct statx, declared here so no libc header is needed. */
struct ak_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};
struct ak_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct ak_statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t spare3[12];
};
#define AK_STATX_BASIC_STATS 0x000007ffu
#define AK_STATX_MNT_ID 0x00001000u
#define AK_STATX_ATTR_MOUNT_ROOT 0x00002000u

struct ak_xattr_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

/* 1: works, 0: the kernel said ENOSYS (remembered for the process). */
static atomic_int have_statx = 1, have_xattrat = 1, have_fchmodat2 = 1;

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

/* The mount id the old way (kernels without statx STATX_MNT_ID, before 5.8),
 * for directories and files, which mounts can cover; 0 when unknown. */
static uint64_t handle_mount_id(int dirfd, const char *name, int flags)
{
	union {
		struct file_handle fh;
		char space[sizeof(struct file_handle) + 128];
	} h;
	int id = -1;
	h.fh.handle_bytes = 128;
	if (name_to_handle_at(dirfd, name, &h.fh, &id, flags & AT_EMPTY_PATH) < 0 &&
	    errno != EOVERFLOW)
		return 0;
	return id >= 0 ? (uint64_t)id + 1 : 0;  /* + 1: never 0 when known */
}

int fs_statat(int dirfd, const char *name, int flags, struct fs_stat *st)
{
	if (atomic_load_explicit(&have_statx, memory_order_relaxed)) {
		struct ak_statx sx;
		if (syscall(SYS_statx, dirfd, name, flags,
			    AK_STATX_BASIC_STATS | AK_STATX_MNT_ID, &sx) == 0) {
			st->mode = sx.mode;
			st->uid = sx.uid;
			st->gid = sx.gid;
			st->nlink = sx.nlink;
			st->ino = sx.ino;
			st->dev = makedev(sx.dev_major, sx.dev_minor);
			st->rdev = makedev(sx.rdev_major, sx.rdev_minor);
			st->size = sx.size;
			st->blocks = sx.blocks;
			st->atime.tv_sec = sx.atime.tv_sec;
			st->atime.tv_nsec = sx.atime.tv_nsec;
			st->mtime.tv_sec = sx.mtime.tv_sec;
			st->mtime.tv_nsec = sx.mtime.tv_nsec;
			st->mnt_id = (sx.mask & AK_STATX_MNT_ID) ? sx.mnt_id : 0;
			st->mount_root = (sx.attributes_mask & AK_STATX_ATTR_MOUNT_ROOT) &&
					 (sx.attributes & AK_STATX_ATTR_MOUNT_ROOT);
			if (!st->mnt_id && (S_ISDIR(st->mode) || S_ISREG(st->mode)))
				st->mnt_id = handle_mount_id(dirfd, name, flags);
			return 0;
		}
		if (errno != ENOSYS)
			return neg_errno();
		atomic_store(&have_statx, 0);
	}
	struct stat s;
	if (fstatat(dirfd, name, &s, flags) < 0)
		return neg_errno();
	st->mode = s.st_mode;
	st->uid = s.st_uid;
	st->gid = s.st_gid;
	st->nlink = (uint32_t)s.st_nlink;
	st->ino = s.st_ino;
	st->dev = s.st_dev;
	st->rdev = s.st_rdev;
	st->size = (uint64_t)s.st_size;
	st->blocks = (uint64_t)s.st_blocks;
	st->atime = s.st_atim;
	st->mtime = s.st_mtim;
	st->mnt_id = S_ISDIR(s.st_mode) || S_ISREG(s.st_mode) ? handle_mount_id(dirfd, name, flags) : 0;
	st->mount_root = false;
	return 0;
}

ssize_t fs_getdents(int fd, void *buf, size_t size)
{
	long n = syscall(SYS_getdents64, fd, buf, size);
	return n < 0 ? neg_errno() : n;
}

/* The fallback for the *xattrat calls: an O_PATH descriptor of name itself,
 * reached through the /proc/self/fd magic link (which does not follow name
 * if it is a symlink: it names the inode the descriptor holds). */
static int proc_path(int dirfd, const char *name, char *buf, size_t size, int *fd)
{
	*fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return neg_errno();
	snprintf(buf, size, "/proc/self/fd/%d", *fd);
	return 0;
}

ssize_t fs_listxattrat(int dirfd, const char *name, char *list, size_t size)
{
	if (atomic_load_explicit(&have_xattrat, memory_order_relaxed)) {
		long n = syscall(SYS_listxattrat, dirfd, name, AT_SYMLINK_NOFOLLOW, list, size);
		if (n >= 0)
			return n;
		if (errno != ENOSYS)
			return neg_errno();
		atomic_store(&have_xattrat, 0);
	}
	char p[64];
	int fd, rc = proc_path(dirfd, name, p, sizeof(p), &fd);
	if (rc < 0)
		return rc;
	ssize_t n = listxattr(p, list, size);
	rc = n < 0 ? neg_errno() : 0;
	close(fd);
	return rc < 0 ? rc : n;
}

ssize_t fs_getxattrat(int dirfd, const char *name, const char *attr, void *val, size_t size)
{
	if (atomic_load_explicit(&have_xattrat, memory_order_relaxed)) {
		struct ak_xattr_args a = { .value = (uintptr_t)val, .size = (uint32_t)size };
		long n = syscall(SYS_getxattrat, dirfd, name, AT_SYMLINK_NOFOLLOW, attr, &a,
				 sizeof(a));
		if (n >= 0)
			return n;
		if (errno != ENOSYS)
			return neg_errno();
		atomic_store(&have_xattrat, 0);
	}
	char p[64];
	int fd, rc = proc_path(dirfd, name, p, sizeof(p), &fd);
	if (rc < 0)
		return rc;
	ssize_t n = getxattr(p, attr, val, size);
	rc = n < 0 ? neg_errno() : 0;
	close(fd);
	return rc < 0 ? rc : n;
}

int fs_setxattrat(int dirfd, const char *name, const char *attr, const void *val, size_t size)
{
	if (atomic_load_explicit(&have_xattrat, memory_order_relaxed)) {
		struct ak_xattr_args a = { .value = (uintptr_t)val, .size = (uint32_t)size };
		if (syscall(SYS_setxattrat, dirfd, name, AT_SYMLINK_NOFOLLOW, attr, &a,
			    sizeof(a)) == 0)
			return 0;
		if (errno != ENOSYS)
			return neg_errno();
		atomic_store(&have_xattrat, 0);
	}
	char p[64];
	int fd, rc = proc_path(dirfd, name, p, sizeof(p), &fd);
	if (rc < 0)
		return rc;
	rc = setxattr(p, attr, val, size, 0) < 0 ? neg_errno() : 0;
	close(fd);
	return rc;
}

int fs_removexattrat(int dirfd, const char *name, const char *attr)
{
	if (atomic_load_explicit(&have_xattrat, memory_order_relaxed)) {
		if (syscall(SYS_removexattrat, dirfd, name, AT_SYMLINK_NOFOLLOW, attr) == 0)
			return 0;
		if (errno != ENOSYS)
			return neg_errno();
		atomic_store(&have_xattrat, 0);
	}
	char p[64];
	int fd, rc = proc_path(dirfd, name, p, sizeof(p), &fd);
	if (rc < 0)
		return rc;
	rc = removexattr(p, attr) < 0 ? neg_errno() : 0;
	close(fd);
	return rc;
}

int fs_chmodat_nofollow(int dirfd, const char *name, mode_t mode)
{
	if (atomic_load_explicit(&have_fchmodat2, memory_order_relaxed)) {
		if (syscall(SYS_fchmodat2, dirfd, name, mode, AT_SYMLINK_NOFOLLOW) == 0)
			return 0;
		if (errno != ENOSYS)
			return neg_errno();
		atomic_store(&have_fchmodat2, 0);
	}
	struct stat s;
	if (fstatat(dirfd, name, &s, AT_SYMLINK_NOFOLLOW) < 0)
		return neg_errno();
	if (S_ISLNK(s.st_mode))
		return -EOPNOTSUPP;
	return fchmodat(dirfd, name, mode, 0) < 0 ? neg_errno() : 0;
}

int fs_getflags(int fd, unsigned *flags)
{
	int f = 0;
	if (ioctl(fd, AK_FS_IOC_GETFLAGS, &f) < 0)
		return neg_errno();
	*flags = (unsigned)f;
	return 0;
}

int fs_setflags(int fd, unsigned flags)
{
	int f = (int)flags;
	return ioctl(fd, AK_FS_IOC_SETFLAGS, &f) < 0 ? neg_errno() : 0;
}

ssize_t fs_copy_file_range(int in, int64_t *off_in, int out, int64_t *off_out, size_t len)
{
	long n = syscall(SYS_copy_file_range, in, off_in, out, off_out, len, 0u);
	return n < 0 ? neg_errno() : n;
}

int fs_open_tree_clone(int fd)
{
	long r = syscall(SYS_open_tree, fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	return r < 0 ? neg_errno() : (int)r;
}

int fs_syncfs(int fd)
{
	return syncfs(fd) < 0 ? neg_errno() : 0;
}
