/* Volume images through libisofs. The file data comes from a stream class
 * of our own: it reads a piece (a byte range) of an input file through an
 * fd the caller opens safely, hands each byte once to the caller (who
 * hashes it while the image is written: the files are read only once) and
 * notices files that shrink, grow or vanish meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libburn/libburn.h>    /* struct burn_source, as libisofs hands it out */
#include <libisofs/libisofs.h>

#include "testhook.h"
#include "volarc_iso.h"
#include "writeback.h"
#include "xalloc.h"
#include "banned.h"

enum {
	/* chunks that stay in the CPU's cache: 1 MiB writes to the page cache
	 * took twice the system time of 64 KiB ones here */
	READ_CHUNK = 128 * 1024,        /* bytes read from an input file at once */
	WRITE_CHUNK = 64 * 1024,        /* bytes taken from libisofs at once */
	WB_WINDOW = 8 << 20,            /* handed to writeback at once */
	FIFO_BLOCKS = 4096,             /* libisofs's ring buffer: 8 MiB */
	STREAM_FS_ID = 0x766f6c61,      /* "vola": our streams' file system id */
};

struct writer {
	const struct volarc_iso_job *job;
	int measuring;
	IsoImage *img;
	uint64_t seq;                   /* data order on the volume */
	char *dir_path;                 /* the last directory looked up */
	IsoDir *dir;
	pthread_mutex_t lock;
	int failed;
	struct err err;
};

struct vstream {
	struct writer *w;
	uint64_t seq;
	size_t entry;                   /* (size_t)-1: the set directory text */
	uint64_t offset, length;        /* the piece of the file */
	int last;                       /* the piece that ends the file */
	int fd;
	unsigned char *buf;
	size_t have, off;               /* bytes in buf, bytes of it handed out */
	uint64_t pos;                   /* bytes of the piece read from the file */
	uint64_t fed;                   /* bytes of the piece given to job->data */
};

static void fail(struct writer *w, const struct err *e)
{
	pthread_mutex_lock(&w->lock);
	if (!w->failed) {
		w->failed = 1;
		w->err = *e;
	}
	pthread_mutex_unlock(&w->lock);
}

static int failed(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	int f = w->failed;
	pthread_mutex_unlock(&w->lock);
	return f;
}

static const char *entry_name(const struct vstream *s)
{
	return s->w->job->set->entries[s->entry].name;
}

/* ---- the stream class ---- */

static int vs_open(IsoStream *stream)
{
	struct vstream *s = stream->data;
	struct err e;
	s->have = s->off = 0;
	s->pos = 0;
	if (s->entry == (size_t)-1)
		return 1;
	s->fd = s->w->job->open(s->w->job->ctx, s->entry, &e);
	if (s->fd < 0) {
		fail(s->w, &e);
		return ISO_FILE_CANT_WRITE;
	}
	struct stat st;
	if (fstat(s->fd, &st) < 0 || (uint64_t)st.st_size < s->offset + s->length) {
		err_set(&e, -ESTALE, "'%s' shrank while it was archived", entry_name(s));
		fail(s->w, &e);
		close(s->fd);
		s->fd = -1;
		return ISO_FILE_CANT_WRITE;
	}
	posix_fadvise(s->fd, (off_t)s->offset, (off_t)s->length, POSIX_FADV_SEQUENTIAL);
	s->buf = xmalloc(READ_CHUNK);
	return 1;
}

static int vs_close(IsoStream *stream)
{
	struct vstream *s = stream->data;
	if (s->entry != (size_t)-1 && s->fd >= 0) {
		struct stat st;
		const struct volarc_entry *en = &s->w->job->set->entries[s->entry];
		char more;
		if (s->last && s->pos == s->length && (fstat(s->fd, &st) < 0 || (uint64_t)st.st_size != en->size)) {
			struct err e;
			err_set(&e, -ESTALE, "'%s' changed size while it was archived", en->name);
			fail(s->w, &e);
		} else if (s->last && s->pos == s->length && pread(s->fd, &more, 1, (off_t)en->size) > 0) {
			/* its size does not say what it holds (a file made when read) */
			struct err e;
			err_set(&e, -ESTALE, "'%s' reads more than its size (%" PRIu64 " bytes) says: "
				"not archived", en->name, en->size);
			fail(s->w, &e);
		}
		close(s->fd);
	}
	s->fd = -1;
	free(s->buf);
	s->buf = NULL;
	return 1;
}

static off_t vs_get_size(IsoStream *stream)
{
	struct vstream *s = stream->data;
	return (off_t)s->length;
}

/* Refill buf from the file; the bytes not yet seen go to job->data. */
static int refill(struct vstream *s)
{
	const struct volarc_iso_job *job = s->w->job;
	size_t want = s->length - s->pos < READ_CHUNK ? (size_t)(s->length - s->pos) : READ_CHUNK;
	size_t got = 0;
	while (got < want) {
		ssize_t n = pread(s->fd, s->buf + got, want - got, (off_t)(s->offset + s->pos + got));
		struct err e;
		if (n < 0) {
			err_set(&e, -errno, "'%s': reading: %s", entry_name(s), strerror(errno));
			fail(s->w, &e);
			return ISO_FILE_READ_ERROR;
		}
		if (n == 0) {
			err_set(&e, -ESTALE, "'%s' shrank while it was archived", entry_name(s));
			fail(s->w, &e);
			return ISO_FILE_READ_ERROR;
		}
		got += (size_t)n;
	}
	/* libisofs reads each stream once; should it read one again, the
	 * checksum must not count the bytes twice */
	if (s->pos + got > s->fed) {
		size_t skip = s->fed > s->pos ? (size_t)(s->fed - s->pos) : 0;
		job->data(job->ctx, s->entry, s->offset + s->pos + skip, s->buf + skip, got - skip);
		s->fed = s->pos + got;
	}
	s->pos += got;
	s->have = got;
	s->off = 0;
	return 0;
}

static int vs_read(IsoStream *stream, void *buf, size_t count)
{
	struct vstream *s = stream->data;
	if (failed(s->w))
		return ISO_CANCELED;
	if (s->entry == (size_t)-1) {
		size_t left = s->length - s->pos;
		size_t n = count < left ? count : left;
		memcpy(buf, s->w->job->set_text + s->pos, n);
		s->pos += n;
		return (int)n;
	}
	size_t done = 0;
	while (done < count) {
		if (s->off == s->have) {
			if (s->pos == s->length)
				break;
			int rc = refill(s);
			if (rc < 0)
				return rc;
		}
		size_t n = s->have - s->off < count - done ? s->have - s->off : count - done;
		memcpy((char *)buf + done, s->buf + s->off, n);
		s->off += n;
		done += n;
	}
	return (int)done;
}

static int vs_is_repeatable(IsoStream *stream)
{
	return 1;
}

static void vs_get_id(IsoStream *stream, unsigned int *fs_id, dev_t *dev_id, ino_t *ino_id)
{
	struct vstream *s = stream->data;
	*fs_id = STREAM_FS_ID;
	*dev_id = 0;
	*ino_id = (ino_t)s->seq;
}

static void vs_free(IsoStream *stream)
{
	free(stream->data);
}

static int vs_update_size(IsoStream *stream)
{
	return 1;
}

static IsoStream *vs_get_input_stream(IsoStream *stream, int flag)
{
	return NULL;
}

/* libisofs writes file data in the order of this comparison: the order in
 * which the streams were made, i.e. the pieces of each file in file order. */
static int vs_cmp_ino(IsoStream *a, IsoStream *b)
{
	uint64_t x = ((struct vstream *)a->data)->seq, y = ((struct vstream *)b->data)->seq;
	return x < y ? -1 : x > y;
}

static int vs_clone(IsoStream *old, IsoStream **new_stream, int flag)
{
	return (int)ISO_STREAM_NO_CLONE;
}

static IsoStreamIface vs_class = {
	4, "user", vs_open, vs_close, vs_get_size, vs_read, vs_is_repeatable, vs_get_id, vs_free,
	vs_update_size, vs_get_input_stream, vs_cmp_ino, vs_clone,
};

static IsoStream *new_stream(struct writer *w, size_t entry, uint64_t offset, uint64_t length, int last)
{
	struct vstream *s = xcalloc(1, sizeof(*s));
	*s = (struct vstream){ .w = w, .seq = w->seq++, .entry = entry, .offset = offset, .length = length,
			       .last = last, .fd = -1 };
	IsoStream *st = xcalloc(1, sizeof(*st));
	st->class = &vs_class;
	st->refcount = 1;
	st->data = s;
	return st;
}

/* ---- the tree ---- */

static int iso_fail(struct writer *w, int rc, const char *what, const char *name, struct err *e)
{
	return err_set(e, -EIO, "libisofs: %s '%s': %s", what, name, iso_error_to_msg(rc));
}

static void set_attrs(struct writer *w, IsoNode *node, const struct volarc_entry *en, size_t i, unsigned mode)
{
	const struct volarc_input *in = w->job->in;
	int64_t created = w->job->set->created;
	iso_node_set_permissions(node, en ? en->mode : mode);
	iso_node_set_mtime(node, en ? en->mtime : created);
	iso_node_set_ctime(node, en ? en->mtime : created);
	iso_node_set_atime(node, en && in ? in->src[i].atime : en ? en->mtime : created);
	iso_node_set_uid(node, en && in ? in->src[i].uid : 0);
	iso_node_set_gid(node, en && in ? in->src[i].gid : 0);
}

/* The directory path ("" for the root) in the image, made where missing
 * with the attributes the set gives it. */
static int get_dir(struct writer *w, const char *path, IsoDir **out, struct err *e)
{
	if (w->dir && strcmp(path, w->dir_path) == 0) {
		*out = w->dir;
		return 0;
	}
	const struct volarc_set *set = w->job->set;
	IsoDir *dir = iso_image_get_root(w->img);
	size_t len = strlen(path);
	char *prefix = xmalloc(len + 2);
	for (size_t at = 0; at < len;) {
		size_t n = strcspn(path + at, "/");
		memcpy(prefix, path, at + n);
		prefix[at + n] = '\0';
		const char *name = prefix + at;
		IsoNode *node;
		if (iso_dir_get_node(dir, name, &node) == 1) {
			dir = (IsoDir *)node;
		} else {
			IsoDir *sub;
			int rc = iso_tree_add_new_dir(dir, name, &sub);
			dir = sub;
			if (rc < 0) {
				rc = iso_fail(w, rc, "adding directory", prefix, e);
				free(prefix);
				return rc;
			}
			const struct volarc_entry *en = volarc_set_find(set, prefix);
			set_attrs(w, (IsoNode *)dir, en, en ? (size_t)(en - set->entries) : 0, 0755);
		}
		at += n + (path[at + n] == '/');
	}
	free(prefix);
	free(w->dir_path);
	w->dir_path = xstrdup(path);
	w->dir = dir;
	*out = dir;
	return 0;
}

static int add_file(struct writer *w, const char *path, IsoStream *stream, const struct volarc_entry *en,
		    size_t i, struct err *e)
{
	const char *slash = strrchr(path, '/');
	char *dir_path = xstrdup(path);
	dir_path[slash ? (size_t)(slash - path) : 0] = '\0';
	IsoDir *dir;
	IsoFile *file;
	int rc = get_dir(w, dir_path, &dir, e);
	free(dir_path);
	if (rc < 0) {
		iso_stream_unref(stream);
		return rc;
	}
	rc = iso_image_add_new_file(w->img, dir, slash ? slash + 1 : path, stream, &file);
	if (rc < 0) {
		iso_stream_unref(stream);
		return iso_fail(w, rc, "adding file", path, e);
	}
	set_attrs(w, (IsoNode *)file, en, i, 0444);
	return 0;
}

static int build_tree(struct writer *w, struct err *e)
{
	const struct volarc_iso_job *job = w->job;
	const struct volarc_set *set = job->set;
	IsoDir *dir;
	int rc = get_dir(w, VOLARC_DIR, &dir, e);
	if (rc < 0)
		return rc;
	rc = add_file(w, VOLARC_SET_FILE, new_stream(w, (size_t)-1, 0, job->set_len, 0), NULL, 0, e);
	for (size_t i = 0; i < set->nentries && rc == 0; i++) {
		const struct volarc_entry *en = &set->entries[i];
		if (en->is_dir) {
			/* all directories on the first volume, even empty ones */
			if (job->index == 1)
				rc = get_dir(w, en->name, &dir, e);
			continue;
		}
		for (size_t k = 0; k < en->npieces && rc == 0; k++) {
			const struct volarc_piece *p = &en->pieces[k];
			if (p->vol != job->index)
				continue;
			int whole = strcmp(p->path, en->name) == 0;
			rc = add_file(w, p->path, new_stream(w, i, p->offset, p->length, k + 1 == en->npieces),
				      whole ? en : NULL, i, e);
		}
	}
	return rc;
}

/* ---- the image ---- */

int volarc_iso_init(struct err *e)
{
	static int done;
	if (done)
		return 0;
	/* bit0: libisofs must not call setlocale(); the names are UTF-8 */
	int rc = iso_init_with_flag(1);
	if (rc < 0)
		return err_set(e, -EIO, "libisofs: %s", iso_error_to_msg(rc));
	iso_set_local_charset("UTF-8", 0);
	/* library code never prints: failures come back as return codes */
	iso_set_msgs_severities("NEVER", testhook(HOOK_DEBUG_ISO) ? "ALL" : "NEVER", "volarc");
	done = 1;
	return 0;
}

const char *volarc_iso_version(void)
{
	static char v[32];
	int a, b, c;
	iso_lib_version(&a, &b, &c);
	snprintf(v, sizeof(v), "libisofs %d.%d.%d", a, b, c);
	return v;
}

static int make_opts(const struct writer *w, IsoWriteOpts **out, struct err *e)
{
	const struct volarc_set *set = w->job->set;
	IsoWriteOpts *o;
	int rc = iso_write_opts_new(&o, 0);
	if (rc < 0)
		return err_set(e, -EIO, "libisofs: %s", iso_error_to_msg(rc));
	iso_write_opts_set_iso_level(o, 2);
	iso_write_opts_set_rockridge(o, !!(set->fs & VOLARC_FS_ROCKRIDGE));
	iso_write_opts_set_joliet(o, !!(set->fs & VOLARC_FS_JOLIET));
	iso_write_opts_set_joliet_long_names(o, 1);
	iso_write_opts_set_joliet_longer_paths(o, 1);
	iso_write_opts_set_joliet_utf16(o, 1);
	/* the tree as it is: no relocation of deep directories (libiso9660
	 * would show the relocated ones at the wrong place) */
	iso_write_opts_set_allow_deep_paths(o, 1);
	iso_write_opts_set_allow_longer_paths(o, 1);
	/* file times in the directory records too: the Joliet-only view has
	 * no other place for them */
	iso_write_opts_set_dir_rec_mtime(o, 1 | 2);
	iso_write_opts_set_always_gmt(o, 1);
	iso_write_opts_set_pvd_times(o, (time_t)set->created, (time_t)set->created, 0, 0, "");
	iso_write_opts_set_fifo_size(o, FIFO_BLOCKS);
	iso_write_opts_set_will_cancel(o, w->measuring);
	*out = o;
	return 0;
}

/* Build the image of job and hand out its burn_source. */
static int start(struct writer *w, struct burn_source **bs, struct err *e)
{
	const struct volarc_set *set = w->job->set;
	char vid[VOLARC_SERIAL_MAX + 8], app[128];
	snprintf(vid, sizeof(vid), "%s_%03u", set->serial, w->job->index);
	int rc = iso_image_new(vid, &w->img);
	if (rc < 0)
		return err_set(e, -EIO, "libisofs: %s", iso_error_to_msg(rc));
	/* the set's serial and the volume's place in it, in the descriptors */
	iso_image_set_volset_id(w->img, set->serial);
	iso_image_set_application_id(w->img, "ALTKIT VOLARC");
	int n = snprintf(app, sizeof(app), "VOLARC SERIAL=%s VOLUME=%u OF=%u", set->serial, w->job->index,
			 set->count);
	iso_image_set_app_use(w->img, app, n);
	rc = build_tree(w, e);
	if (rc < 0)
		return rc;
	IsoWriteOpts *o = NULL;
	rc = make_opts(w, &o, e);
	if (rc < 0)
		return rc;
	rc = iso_image_create_burn_source(w->img, o, bs);
	iso_write_opts_free(o);
	if (rc < 0) {
		if (w->failed) {
			*e = w->err;
			return e->code;
		}
		return err_set(e, -EIO, "libisofs: %s", iso_error_to_msg(rc));
	}
	return 0;
}

static void finish(struct writer *w, struct burn_source *bs)
{
	if (bs) {
		bs->free_data(bs);
		free(bs);
	}
	if (w->img)
		iso_image_unref(w->img);
	free(w->dir_path);
	pthread_mutex_destroy(&w->lock);
}

static void writer_init(struct writer *w, const struct volarc_iso_job *job, int measuring)
{
	memset(w, 0, sizeof(*w));
	w->job = job;
	w->measuring = measuring;
	pthread_mutex_init(&w->lock, NULL);
}

int volarc_iso_measure(const struct volarc_iso_job *job, uint64_t *bytes, struct err *e)
{
	struct writer w;
	struct burn_source *bs = NULL;
	writer_init(&w, job, 1);
	int rc = start(&w, &bs, e);
	if (rc == 0) {
		*bytes = (uint64_t)bs->get_size(bs);
		bs->cancel(bs);
	}
	finish(&w, bs);
	return rc;
}

static int write_all(int fd, const unsigned char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int volarc_iso_write(const struct volarc_iso_job *job, int fd, struct err *e)
{
	struct writer w;
	struct burn_source *bs = NULL;
	writer_init(&w, job, 0);
	int rc = start(&w, &bs, e);
	if (rc < 0) {
		finish(&w, bs);
		return rc;
	}
	uint64_t total = (uint64_t)bs->get_size(bs), done = 0;
	/* progress counts what is on the disk (lib/util/writeback.h) */
	struct writeback wb;
	writeback_init(&wb, fd, true);
	uint64_t queued = 0, on_disk = 0;
	unsigned char *buf = xmalloc(WRITE_CHUNK);
	while (done < total) {
		/* libisofs's reader gives nothing at all (EOF) for a request
		 * that runs past the end: ask exactly for what is left */
		int want = total - done < WRITE_CHUNK ? (int)(total - done) : WRITE_CHUNK;
		int n = bs->read_xt ? bs->read_xt(bs, buf, want) : bs->read(bs, buf, want);
		if (failed(&w))
			break;
		if (job->stop && *job->stop) {
			rc = err_set(e, -EINTR, "interrupted");
			break;
		}
		if (n < 0) {
			rc = err_set(e, -EIO, "libisofs could not make the image");
			break;
		}
		if (n == 0)
			break;
		int wr = write_all(fd, buf, (size_t)n);
		if (wr < 0) {
			rc = err_set(e, wr, "writing the image: %s", strerror(-wr));
			break;
		}
		done += (uint64_t)n;
		if (done - queued >= WB_WINDOW || done == total) {
			int64_t d = writeback_add(&wb, queued, done - queued);
			int64_t rest = d >= 0 && done == total ? writeback_finish(&wb) : 0;
			if (d < 0 || rest < 0) {
				int err = (int)(d < 0 ? d : rest);
				rc = err_set(e, err, "writing the image: %s", strerror(-err));
				break;
			}
			queued = done;
			on_disk += (uint64_t)(d + rest);
			if (job->progress)
				job->progress(job->ctx, on_disk, total);
		}
	}
	if (failed(&w)) {
		*e = w.err;
		rc = e->code;
	} else if (rc == 0 && done != total) {
		rc = err_set(e, -EIO, "libisofs ended the image after %" PRIu64 " of %" PRIu64 " bytes", done, total);
	}
	if (rc < 0 && done != total)
		bs->cancel(bs);
	free(buf);
	finish(&w, bs);
	return rc;
}
