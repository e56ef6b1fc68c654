/* Write-behind with a lag (see writeback.h). */
#include <errno.h>
#include <fcntl.h>

#include "writeback.h"

void writeback_init(struct writeback *wb, int fd, bool drop)
{
	*wb = (struct writeback){ .fd = fd, .drop = drop };
}

static int64_t wait_range(struct writeback *wb, unsigned i)
{
	if (sync_file_range(wb->fd, (off_t)wb->off[i], (off_t)wb->len[i],
			    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
			    SYNC_FILE_RANGE_WAIT_AFTER) < 0)
		return -errno;
	if (wb->drop)
		posix_fadvise(wb->fd, (off_t)wb->off[i], (off_t)wb->len[i], POSIX_FADV_DONTNEED);
	return (int64_t)wb->len[i];
}

int64_t writeback_add(struct writeback *wb, uint64_t off, uint64_t len)
{
	if (len == 0)
		return 0;
	if (wb->unsupported)
		return (int64_t)len;
	if (sync_file_range(wb->fd, (off_t)off, (off_t)len, SYNC_FILE_RANGE_WRITE) < 0) {
		/* a pipe, or a filesystem that cannot (some FUSE): nothing to
		 * steer, so the data counts as written */
		if (errno != ESPIPE && errno != EINVAL && errno != EOPNOTSUPP && errno != ENOSYS)
			return -errno;
		wb->unsupported = true;
		int64_t was = writeback_finish(wb);
		return was < 0 ? was : was + (int64_t)len;
	}
	unsigned i = wb->n % WRITEBACK_LAG;
	int64_t done = 0;
	if (wb->n >= WRITEBACK_LAG && (done = wait_range(wb, i)) < 0)
		return done;
	wb->off[i] = off;
	wb->len[i] = len;
	wb->n++;
	return done;
}

int64_t writeback_finish(struct writeback *wb)
{
	int64_t done = 0;
	unsigned first = wb->n > WRITEBACK_LAG ? wb->n - WRITEBACK_LAG : 0;
	for (unsigned k = first; k < wb->n; k++) {
		unsigned i = k % WRITEBACK_LAG;
		int64_t r = wb->unsupported ? (int64_t)wb->len[i] : wait_range(wb, i);
		if (r < 0)
			return r;
		done += r;
	}
	wb->n = 0;
	return done;
}
