/* Extraction. A name from a volume is untrusted: it must be relative and
 * free of "..", and it is opened component by component without following
 * symbolic links, so a link planted in the target directory cannot send
 * the data elsewhere. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "beneath.h"
#include "volarc_extract.h"
#include "xalloc.h"
#include "banned.h"

struct out {
	int fd;
	int err;                /* a write failed: -errno */
};

static int write_sink(void *arg, const void *buf, size_t len)
{
	struct out *o = arg;
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(o->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return o->err = -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The directory part of rel (below dirfd, made where missing) and its last
 * component. */
static int open_parent(int dirfd, const char *rel, const char **base, struct err *e)
{
	const char *slash = strrchr(rel, '/');
	*base = slash ? slash + 1 : rel;
	char *dir = xstrdup(rel);
	dir[slash ? (size_t)(slash - rel) : 0] = '\0';
	int pfd = beneath_mkdirs(dirfd, dir, 0777);
	if (pfd == -ENOTDIR)
		err_set(e, pfd, "'%s': something that is not a directory (or a symbolic link) is in the way", rel);
	else if (pfd < 0)
		err_set(e, pfd, "'%s': %s", dir, strerror(-pfd));
	free(dir);
	return pfd;
}

static int temp_file(int pfd, const char *base, char *name, size_t len)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned long x = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16);
	for (int tries = 0; tries < 100; tries++, x = x * 6364136223846793005ul + 1442695040888963407ul) {
		snprintf(name, len, ".%.200s.volarc-%06lx", base, (x >> 20) & 0xffffff);
		int fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
	return -EEXIST;
}

int volarc_extract(struct volarc_reader *r, const struct volarc_entry *en, int dirfd, const char *rel,
		   struct err *e)
{
	if (!volarc_relpath_ok(rel))
		return err_set(e, -EINVAL, "'%s': unsafe name (absolute, empty or with '..'): not extracted", rel);
	if (en->is_dir) {
		int fd = beneath_mkdirs(dirfd, rel, 0777);
		if (fd < 0)
			return err_set(e, fd, "'%s': %s", rel,
					fd == -ENOTDIR ? "something that is not a directory is in the way" : strerror(-fd));
		close(fd);
		return 0;
	}
	const char *base;
	int pfd = open_parent(dirfd, rel, &base, e);
	if (pfd < 0)
		return pfd;
	char tmp[256];
	int fd = temp_file(pfd, base, tmp, sizeof(tmp));
	if (fd < 0) {
		close(pfd);
		return err_set(e, fd, "'%s': %s", rel, strerror(-fd));
	}
	char sum[65];
	struct out o = { .fd = fd };
	int rc = volarc_reader_read(r, en, write_sink, &o, sum, e);
	if (o.err)
		err_set(e, rc, "'%s': writing: %s", rel, strerror(-o.err));
	/* the time of the set directory (nanoseconds), else of the tree */
	struct timespec t[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = en->mtime, .tv_nsec = en->mtime_ns } };
	if (rc == 0 && (fchmod(fd, en->mode & 07777) < 0 || futimens(fd, t) < 0))
		rc = err_set(e, -errno, "'%s': setting mode and time: %s", rel, strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = err_set(e, -errno, "'%s': writing: %s", rel, strerror(errno));
	if (rc == 0 && renameat(pfd, tmp, pfd, base) < 0)
		rc = err_set(e, -errno, "'%s': %s", rel, errno == EISDIR ? "a directory is in the way" : strerror(errno));
	if (rc < 0)
		unlinkat(pfd, tmp, 0);
	close(pfd);
	return rc;
}

int volarc_extract_dir_attrs(const struct volarc_entry *en, int dirfd, const char *rel, struct err *e)
{
	int fd = beneath_open(dirfd, rel, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return err_set(e, fd, "'%s': %s", rel, strerror(-fd));
	struct timespec t[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = en->mtime, .tv_nsec = en->mtime_ns } };
	int rc = 0;
	if (fchmod(fd, en->mode & 07777) < 0 || futimens(fd, t) < 0)
		rc = err_set(e, -errno, "'%s': setting mode and time: %s", rel, strerror(errno));
	close(fd);
	return rc;
}
