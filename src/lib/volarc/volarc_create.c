/* Writing a volume set. Each file is read once: its checksum is computed
 * while libisofs copies it into an image. Every volume's set directory
 * must name the checksums of all files, also those on later volumes, so
 * the volumes are written with a set directory of the same length holding
 * zeros where checksums go, and patched in place once all are known (no
 * checksum covers the set directory, nothing else changes). Then each
 * volume is read back as a reader would see it before the set is renamed
 * to its name. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "volarc_create.h"
#include "volarc_hasher.h"
#include "volarc_iso.h"
#include "volarc_plan.h"
#include "volarc_vol.h"
#include "xalloc.h"
#include "banned.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif

struct creator {
	struct volarc_input *in;
	const struct volarc_create_opts *o;
	struct volarc_hasher *hasher;   /* per entry, fed in file order */
	uint64_t *hashed;
	size_t out_of_order;            /* entry + 1 whose bytes came out of order */
	unsigned index, count;
	char *tmp;                      /* the temporary image file or directory */
	int *fds;                       /* of the images, by index - 1 */
	size_t set_len;
};

/* ---- callbacks of the planner and the image writer ---- */

static int measure(void *ctx, const struct volarc_set *set, unsigned index, size_t set_len, uint64_t *bytes,
		   struct err *e)
{
	struct creator *c = ctx;
	struct volarc_iso_job job = { .set = set, .index = index, .set_len = set_len, .in = c->in };
	return volarc_iso_measure(&job, bytes, e);
}

static int open_file(void *ctx, size_t entry, struct err *e)
{
	struct creator *c = ctx;
	return volarc_input_open(c->in, entry, e);
}

/* Runs in libisofs's writer thread; the counts are not read elsewhere
 * until the image is complete. */
static void data(void *ctx, size_t entry, uint64_t offset, const void *buf, size_t len)
{
	struct creator *c = ctx;
	if (offset != c->hashed[entry]) {
		if (!c->out_of_order)
			c->out_of_order = entry + 1;
		return;
	}
	volarc_hasher_feed(c->hasher, entry, buf, len);
	c->hashed[entry] += len;
}

static void progress(void *ctx, uint64_t done, uint64_t total)
{
	struct creator *c = ctx;
	c->o->progress(c->o->ctx, c->index, c->count, done, total);
}

/* ---- the temporary name, and the end: rename or remove ---- */

static char *image_path(const struct creator *c, unsigned index)
{
	size_t n = strlen(c->tmp) + 8;
	char *p = xmalloc(n);
	if (c->o->multivolume)
		snprintf(p, n, "%s/%03u", c->tmp, index);
	else
		snprintf(p, n, "%s", c->tmp);
	return p;
}

static int make_tmp(struct creator *c, struct err *e)
{
	char *d = xstrdup(c->o->vol), *b = xstrdup(c->o->vol);
	const char *dir = dirname(d), *base = basename(b);
	size_t n = strlen(dir) + strlen(base) + 32;
	c->tmp = xmalloc(n);
	snprintf(c->tmp, n, "%s/.%s.volarc-XXXXXX", dir, base);
	free(d);
	free(b);
	mode_t mask = umask(0);
	umask(mask);
	int rc = 0;
	if (c->o->multivolume) {
		if (!mkdtemp(c->tmp) || chmod(c->tmp, 0777 & ~mask) < 0)
			rc = -errno;
	} else {
		int fd = mkostemp(c->tmp, O_CLOEXEC);
		if (fd < 0 || fchmod(fd, 0666 & ~mask) < 0)
			rc = -errno;
		c->fds[0] = fd;
	}
	if (rc < 0) {
		err_set(e, rc, "cannot write beside it: %s", strerror(-rc));
		free(c->tmp);
		c->tmp = NULL;
	}
	return rc;
}

static void remove_tmp(struct creator *c)
{
	if (!c->tmp)
		return;
	for (unsigned v = 1; v <= c->count; v++) {
		if (c->fds[v - 1] >= 0)
			close(c->fds[v - 1]);
		c->fds[v - 1] = -1;
		if (c->o->multivolume) {
			char *p = image_path(c, v);
			unlink(p);
			free(p);
		}
	}
	if (c->o->multivolume)
		rmdir(c->tmp);
	else
		unlink(c->tmp);
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

/* Rename the finished set to its name, never over something that
 * appeared there meanwhile; then make the rename durable. */
static int publish(struct creator *c, struct err *e)
{
	const char *vol = c->o->vol;
	for (unsigned v = 1; v <= c->count; v++)
		if (fsync(c->fds[v - 1]) < 0)
			return err_set(e, -errno, "writing the volume: %s", strerror(errno));
	if (c->o->multivolume && fsync_path(c->tmp) < 0)
		return err_set(e, -errno, "%s", strerror(errno));
	long rc = syscall(SYS_renameat2, AT_FDCWD, c->tmp, AT_FDCWD, vol, RENAME_NOREPLACE);
	if (rc < 0 && (errno == EINVAL || errno == ENOSYS)) {
		/* a file system without RENAME_NOREPLACE: look, then rename */
		struct stat st;
		if (lstat(vol, &st) == 0)
			errno = EEXIST;
		else
			rc = rename(c->tmp, vol);
	}
	if (rc < 0) {
		if (errno == EEXIST || errno == ENOTEMPTY)
			return err_set(e, -EEXIST, "appeared while the volumes were written: left as it is");
		return err_set(e, -errno, "%s", strerror(errno));
	}
	free(c->tmp);
	c->tmp = NULL;
	char *d = xstrdup(vol);
	fsync_path(dirname(d));
	free(d);
	return 0;
}

/* ---- writing, patching, checking ---- */

static int write_volume(struct creator *c, unsigned index, const char *text, struct err *e)
{
	const struct volarc_create_opts *o = c->o;
	if (o->multivolume) {
		char *p = image_path(c, index);
		c->fds[index - 1] = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		int err = errno;
		free(p);
		if (c->fds[index - 1] < 0)
			return err_set(e, -err, "volume %u: %s", index, strerror(err));
	}
	c->index = index;
	struct volarc_iso_job job = {
		.set = &c->in->set, .index = index, .set_text = text, .set_len = c->set_len, .in = c->in,
		.open = open_file, .data = data, .progress = o->progress ? progress : NULL, .ctx = c,
		.stop = o->stop,
	};
	return volarc_iso_write(&job, c->fds[index - 1], e);
}

/* Every piece of volume index where a reader will look for it. */
static int check_volume(struct creator *c, unsigned index, struct volarc_vol *v, struct err *e)
{
	const struct volarc_set *set = &c->in->set;
	for (size_t i = 0; i < set->nentries; i++) {
		const struct volarc_entry *en = &set->entries[i];
		for (size_t k = 0; k < en->npieces; k++) {
			const struct volarc_piece *p = &en->pieces[k];
			if (p->vol != index)
				continue;
			const struct volarc_file *f = volarc_vol_find(v, p->path);
			if (!f || f->is_dir || f->size != p->length)
				return err_set(e, -EIO, "'%s' is not where the set directory says on volume %u "
						"(internal)", en->name, index);
		}
	}
	return 0;
}

/* Put the final set directory (with the checksums) in place. */
static int patch_volume(struct creator *c, unsigned index, struct err *e)
{
	size_t len;
	char *path = image_path(c, index);
	char *text = volarc_set_format(&c->in->set, index, c->set_len, &len);
	struct volarc_vol *v = NULL;
	int rc = volarc_vol_open(path, ISOFS_VIEW_AUTO, &v, e);
	if (rc == 0 && (!v->has_set || v->set_size != len || len != c->set_len))
		rc = err_set(e, -EIO, "volume %u: the set directory is not as written (internal)", index);
	if (rc == 0)
		rc = check_volume(c, index, v, e);
	if (rc == 0 && pwrite(c->fds[index - 1], text, len, (off_t)v->set_lsn * VOLARC_SECTOR) != (ssize_t)len)
		rc = err_set(e, -errno, "volume %u: %s", index, strerror(errno));
	volarc_vol_close(v);
	v = NULL;
	/* and read it back: what list, copy and catalog will read */
	if (rc == 0)
		rc = volarc_vol_open(path, ISOFS_VIEW_AUTO, &v, e);
	if (rc == 0 && (!v->has_set || v->set.nentries != c->in->set.nentries || v->set.index != index))
		rc = err_set(e, -EIO, "volume %u: the patched set directory does not read back (internal)", index);
	volarc_vol_close(v);
	free(text);
	free(path);
	return rc;
}

static int finish_sums(struct creator *c, struct err *e)
{
	struct volarc_set *set = &c->in->set;
	if (c->out_of_order)
		return err_set(e, -EIO, "'%s': libisofs read its pieces out of order (internal)",
				set->entries[c->out_of_order - 1].name);
	for (size_t i = 0; i < set->nentries; i++) {
		struct volarc_entry *en = &set->entries[i];
		if (en->is_dir)
			continue;
		if (c->hashed[i] != en->size)
			return err_set(e, -EIO, "'%s': %" PRIu64 " of %" PRIu64 " bytes were archived (internal)",
					en->name, c->hashed[i], en->size);
		volarc_hasher_sum(c->hasher, i, en->sha256);
	}
	return 0;
}

int volarc_create(struct volarc_input *in, const struct volarc_create_opts *o, struct volarc_create_result *res,
		  struct err *e)
{
	struct creator c = { .in = in, .o = o };
	struct stat st;
	memset(res, 0, sizeof(*res));
	if (lstat(o->vol, &st) == 0)
		return err_set(e, -EEXIST, "exists already: volarc does not write over it");
	if (errno != ENOENT)
		return err_set(e, -errno, "%s", strerror(errno));
	int rc = volarc_iso_init(e);
	if (rc < 0)
		return rc;
	struct volarc_plan_opts po = {
		.max_bytes = o->max_bytes, .multivolume = o->multivolume, .piece_max = o->piece_max,
		.measure = measure, .ctx = &c,
	};
	struct volarc_plan_result pr;
	rc = volarc_plan(&in->set, &po, &pr, e);
	if (rc < 0) {
		res->needed = pr.needed;
		return rc;
	}
	c.count = in->set.count;
	c.set_len = pr.set_len;
	c.fds = xmalloc(c.count * sizeof(*c.fds));
	for (unsigned v = 0; v < c.count; v++)
		c.fds[v] = -1;
	c.hashed = xcalloc(in->set.nentries, sizeof(*c.hashed));
	c.hasher = volarc_hasher_new(in->set.nentries);
	rc = c.hasher ? make_tmp(&c, e) : err_set(e, -EAGAIN, "cannot start the hashing thread");
	for (unsigned v = 1; v <= c.count && rc == 0; v++) {
		size_t len;
		char *text = volarc_set_format(&in->set, v, c.set_len, &len);
		rc = write_volume(&c, v, text, e);
		free(text);
	}
	if (rc == 0)
		rc = finish_sums(&c, e);
	for (unsigned v = 1; v <= c.count && rc == 0; v++)
		rc = patch_volume(&c, v, e);
	if (rc == 0) {
		for (unsigned v = 1; v <= c.count; v++) {
			off_t end = lseek(c.fds[v - 1], 0, SEEK_END);
			res->bytes += end > 0 ? (uint64_t)end : 0;
		}
		rc = publish(&c, e);
	}
	if (rc < 0)
		remove_tmp(&c);
	for (unsigned v = 0; v < c.count; v++)
		if (c.fds[v] >= 0)
			close(c.fds[v]);
	res->count = c.count;
	free(c.tmp);
	free(c.fds);
	volarc_hasher_free(c.hasher);
	free(c.hashed);
	return rc;
}
