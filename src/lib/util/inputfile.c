/* Files the user names: checked for type and size before they are read.
 * See inputfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inputfile.h"
#include "xalloc.h"
#include "banned.h"

static const char *kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a file";
}

/* "1 MiB", "8 MiB", "512 KiB", "100 bytes" */
static void size_text(size_t n, char *buf, size_t len)
{
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(buf, len, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, len, "%zu KiB", n >> 10);
	else
		snprintf(buf, len, "%zu bytes", n);
}

static int too_large(struct err *e, size_t max)
{
	char sz[32];
	size_text(max, sz, sizeof(sz));
	return err_set(e, -EFBIG, "larger than %s", sz);
}

static int read_error(struct err *e, int code)
{
	return err_set(e, code, "%s", strerror(-code));
}

int input_file_open(const char *path, size_t max, struct err *e)
{
	struct stat st;
	int rc = 0, fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0)
		rc = read_error(e, -errno);
	else if (!S_ISREG(st.st_mode))
		rc = err_set(e, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL, "%s, not a regular file", kind(st.st_mode));
	else if ((uint64_t)st.st_size > max)
		rc = too_large(e, max);
	else if (fcntl(fd, F_SETFL, 0) < 0)
		rc = read_error(e, -errno);
	if (rc < 0) {
		if (fd >= 0)
			close(fd);
		return rc;
	}
	return fd;
}

int input_file_check(const char *path, size_t max, struct err *e)
{
	int fd = input_file_open(path, max, e);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* Read at most max bytes; one byte more is "too large" (a file that grew,
 * a /proc file whose size says 0, or a pipe on standard input). */
static int read_bounded(int fd, size_t max, char **buf, size_t *lenp, struct err *e)
{
	size_t len = 0, cap = max < 65536 ? max + 2 : 65536;
	char *b = xmalloc(cap);
	for (;;) {
		if (cap - len < 2)
			b = xrealloc(b, cap = cap * 2 > max + 2 ? max + 2 : cap * 2);
		ssize_t n = read(fd, b + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (len += (size_t)n) > max) {
			int rc = n < 0 ? read_error(e, -errno) : len > max ? too_large(e, max) : 0;
			if (rc < 0) {
				free(b);
				return rc;
			}
			break;
		}
	}
	b[len] = '\0';
	*buf = b;
	*lenp = len;
	return 0;
}

int input_file_read(const char *path, size_t max, char **buf, size_t *len, struct err *e)
{
	int stdin_ = strcmp(path, "-") == 0;
	int fd = stdin_ ? 0 : input_file_open(path, max, e);
	if (fd < 0)
		return fd;
	int rc = read_bounded(fd, max, buf, len, e);
	if (!stdin_)
		close(fd);
	return rc;
}
