/* Reading one volume. The tree comes from libisofs's reader: it gives each
 * view as it is (libiso9660 shows Rock Ridge names even when asked for
 * the plain ISO 9660 tree) and knows files stored in several extents. The
 * data is read with pread() on the image itself, in large chunks. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libburn/libburn.h>    /* struct burn_source, which libisofs.h uses */
#include <libisofs/libisofs.h>

#include "volarc_iso.h"
#include "volarc_vol.h"
#include "xalloc.h"
#include "banned.h"

enum { READ_CHUNK = 128 * 1024 };

/* Set directories beyond this are not volarc's (a 650 MB volume of
 * 2 KB files would hold some 70 MB of it). */
#define SET_MAX (256ull * 1024 * 1024)

struct collect {
	struct volarc_file *files;
	size_t n, cap;
};

static struct volarc_file *add(struct collect *c, const char *path, IsoNode *node)
{
	if (c->n == c->cap)
		c->files = xrealloc(c->files, (c->cap = c->cap ? 2 * c->cap : 256) * sizeof(*c->files));
	struct volarc_file *f = &c->files[c->n++];
	*f = (struct volarc_file){ .path = xstrdup(path), .mode = iso_node_get_mode(node),
				   .mtime = iso_node_get_mtime(node) };
	return f;
}

static int walk(struct collect *c, IsoDir *dir, const char *prefix)
{
	IsoDirIter *it;
	IsoNode *node;
	if (iso_dir_get_children(dir, &it) < 0)
		return -EIO;
	int rc = 0;
	while (rc == 0 && iso_dir_iter_next(it, &node) == 1) {
		const char *name = iso_node_get_name(node);
		size_t n = strlen(prefix) + strlen(name) + 2;
		char *path = xmalloc(n);
		snprintf(path, n, "%s%s%s", prefix, *prefix ? "/" : "", name);
		enum IsoNodeType t = iso_node_get_type(node);
		if (t == LIBISO_DIR) {
			add(c, path, node)->is_dir = 1;
			rc = walk(c, (IsoDir *)node, path);
		} else if (t == LIBISO_FILE) {
			struct iso_file_section *sec = NULL;
			int nsec = 0;
			struct volarc_file *f = add(c, path, node);
			f->size = (uint64_t)iso_file_get_size((IsoFile *)node);
			if (iso_file_get_old_image_sections((IsoFile *)node, &nsec, &sec, 0) == 1 && nsec > 0) {
				f->extents = xcalloc((size_t)nsec, sizeof(*f->extents));
				for (int i = 0; i < nsec; i++)
					f->extents[i] = (struct volarc_extent){ sec[i].block, sec[i].size };
				f->nextents = nsec;
			}
			free(sec);
		}
		/* symbolic links, devices, boot catalogs: not files to archive */
		free(path);
	}
	iso_dir_iter_free(it);
	return rc;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct volarc_file *)a)->path, ((const struct volarc_file *)b)->path);
}

static int cmp_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct volarc_file *)elem)->path);
}

const struct volarc_file *volarc_vol_find(const struct volarc_vol *v, const char *path)
{
	return bsearch(path, v->files, v->nfiles, sizeof(*v->files), cmp_key);
}

static void free_files(struct volarc_vol *v)
{
	for (size_t i = 0; i < v->nfiles; i++) {
		free(v->files[i].path);
		free(v->files[i].extents);
	}
	free(v->files);
	v->files = NULL;
	v->nfiles = 0;
}

static IsoReadOpts *read_opts(enum isofs_view view)
{
	IsoReadOpts *o;
	if (iso_read_opts_new(&o, 0) < 0)
		return NULL;
	iso_read_opts_set_no_iso1999(o, 1);
	iso_read_opts_set_no_md5(o, 1);
	iso_read_opts_set_default_permissions(o, 0444, 0555);
	iso_read_opts_set_ecma119_map(o, 1);    /* "NAME.TXT;1" reads "NAME.TXT" */
	iso_read_opts_set_joliet_map(o, 1);
	iso_read_opts_set_no_rockridge(o, view == ISOFS_VIEW_JOLIET || view == ISOFS_VIEW_ISO9660);
	iso_read_opts_set_no_joliet(o, view == ISOFS_VIEW_ROCKRIDGE || view == ISOFS_VIEW_ISO9660);
	return o;
}

/* The tree of one view (AUTO: Rock Ridge, else Joliet, else ISO 9660),
 * sorted by path. */
static int load_tree(struct volarc_vol *v, enum isofs_view view, struct err *e)
{
	IsoDataSource *src = NULL;
	IsoImage *img = NULL;
	IsoReadImageFeatures *feat = NULL;
	IsoReadOpts *o = read_opts(view);
	int rc = volarc_iso_init(e);
	if (rc < 0)
		goto out;
	if (!o || iso_data_source_new_from_file(v->path, &src) < 0 || iso_image_new("", &img) < 0) {
		rc = err_set(e, -ENOMEM, "'%s': cannot set up libisofs", v->path);
		goto out;
	}
	int irc = iso_image_import(img, src, o, &feat);
	if (irc < 0) {
		rc = err_set(e, -EMEDIUMTYPE, "'%s': no ISO 9660 volume found (%s)", v->path, iso_error_to_msg(irc));
		goto out;
	}
	if ((view == ISOFS_VIEW_ROCKRIDGE && !iso_read_image_features_has_rockridge(feat)) ||
	    (view == ISOFS_VIEW_JOLIET && !iso_read_image_features_has_joliet(feat))) {
		rc = err_set(e, -ENOTSUP, "'%s': the volume has no %s tree", v->path,
			      view == ISOFS_VIEW_JOLIET ? "Joliet" : "Rock Ridge");
		goto out;
	}
	const char *id = iso_image_get_volume_id(img), *set = iso_image_get_volset_id(img);
	snprintf(v->volume_id, sizeof(v->volume_id), "%s", id ? id : "");
	snprintf(v->volset_id, sizeof(v->volset_id), "%s", set ? set : "");
	struct collect c = { 0 };
	rc = walk(&c, iso_image_get_root(img), "");
	free_files(v);
	v->files = c.files;
	v->nfiles = c.n;
	v->view = view;
	if (rc < 0) {
		err_set(e, rc, "'%s': reading the directory tree: %s", v->path, strerror(-rc));
		goto out;
	}
	if (v->nfiles)
		qsort(v->files, v->nfiles, sizeof(*v->files), cmp_file);
out:
	if (feat)
		iso_read_image_features_destroy(feat);
	if (img)
		iso_image_unref(img);
	if (src)
		iso_data_source_unref(src);
	if (o)
		iso_read_opts_free(o);
	return rc;
}

static int collect_text(void *arg, const void *buf, size_t len)
{
	char **p = arg;
	memcpy(*p, buf, len);
	*p += len;
	return 0;
}

/* The set directory, if the volume has one; checked against the
 * volume's descriptors, which name the same serial and index. */
static int load_set(struct volarc_vol *v, struct err *e)
{
	const struct volarc_file *f = volarc_vol_find(v, VOLARC_SET_FILE);
	if (!f || f->is_dir)
		return 0;
	if (f->size > SET_MAX || f->nextents != 1)
		return err_set(e, -EINVAL, "'%s': damaged set directory: implausible size", v->path);
	char *text = xmalloc(f->size + 1), *at = text;
	int rc = volarc_vol_read(v, f, collect_text, &at, e);
	if (rc < 0) {
		free(text);
		return rc;
	}
	text[f->size] = '\0';
	struct err pe;
	rc = volarc_set_parse(text, &v->set, &pe);
	free(text);
	if (rc < 0)
		return err_set(e, rc, "'%s': damaged set directory: %s", v->path, pe.msg);
	char want[VOLARC_SERIAL_MAX + 8];
	snprintf(want, sizeof(want), "%s_%03u", v->set.serial, v->set.index);
	if (strcmp(want, v->volume_id) != 0 || strcmp(v->set.serial, v->volset_id) != 0) {
		rc = err_set(e, -EINVAL, "'%s': the set directory (volume %u of set %s) does not match the "
			      "volume descriptor ('%s' of set '%s')", v->path, v->set.index, v->set.serial,
			      v->volume_id, v->volset_id);
		volarc_set_release(&v->set);
		return rc;
	}
	v->has_set = 1;
	v->set_lsn = f->extents[0].lsn;
	v->set_size = f->size;
	return 0;
}

static int no_op(const struct isofs_entry *ent, void *arg)
{
	return 0;
}

/* libisofs builds the whole tree when it imports a volume, recursing
 * without a bound: a directory record pointing back at its parent or at
 * itself makes it recurse until memory runs out. So the trees it reads
 * (the primary one, under Rock Ridge too, and Joliet's) are walked first
 * by isofs_walk, which bounds depth, entries and loops. */
static int check_trees(const char *path, struct err *e)
{
	static const enum isofs_view views[] = { ISOFS_VIEW_ISO9660, ISOFS_VIEW_JOLIET };
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		struct isofs *fs;
		struct err we;
		if (isofs_open(path, views[i], &fs) < 0)
			continue;       /* no such tree (or none at all: libisofs says so) */
		int rc = isofs_walk(fs, no_op, NULL, &we);
		isofs_close(fs);
		if (rc < 0)
			return err_set(e, rc, "'%s': %s", path, we.msg);
	}
	return 0;
}

int volarc_vol_open(const char *path, enum isofs_view view, struct volarc_vol **out, struct err *e)
{
	struct volarc_vol *v = xcalloc(1, sizeof(*v));
	v->path = xstrdup(path);
	v->fd = -1;
	int rc = isofs_check_volume(path);     /* a FIFO would block open() */
	if (rc == -EISDIR)
		rc = err_set(e, rc, "'%s' is a directory, not a volume image", path);
	else if (rc == -ENODEV)
		rc = err_set(e, rc, "'%s' is a FIFO, socket or character device, not a volume image", path);
	else if (rc < 0)
		rc = err_set(e, rc, "'%s': %s", path, strerror(-rc));
	if (rc == 0 && (v->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		rc = err_set(e, -errno, "'%s': %s", path, strerror(errno));
	if (rc == 0)
		rc = check_trees(path, e);
	if (rc == 0)
		rc = load_tree(v, ISOFS_VIEW_AUTO, e);
	if (rc == 0)
		rc = load_set(v, e);
	if (rc == 0 && view != ISOFS_VIEW_AUTO)
		rc = load_tree(v, view, e);
	if (rc < 0) {
		volarc_vol_close(v);
		return rc;
	}
	*out = v;
	return 0;
}

void volarc_vol_close(struct volarc_vol *v)
{
	if (!v)
		return;
	if (v->fd >= 0)
		close(v->fd);
	free_files(v);
	volarc_set_release(&v->set);
	free(v->path);
	free(v);
}

/* A read that fails names the volume and the file on it ("'vol1.iso':
 * '.volarc/set.json': the volume ends at byte N"): a volume cut short
 * loses some files and not others. */
static int read_extent(const struct volarc_vol *v, const struct volarc_file *f, uint64_t at, uint64_t len,
		       unsigned char *buf, size_t chunk, volarc_sink sink, void *arg, struct err *e)
{
	posix_fadvise(v->fd, (off_t)at, (off_t)len, POSIX_FADV_SEQUENTIAL);
	while (len > 0) {
		size_t want = len < chunk ? (size_t)len : chunk;
		ssize_t n = pread(v->fd, buf, want, (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(e, n < 0 ? -errno : -EIO, "'%s': '%s': %s at byte %" PRIu64, v->path,
					f->path, n < 0 ? strerror(errno) : "the volume ends", at);
		int rc = sink(arg, buf, (size_t)n);
		if (rc < 0)
			return rc;
		at += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

int volarc_vol_read(const struct volarc_vol *v, const struct volarc_file *f, volarc_sink sink, void *arg,
		    struct err *e)
{
	uint64_t left = f->size;
	if (left && !f->nextents)
		return err_set(e, -EIO, "'%s': '%s' has no data extent", v->path, f->path);
	size_t chunk = left < READ_CHUNK ? (size_t)left : READ_CHUNK;
	unsigned char *buf = xmalloc(chunk ? chunk : 1);
	int rc = 0;
	for (int i = 0; i < f->nextents && left > 0 && rc == 0; i++) {
		uint64_t len = f->extents[i].size < left ? f->extents[i].size : left;
		rc = read_extent(v, f, (uint64_t)f->extents[i].lsn * VOLARC_SECTOR, len, buf, chunk, sink, arg, e);
		left -= len;
	}
	free(buf);
	return rc;
}
