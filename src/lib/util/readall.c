#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "readall.h"
#include "xalloc.h"

char *read_all_fd(int fd, size_t *lenp)
{
	size_t len = 0, cap = 8192;
	char *buf = xmalloc(cap);
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			errno = e;
			return NULL;
		}
		len += (size_t)n;
		if (cap - len < 2)
			buf = xrealloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}
