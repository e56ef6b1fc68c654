/* A regular file's data: copy_file_range (in the kernel; a clone where the
 * filesystem can), else sendfile, else read and write; holes stay holes; a
 * big file is handed to writeback as it goes and counted once on the disk.
 * No reports: the caller is told which side failed.
 *
 * May call: nothing of the engine (it counts bytes in ct->st). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "copytree_int.h"
#include "writeback.h"
#include "banned.h"

#define CFR_CHUNK (16u << 20)   /* progress moves at least every 16 MiB */
#define WINDOW (8u << 20)       /* a big file goes to writeback 8 MiB at a time */

/* A big file's data goes to writeback window by window as it is copied
 * (lib/util/writeback.h), and counts in ct->st->bytes once it is on the
 * disk; a small file's counts when written (the final syncfs flushes it,
 * and the progress line says so). */
struct wbehind {
	struct writeback wb;
	int64_t from;           /* written, not yet handed to writeback */
	int64_t end;            /* written up to here (a file that shrank
				   meanwhile ends before its size) */
};

static void count(struct ct *ct, int64_t n)
{
	if (n > 0)
		atomic_fetch_add_explicit(&ct->st->bytes, (uint64_t)n, memory_order_relaxed);
}

/* Written up to upto: hand a full window (or, with force, whatever there
 * is) to writeback. A failed writeback is a write error of this file. */
static int write_behind(struct ct *ct, struct wbehind *wb, int64_t upto, bool force)
{
	if (!wb || upto <= wb->from || (upto - wb->from < (int64_t)WINDOW && !force))
		return 0;
	int64_t done = writeback_add(&wb->wb, (uint64_t)wb->from, (uint64_t)(upto - wb->from));
	if (done < 0)
		return (int)done;
	count(ct, done);
	wb->from = upto;
	return 0;
}

/* Bytes just written at [.., upto): counted now for a small file, by
 * write_behind for a big one. */
static int written(struct ct *ct, struct wbehind *wb, int64_t n, int64_t upto)
{
	if (!wb) {
		count(ct, n);
		return 0;
	}
	if (upto > wb->end)
		wb->end = upto;
	return write_behind(ct, wb, upto, false);
}

static bool fault(const char *hook, const char *name)
{
	return hook && strcmp(hook, name) == 0;
}

/* Data of [off, off+len) with pread/pwrite; *side says which file failed. */
static int copy_rw(struct ct *ct, struct wctx *w, int sfd, int dfd, int64_t off,
		   uint64_t len, int *side, struct wbehind *wb)
{
	while (len > 0) {
		size_t want = len < w->bufsize ? (size_t)len : w->bufsize;
		ssize_t n = pread(sfd, w->buf, want, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*side = SRC;
			return -errno;
		}
		if (n == 0)
			return 0;       /* the file shrank meanwhile: copy what is there */
		for (ssize_t done = 0; done < n;) {
			ssize_t m = pwrite(dfd, w->buf + done, (size_t)(n - done), off + done);
			if (m < 0) {
				if (errno == EINTR)
					continue;
				*side = DST;
				return -errno;
			}
			done += m;
		}
		off += n;
		len -= (uint64_t)n;
		int rc = written(ct, wb, n, off);
		if (rc < 0) {
			*side = DST;
			return rc;
		}
	}
	return 0;
}

/* Data of [off, off+len): copy_file_range (in the kernel, no copy through
 * user space; a clone where the filesystem can) when SRC and DST share a
 * filesystem; else sendfile (in the kernel too, across filesystems); else
 * read and write. An error of either kernel copy, or an early end, is
 * retried with read and write, which tell a read error from a write error. */
static int copy_range(struct ct *ct, struct wctx *w, int sfd, int dfd, int64_t off,
		      uint64_t len, int *side, struct wbehind *wb)
{
	int64_t in = off, out = off;
	while (len > 0 && !atomic_load_explicit(&ct->cfr_off, memory_order_relaxed)) {
		size_t want = len < CFR_CHUNK ? (size_t)len : CFR_CHUNK;
		ssize_t n = fs_copy_file_range(sfd, &in, dfd, &out, want);
		if (n > 0) {
			len -= (uint64_t)n;
			int rc = written(ct, wb, n, out);
			if (rc < 0) {
				*side = DST;
				return rc;
			}
			continue;
		}
		if (n == -EINTR)
			continue;
		if (n == -EXDEV || n == -ENOSYS || n == -EOPNOTSUPP)
			atomic_store(&ct->cfr_off, 1);
		else
			return len ? copy_rw(ct, w, sfd, dfd, in, len, side, wb) : 0;
		break;
	}
	if (len && !atomic_load_explicit(&ct->sendfile_off, memory_order_relaxed) &&
	    lseek(dfd, out, SEEK_SET) == out) {
		off_t pos = (off_t)in;
		while (len > 0) {
			size_t want = len < CFR_CHUNK ? (size_t)len : CFR_CHUNK;
			ssize_t n = sendfile(dfd, sfd, &pos, want);
			if (n > 0) {
				len -= (uint64_t)n;
				out += n;
				int rc = written(ct, wb, n, out);
				if (rc < 0) {
					*side = DST;
					return rc;
				}
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP))
				atomic_store(&ct->sendfile_off, 1);
			break;
		}
		in = pos;
	}
	return len ? copy_rw(ct, w, sfd, dfd, in, len, side, wb) : 0;
}

/* A file with fewer blocks than bytes: copy the data, leave the holes. */
static int copy_sparse(struct ct *ct, struct wctx *w, int sfd, int dfd, uint64_t size, int *side,
		       struct wbehind *wb)
{
	int64_t off = 0;
	while ((uint64_t)off < size) {
		int64_t data = lseek(sfd, off, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO)
				break;          /* only a hole up to the end */
			if (errno == EINVAL || errno == EOPNOTSUPP) {
				data = off;     /* no SEEK_DATA here: all data */
			} else {
				*side = SRC;
				return -errno;
			}
		}
		if ((uint64_t)data >= size)
			break;
		int64_t hole = lseek(sfd, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > size)
			hole = (int64_t)size;
		if (wb)
			wb->from = wb->end = data;
		int rc = copy_range(ct, w, sfd, dfd, data, (uint64_t)(hole - data), side, wb);
		if (rc < 0)
			return rc;
		if (wb && (rc = write_behind(ct, wb, wb->end, true)) < 0) {
			*side = DST;
			return rc;
		}
		off = hole;
	}
	if (ftruncate(dfd, (off_t)size) < 0) {
		*side = DST;
		return -errno;
	}
	return 0;
}

int ct_copy_data(struct ct *ct, struct wctx *w, int sfd, int dfd, const struct fs_stat *st,
		 const char *name, int *side)
{
	if (fault(ct->fault_read, name)) {
		*side = SRC;
		return -EIO;
	}
	if (fault(ct->fault_write, name)) {
		*side = DST;
		return -EIO;
	}
	uint64_t size = st->size;
	if (size == 0)
		return 0;
	struct wbehind wbs = { .from = 0 }, *wb = NULL;
	if (size >= WINDOW) {
		writeback_init(&wbs.wb, dfd, false);
		wb = &wbs;
	}
	int rc;
	if (st->blocks * 512 >= size) {
		rc = copy_range(ct, w, sfd, dfd, 0, size, side, wb);
		if (rc == 0 && wb && (rc = write_behind(ct, wb, wb->end, true)) < 0)
			*side = DST;
	} else {
		rc = copy_sparse(ct, w, sfd, dfd, size, side, wb);
	}
	if (rc == 0 && wb) {
		int64_t done = writeback_finish(&wb->wb);
		if (done < 0) {
			*side = DST;
			return (int)done;
		}
		count(ct, done);
	}
	return rc;
}
