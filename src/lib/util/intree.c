/* Paths inside another system's tree, never leaving it through a symlink. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"
#include "intree.h"
#include "readall.h"
#include "xalloc.h"

/* The directory holding RELPATH's last component (src/lib/beneath.c: no
 * symlink followed, no ".."); *last points into *copy, RELPATH with its
 * leading, doubled and trailing slashes dropped ("/var/" -> "var"). */
static int open_parent(const char *root, const char *relpath, char **copy, char **last)
{
	char *c = *copy = xstrdup(relpath);
	size_t k = 0;
	for (const char *p = relpath; *p; p++)
		if (*p != '/' || (k > 0 && c[k - 1] != '/'))
			c[k++] = *p;
	while (k > 0 && c[k - 1] == '/')
		k--;
	c[k] = '\0';
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		int e = -errno;
		free(c);
		*copy = NULL;
		return e;
	}
	const char *l;
	int dir = beneath_parent(rootfd, c, &l);
	close(rootfd);
	if (dir < 0) {
		free(c);
		*copy = NULL;
		return dir;
	}
	*last = c + (l - c);
	return dir;
}

int intree_open(const char *root, const char *relpath, int flags, mode_t mode)
{
	char *copy, *last;
	int dir = open_parent(root, relpath, &copy, &last);
	if (dir < 0)
		return dir;
	int fd = openat(dir, *last ? last : ".", flags | O_NOFOLLOW | O_CLOEXEC, mode);
	int e = errno;
	close(dir);
	free(copy);
	return fd < 0 ? -e : fd;
}

int intree_remove(const char *root, const char *relpath)
{
	char *copy, *last;
	int dir = open_parent(root, relpath, &copy, &last);
	if (dir < 0)
		return dir == -ENOENT ? 0 : dir;
	int rc = 1;
	if (unlinkat(dir, last, 0) < 0)
		rc = errno == ENOENT ? 0 : -errno;
	close(dir);
	free(copy);
	return rc;
}

int intree_write(const char *root, const char *relpath, const char *content, size_t len, mode_t mode)
{
	char *copy, *last, tmp[300];
	int dir = open_parent(root, relpath, &copy, &last);
	if (dir < 0)
		return dir;
	snprintf(tmp, sizeof(tmp), ".%s.altkit-new", last);
	int rc = 0;
	/* a fresh file: whatever has the temporary name (a hard link planted
	 * there) is not written through */
	unlinkat(dir, tmp, 0);
	int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		rc = -errno;
	else {
		if (write(fd, content, len) != (ssize_t)len || fchmod(fd, mode) < 0 || fsync(fd) < 0)
			rc = errno ? -errno : -EIO;
		close(fd);
		if (rc == 0 && renameat(dir, tmp, dir, last) < 0)
			rc = -errno;
		if (rc < 0)
			unlinkat(dir, tmp, 0);
	}
	close(dir);
	free(copy);
	return rc;
}

int intree_copy_in(const char *root, const char *from, const char *relpath, mode_t mode)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	size_t len;
	char *data = read_all_fd(in, &len);
	int e = errno;
	close(in);
	if (!data)
		return -e;
	/* the rename replaces whatever RELPATH was (a symlink too), only once the
	 * new content is complete */
	int rc = intree_write(root, relpath, data, len, mode);
	free(data);
	return rc;
}

int intree_mkdir(const char *root, const char *relpath, mode_t mode)
{
	char *copy, *last;
	int dir = open_parent(root, relpath, &copy, &last);
	if (dir < 0)
		return dir;
	int rc = 0;
	if (mkdirat(dir, last, mode) < 0 && errno != EEXIST)
		rc = -errno;
	close(dir);
	free(copy);
	return rc;
}

int intree_mount(const char *root, const char *relpath, const char *dev, const char *fstype,
		 unsigned long flags, const char *data)
{
	/* the directory opened safely, then mounted on through its /proc link:
	 * the mount lands on that very directory, inside the tree */
	int fd = intree_open(root, relpath, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	char target[64];
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	int rc = mount(dev, target, fstype, flags, data) < 0 ? -errno : 0;
	close(fd);
	return rc;
}
