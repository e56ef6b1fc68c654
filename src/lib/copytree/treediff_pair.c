/* treediff's reports (a difference, trouble reading a tree), and the
 * comparison of what two open files hold: xattrs, inode flags, data.
 *
 * May call: nothing else of treediff (treediff.c walks and calls it). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "treediff_int.h"
#include "xalloc.h"
#include "banned.h"

#define TD_GETFLAGS _IOR('f', 1, long)

/* Inode flags compared, with the letters lsattr uses. */
static const struct {
	unsigned bit;
	char letter;
} flag_letters[] = {
	{ 0x00000001, 's' }, { 0x00000002, 'u' }, { 0x00000004, 'c' }, { 0x00000008, 'S' },
	{ 0x00000010, 'i' }, { 0x00000020, 'a' }, { 0x00000040, 'd' }, { 0x00000080, 'A' },
	{ 0x00000400, 'm' }, { 0x00004000, 'j' }, { 0x00008000, 't' }, { 0x00010000, 'D' },
	{ 0x00020000, 'T' }, { 0x00800000, 'C' }, { 0x20000000, 'P' }, { 0x40000000, 'F' },
};

void td_differ(struct td *td, const char *path, const char *fmt, ...)
{
	char what[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	td->st->differences++;
	if (td->o->diff)
		td->o->diff(td->o->arg, path, what);
}

void td_trouble(struct td *td, int side, const char *path, const char *op, int err)
{
	td->st->errors++;
	if (td->o->error)
		td->o->error(td->o->arg, side, path, op, err);
}

/* ---- xattrs and flags ---- */

struct xlist {
	char *names;
	ssize_t len;
};

/* fd is an open file, or (opath) an O_PATH descriptor read through /proc. */
static ssize_t td_list(int fd, bool opath, char *buf, size_t size)
{
	if (!opath)
		return flistxattr(fd, buf, size);
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return listxattr(p, buf, size);
}

static ssize_t td_get(int fd, bool opath, const char *attr, void *buf, size_t size)
{
	if (!opath)
		return fgetxattr(fd, attr, buf, size);
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return getxattr(p, attr, buf, size);
}

static int read_list(int fd, bool opath, struct xlist *x)
{
	x->names = NULL;
	x->len = 0;
	for (;;) {
		ssize_t n = td_list(fd, opath, NULL, 0);
		if (n < 0)
			return errno == ENOTSUP || errno == EOPNOTSUPP ? 0 : -errno;
		x->names = xrealloc(x->names, (size_t)n + 1);
		x->len = td_list(fd, opath, x->names, (size_t)n + 1);
		if (x->len >= 0)
			return 0;
		if (errno != ERANGE)
			return -errno;
	}
}

static int read_value(int fd, bool opath, const char *attr, char **val, ssize_t *len)
{
	*val = NULL;
	for (;;) {
		ssize_t n = td_get(fd, opath, attr, NULL, 0);
		if (n < 0)
			return -errno;
		*val = xrealloc(*val, (size_t)n + 1);
		*len = td_get(fd, opath, attr, *val, (size_t)n + 1);
		if (*len >= 0)
			return 0;
		if (errno != ERANGE)
			return -errno;
	}
}

static bool in_list(const struct xlist *x, const char *attr)
{
	for (ssize_t i = 0; i < x->len; i += (ssize_t)strlen(x->names + i) + 1)
		if (strcmp(x->names + i, attr) == 0)
			return true;
	return false;
}

void td_compare_xattrs(struct td *td, const char *path, const int fd[2], bool opath)
{
	struct xlist x[2];
	for (int s = 0; s < 2; s++) {
		int rc = read_list(fd[s], opath, &x[s]);
		if (rc < 0) {
			td_trouble(td, s, path, "list xattrs of", -rc);
			free(x[0].names);
			if (s)
				free(x[1].names);
			return;
		}
	}
	for (ssize_t i = 0; i < x[0].len; i += (ssize_t)strlen(x[0].names + i) + 1) {
		const char *attr = x[0].names + i;
		if (!in_list(&x[1], attr)) {
			td_differ(td, path, "xattr '%s' only in %s", attr, td->name[0]);
			continue;
		}
		char *v[2] = { NULL, NULL };
		ssize_t l[2] = { 0, 0 };
		int rc = 0;
		for (int s = 0; s < 2 && rc == 0; s++) {
			rc = read_value(fd[s], opath, attr, &v[s], &l[s]);
			if (rc < 0)
				td_trouble(td, s, path, "read xattrs of", -rc);
		}
		if (rc == 0 && (l[0] != l[1] || memcmp(v[0], v[1], (size_t)l[0]) != 0))
			td_differ(td, path, "xattr '%s' differs", attr);
		free(v[0]);
		free(v[1]);
	}
	for (ssize_t i = 0; i < x[1].len; i += (ssize_t)strlen(x[1].names + i) + 1)
		if (!in_list(&x[0], x[1].names + i))
			td_differ(td, path, "xattr '%s' only in %s", x[1].names + i, td->name[1]);
	free(x[0].names);
	free(x[1].names);
}

static void letters(unsigned f, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < sizeof(flag_letters) / sizeof(flag_letters[0]); i++)
		if (f & flag_letters[i].bit)
			out[o++] = flag_letters[i].letter;
	if (!o)
		out[o++] = '-';
	out[o] = '\0';
}

void td_compare_flags(struct td *td, const char *path, const int fd[2])
{
	unsigned mask = 0, f[2];
	for (size_t i = 0; i < sizeof(flag_letters) / sizeof(flag_letters[0]); i++)
		mask |= flag_letters[i].bit;
	for (int s = 0; s < 2; s++) {
		int v = 0;
		if (ioctl(fd[s], TD_GETFLAGS, &v) < 0) {
			if (errno != ENOTTY && errno != EOPNOTSUPP && errno != ENOTSUP &&
			    errno != EINVAL)
				td_trouble(td, s, path, "read inode flags of", errno);
			v = 0;
		}
		f[s] = (unsigned)v & mask;
	}
	if (f[0] != f[1]) {
		char a[24], b[24];
		letters(f[0], a);
		letters(f[1], b);
		td_differ(td, path, "inode flags %s != %s", a, b);
	}
}

/* ---- contents ---- */

struct seg {
	off_t start, end;
};

static size_t data_map(int fd, off_t size, struct seg **out)
{
	size_t n = 0, cap = 0;
	*out = NULL;
	off_t off = 0;
	while (off < size) {
		off_t d = lseek(fd, off, SEEK_DATA);
		if (d < 0 && errno == ENXIO)
			break;
		if (d < 0)
			d = off;
		if (d >= size)
			break;
		off_t h = lseek(fd, d, SEEK_HOLE);
		if (h < 0 || h > size)
			h = size;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[n++] = (struct seg){ d, h };
		off = h;
	}
	return n;
}

static bool read_full(int fd, char *buf, size_t len, off_t off, int *err)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*err = n < 0 ? errno : 0;
			if (n == 0)
				memset(buf + got, 0, len - got);        /* shrank: compare as zeros */
			return n == 0;
		}
		got += (size_t)n;
	}
	return true;
}

void td_compare_data(struct td *td, const char *path, const int fd[2], off_t size)
{
	struct seg *m[2], whole = { 0, size };
	size_t n[2];
	for (int s = 0; s < 2; s++)
		n[s] = data_map(fd[s], size, &m[s]);
	const struct seg *segs = m[0];
	size_t nsegs = n[0];
	if (n[0] != n[1] || (n[0] && memcmp(m[0], m[1], n[0] * sizeof(struct seg)) != 0)) {
		td_differ(td, path, "holes differ");
		segs = &whole;
		nsegs = size ? 1 : 0;
	}
	for (size_t i = 0; i < nsegs; i++) {
		for (off_t off = segs[i].start; off < segs[i].end;) {
			size_t len = (size_t)(segs[i].end - off) < CHUNK ? (size_t)(segs[i].end - off)
									  : CHUNK;
			int err = 0;
			for (int s = 0; s < 2; s++)
				if (!read_full(fd[s], td->buf[s], len, off, &err)) {
					td_trouble(td, s, path, "read", err);
					goto out;
				}
			if (memcmp(td->buf[0], td->buf[1], len) != 0) {
				size_t k = 0;
				while (td->buf[0][k] == td->buf[1][k])
					k++;
				td_differ(td, path, "content differs at byte %" PRIu64,
				       (uint64_t)off + k);
				goto out;
			}
			td->st->bytes += len;
			off += (off_t)len;
		}
	}
out:
	free(m[0]);
	free(m[1]);
}

