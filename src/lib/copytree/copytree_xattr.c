/* xattr sets: all the xattrs of one inode read into growable buffers (one
 * set per thread, reused), copied tight for a directory that waits to be
 * finalized, and single xattrs set or removed. No reports: errors are
 * returned (-errno).
 *
 * May call: nothing of the engine. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "copytree_int.h"
#include "xalloc.h"
#include "banned.h"

static ssize_t x_list(int fd, const char *name, char *buf, size_t size)
{
	if (!name) {
		ssize_t n = flistxattr(fd, buf, size);
		return n < 0 ? -errno : n;
	}
	return fs_listxattrat(fd, name, buf, size);
}

static ssize_t x_get(int fd, const char *name, const char *attr, void *buf, size_t size)
{
	if (!name) {
		ssize_t n = fgetxattr(fd, attr, buf, size);
		return n < 0 ? -errno : n;
	}
	return fs_getxattrat(fd, name, attr, buf, size);
}

int xa_set_one(int fd, const char *name, const char *attr, const void *val, size_t len)
{
	if (!name)
		return fsetxattr(fd, attr, val, len, 0) < 0 ? -errno : 0;
	return fs_setxattrat(fd, name, attr, val, len);
}

int xa_remove_one(int fd, const char *name, const char *attr)
{
	if (!name)
		return fremovexattr(fd, attr) < 0 ? -errno : 0;
	return fs_removexattrat(fd, name, attr);
}

static void grow(char **p, size_t *cap, size_t need)
{
	if (*cap >= need)
		return;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	*p = xrealloc(*p, c);
	*cap = c;
}

int xa_read(struct xattrs *x, int fd, const char *name)
{
	x->n = 0;
	x->vals_len = 0;
	ssize_t len;
	for (;;) {
		grow(&x->names, &x->names_cap, 1024);
		len = x_list(fd, name, x->names, x->names_cap);
		if (len != -ERANGE)
			break;
		len = x_list(fd, name, NULL, 0);
		if (len < 0)
			break;
		grow(&x->names, &x->names_cap, (size_t)len + 1);
	}
	if (len == -ENOTSUP || len == -EOPNOTSUPP)
		return 0;               /* no xattrs on this filesystem */
	if (len < 0)
		return (int)len;
	size_t count = 0;
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(x->names + i) + 1)
		count++;
	if (x->it_cap < count) {
		x->it_cap = count;
		x->it = xrealloc(x->it, count * sizeof(*x->it));
	}
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(x->names + i) + 1) {
		const char *attr = x->names + i;
		ssize_t v;
		for (;;) {
			grow(&x->vals, &x->vals_cap, x->vals_len + 256);
			v = x_get(fd, name, attr, x->vals + x->vals_len, x->vals_cap - x->vals_len);
			if (v != -ERANGE)
				break;
			v = x_get(fd, name, attr, NULL, 0);
			if (v < 0)
				break;
			grow(&x->vals, &x->vals_cap, x->vals_len + (size_t)v + 1);
		}
		if (v == -ENODATA)
			continue;       /* removed meanwhile */
		if (v < 0)
			return (int)v;
		x->it[x->n++] = (struct xattr_item){ (size_t)i, x->vals_len, (size_t)v };
		x->vals_len += (size_t)v;
	}
	return 0;
}

void xa_copy(struct xattrs *dst, const struct xattrs *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->n)
		return;
	size_t names_len = 0;
	for (size_t i = 0; i < src->n; i++) {
		size_t end = src->it[i].name + strlen(xa_name(src, i)) + 1;
		if (end > names_len)
			names_len = end;
	}
	dst->n = dst->it_cap = src->n;
	dst->it = xmalloc(src->n * sizeof(*dst->it));
	memcpy(dst->it, src->it, src->n * sizeof(*dst->it));
	dst->names = xmalloc(names_len);
	memcpy(dst->names, src->names, names_len);
	dst->names_cap = names_len;
	dst->vals = xmalloc(src->vals_len ? src->vals_len : 1);
	memcpy(dst->vals, src->vals, src->vals_len);
	dst->vals_cap = dst->vals_len = src->vals_len;
}

void xa_free(struct xattrs *x)
{
	free(x->it);
	free(x->names);
	free(x->vals);
	memset(x, 0, sizeof(*x));
}

bool xa_has(const struct xattrs *x, const char *attr)
{
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(xa_name(x, i), attr) == 0)
			return true;
	return false;
}
