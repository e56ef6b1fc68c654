/* UEFI variables through efivarfs. Every file is opened relative to the
 * efivarfs directory's fd, without following symlinks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "testhook.h"
#include "efivars.h"
#include "readall.h"
#include "xalloc.h"

#define EFIVARFS_MAGIC 0xde5e81e4

const char *efivars_dir(void)
{
	const char *d = testhook(HOOK_EFIVARFS_PATH);
	return d ? d : "/sys/firmware/efi/efivars";
}

static int open_dir(void)
{
	int fd = open(efivars_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int is_efivarfs(int dirfd)
{
	struct statfs sf;
	return fstatfs(dirfd, &sf) == 0 && (unsigned long)sf.f_type == EFIVARFS_MAGIC;
}

int efivars_available(void)
{
	int fd = open_dir();
	if (fd < 0)
		return fd == -ENOTDIR ? -ENOENT : fd;
	/* UEFI machines have the directory even where efivarfs is not mounted
	 * on it: empty, and every write refused. A directory of captured
	 * variables ($EFIVARFS_PATH) is what it is. */
	int rc = testhook(HOOK_EFIVARFS_PATH) || is_efivarfs(fd) ? 0 : -ENOMEDIUM;
	close(fd);
	return rc;
}

static void file_name(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s-%s", name, EFI_GLOBAL_GUID);
}

int efivar_get(const char *name, uint8_t **data, size_t *len, uint32_t *attr)
{
	char fn[128];
	int dfd = open_dir();
	if (dfd < 0)
		return dfd;
	file_name(fn, sizeof(fn), name);
	int fd = openat(dfd, fn, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int rc = fd < 0 ? -errno : 0;
	close(dfd);
	if (rc < 0)
		return rc;
	size_t n = 0;
	char *buf = read_all_fd(fd, &n);
	rc = buf ? 0 : -errno;
	close(fd);
	if (!buf)
		return rc;
	if (n < 4) {
		free(buf);
		return -EINVAL;
	}
	if (attr)
		memcpy(attr, buf, 4);
	*len = n - 4;
	*data = xmalloc(n - 4 + 1);
	memcpy(*data, buf + 4, n - 4);
	free(buf);
	return 0;
}

/* efivarfs makes most variables immutable: clear the flag to replace or
 * remove one (what efibootmgr does too). Not an error where the flag does
 * not exist (a plain directory). */
static void make_mutable(int fd)
{
	int flags;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & FS_IMMUTABLE_FL)) {
		flags &= ~FS_IMMUTABLE_FL;
		ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
}

/* The efivarfs directory's fd with fn set to NAME's file, made mutable if it
 * exists: what changing or removing a variable starts with. */
static int open_for_change(const char *name, char *fn, size_t len)
{
	int dfd = open_dir();
	if (dfd < 0)
		return dfd;
	file_name(fn, len, name);
	int fd = openat(dfd, fn, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		make_mutable(fd);
		close(fd);
	}
	return dfd;
}

/* ALTKIT_FAULT_EFIVAR_WRITE=N: the Nth change (a write or a removal) fails
 * as a full NVRAM does (tests of the all-or-nothing rule; a real store cannot
 * be filled on cue). */
static int fault_injected(void)
{
	static long count;
	const char *v = testhook(HOOK_FAULT_EFIVAR_WRITE);
	return v && ++count == atol(v);
}

int efivar_set(const char *name, const uint8_t *data, size_t len, uint32_t attr)
{
	char fn[128];
	if (fault_injected())
		return -ENOSPC;
	int dfd = open_for_change(name, fn, sizeof(fn));
	if (dfd < 0)
		return dfd;
	/* efivarfs replaces a variable with each write and cannot truncate;
	 * a plain directory (captured variables) needs O_TRUNC */
	int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (is_efivarfs(dfd) ? 0 : O_TRUNC);
	int fd = openat(dfd, fn, flags, 0644);
	int rc = fd < 0 ? -errno : 0;
	close(dfd);
	if (rc < 0)
		return rc;
	uint8_t *buf = xmalloc(len + 4);
	memcpy(buf, &attr, 4);
	memcpy(buf + 4, data, len);
	ssize_t w = write(fd, buf, len + 4);
	if (w < 0)
		rc = -errno;
	else if ((size_t)w != len + 4)
		rc = -EIO;
	free(buf);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int efivar_del(const char *name)
{
	char fn[128];
	if (fault_injected())
		return -EIO;
	int dfd = open_for_change(name, fn, sizeof(fn));
	if (dfd < 0)
		return dfd;
	int rc = unlinkat(dfd, fn, 0) < 0 ? -errno : 0;
	close(dfd);
	return rc;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;      /* Boot#### uses upper-case hex digits only */
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

int efivar_boot_numbers(uint16_t **nums, size_t *n)
{
	int dfd = open_dir();
	if (dfd < 0)
		return dfd;
	DIR *d = fdopendir(dfd);
	if (!d) {
		int e = -errno;
		close(dfd);
		return e;
	}
	size_t cnt = 0, cap = 16;
	uint16_t *v = xcalloc(cap, sizeof(*v));
	const char *suffix = "-" EFI_GLOBAL_GUID;
	for (struct dirent *e; (e = readdir(d));) {
		const char *s = e->d_name;
		if (strncmp(s, "Boot", 4) != 0 || strlen(s) != 8 + strlen(suffix) || strcmp(s + 8, suffix) != 0)
			continue;
		int num = 0, ok = 1;
		for (int i = 4; i < 8; i++) {
			int h = hexval(s[i]);
			ok &= h >= 0;
			num = num * 16 + (h < 0 ? 0 : h);
		}
		if (!ok)
			continue;
		if (cnt == cap)
			v = xrealloc(v, (cap *= 2) * sizeof(*v));
		v[cnt++] = (uint16_t)num;
	}
	closedir(d);
	qsort(v, cnt, sizeof(*v), cmp_u16);
	*nums = v;
	*n = cnt;
	return 0;
}

int efivar_get_u16s(const char *name, uint16_t **v, size_t *n)
{
	uint8_t *data;
	size_t len;
	int rc = efivar_get(name, &data, &len, NULL);
	if (rc < 0)
		return rc;
	if (len % 2) {
		free(data);
		return -EINVAL;
	}
	*n = len / 2;
	*v = xcalloc(*n + 1, sizeof(**v));
	for (size_t i = 0; i < *n; i++)
		(*v)[i] = (uint16_t)(data[2 * i] | data[2 * i + 1] << 8);
	free(data);
	return 0;
}

int efivar_set_u16s(const char *name, const uint16_t *v, size_t n)
{
	uint8_t *data = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		data[2 * i] = (uint8_t)(v[i] & 0xff);
		data[2 * i + 1] = (uint8_t)(v[i] >> 8);
	}
	int rc = efivar_set(name, data, 2 * n, EFIVAR_NV_BS_RT);
	free(data);
	return rc;
}
