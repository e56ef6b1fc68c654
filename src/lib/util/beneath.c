/* Component-by-component opening below a directory, no symlink followed.
 * (openat2's RESOLVE_NO_SYMLINKS would do it in one call, but the kernels
 * altkit runs on and musl's headers do not all have it.) */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"
#include "banned.h"

/* Walk the directories of rel (all but its last component) from dirfd;
 * *last points at the last component. A new fd, or -errno. With make,
 * missing directories are created. */
static int walk_dirs(int dirfd, const char *rel, int make, mode_t mode, const char **last)
{
	char comp[NAME_MAX + 1];
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	const char *p = rel;
	for (;;) {
		const char *slash = strchr(p, '/');
		if (!slash)
			break;
		size_t n = (size_t)(slash - p);
		if (n == 0 || n > NAME_MAX || (n == 2 && p[0] == '.' && p[1] == '.')) {
			close(fd);
			return n > NAME_MAX ? -ENAMETOOLONG : -EINVAL;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (make && mkdirat(fd, comp, mode) < 0 && errno != EEXIST) {
			int err = -errno;
			close(fd);
			return err;
		}
		int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int err = -errno;
		close(fd);
		if (next < 0)
			return make && err == -ELOOP ? -ENOTDIR : err;
		fd = next;
		p = slash + 1;
	}
	*last = p;
	return fd;
}

int beneath_parent(int dirfd, const char *rel, const char **last)
{
	if (rel[0] == '/')
		return -EINVAL;
	int dfd = walk_dirs(dirfd, rel, 0, 0, last);
	if (dfd >= 0 && strcmp(*last, "..") == 0) {
		close(dfd);
		return -EINVAL;
	}
	return dfd;
}

int beneath_open(int dirfd, const char *rel, int flags, mode_t mode)
{
	const char *last;
	int dfd = beneath_parent(dirfd, rel, &last);
	if (dfd < 0)
		return dfd;
	int fd = openat(dfd, last, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	int err = -errno;
	close(dfd);
	return fd < 0 ? err : fd;
}

int beneath_mkdirs(int dirfd, const char *rel, mode_t mode)
{
	const char *last;
	if (rel[0] == '/')
		return -EINVAL;
	if (rel[0] == '\0') {
		int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
		return fd < 0 ? -errno : fd;
	}
	int dfd = walk_dirs(dirfd, rel, 1, mode, &last);
	if (dfd < 0)
		return dfd;
	if (mkdirat(dfd, last, mode) < 0 && errno != EEXIST) {
		int err = -errno;
		close(dfd);
		return err;
	}
	int fd = openat(dfd, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int err = errno == ELOOP ? -ENOTDIR : -errno;
	close(dfd);
	return fd < 0 ? err : fd;
}
