/* ISO 9660 reading through libiso9660: listing and file extraction. */
#include <cdio/iso9660.h>
#include <cdio/logging.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isofs.h"
#include "pathquote.h"
#include "xalloc.h"

struct isofs {
	iso9660_t *iso;
	char volume_id[64];
	uint64_t bytes;         /* the volume's size: no directory reaches past it */
};

int isofs_view_parse(const char *s, enum isofs_view *view)
{
	static const struct { const char *name; enum isofs_view v; } views[] = {
		{ "auto", ISOFS_VIEW_AUTO }, { "iso9660", ISOFS_VIEW_ISO9660 },
		{ "joliet", ISOFS_VIEW_JOLIET }, { "rockridge", ISOFS_VIEW_ROCKRIDGE },
	};
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (strcmp(s, views[i].name) == 0) {
			*view = views[i].v;
			return 0;
		}
	return -EINVAL;
}

/* libcdio logs warnings to stderr by default; library code does not print,
 * the error codes say what went wrong. */
static void quiet_log(cdio_log_level_t level, const char *message)
{
}

int isofs_check_volume(const char *path)
{
	/* O_NONBLOCK: a FIFO must not block open() for ever */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	int rc = 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		rc = -errno;
	else if (S_ISDIR(st.st_mode))
		rc = -EISDIR;
	else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		rc = -ENODEV;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The size of a volume: an image file's, a block device's; 0 when unknown. */
static uint64_t volume_bytes(const char *path)
{
	uint64_t bytes = 0;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0 && fstat(fd, &st) == 0) {
		if (S_ISREG(st.st_mode))
			bytes = (uint64_t)st.st_size;
		else if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &bytes) < 0)
			bytes = 0;
	}
	if (fd >= 0)
		close(fd);
	return bytes;
}

/* libcdio reads a directory whole into a buffer of the size its record
 * claims, up to 4 GiB: every directory is checked against the volume's
 * size before libcdio is asked to read it (or a path through it). A
 * volume of unknown size (a drive that does not say) is not checked. */
static bool dir_fits(const struct isofs *fs, const iso9660_stat_t *st)
{
	return !fs->bytes ||
	       (uint64_t)st->lsn * ISO_BLOCKSIZE + (uint64_t)st->secsize * ISO_BLOCKSIZE <= fs->bytes;
}

/* Rock Ridge on the volume: on the root directory's records, as every
 * Rock Ridge volume has it (its "." carries the SP and RR entries). Not
 * iso9660_have_rr, which reads the directories below the root unchecked
 * and leaks when the root's record cannot be read (libcdio 2.1.0). A root
 * that cannot be read counts as Rock Ridge: isofs_walk then says what is
 * wrong, as in the other views. */
static bool have_rr(const struct isofs *fs)
{
	iso9660_stat_t *root = iso9660_ifs_stat(fs->iso, "/");
	if (!root)
		return true;
	bool fits = dir_fits(fs, root), rr = false;
	iso9660_stat_free(root);
	if (!fits)
		return true;
	CdioISO9660FileList_t *list = iso9660_ifs_readdir(fs->iso, "/");
	CdioListNode_t *node;
	if (!list)
		return true;
	_CDIO_LIST_FOREACH(node, list) {
		const iso9660_stat_t *st = _cdio_list_node_data(node);
		rr |= st->rr.b3_rock == yep;
	}
	iso9660_filelist_free(list);
	return rr;
}

int isofs_open(const char *path, enum isofs_view view, struct isofs **out)
{
	static const iso_extension_mask_t masks[] = {
		[ISOFS_VIEW_AUTO] = ISO_EXTENSION_ALL,
		[ISOFS_VIEW_ISO9660] = ISO_EXTENSION_NONE,
		[ISOFS_VIEW_JOLIET] = ISO_EXTENSION_JOLIET,
		[ISOFS_VIEW_ROCKRIDGE] = ISO_EXTENSION_ROCK_RIDGE,
	};
	int rc = isofs_check_volume(path);
	if (rc < 0)
		return rc;
	cdio_log_set_handler(quiet_log);
	iso9660_t *iso = iso9660_open_ext(path, masks[view]);
	if (!iso)
		return -EMEDIUMTYPE;
	struct isofs *fs = xcalloc(1, sizeof(*fs));
	fs->iso = iso;
	fs->bytes = volume_bytes(path);
	if ((view == ISOFS_VIEW_JOLIET && iso9660_ifs_get_joliet_level(iso) == 0) ||
	    (view == ISOFS_VIEW_ROCKRIDGE && !have_rr(fs))) {
		isofs_close(fs);
		return -ENOTSUP;
	}
	char *vid = NULL;
	if (iso9660_ifs_get_volume_id(iso, &vid) && vid)
		snprintf(fs->volume_id, sizeof(fs->volume_id), "%s", vid);
	free(vid);
	*out = fs;
	return 0;
}

void isofs_close(struct isofs *fs)
{
	if (!fs)
		return;
	iso9660_close(fs->iso);
	free(fs);
}

const char *isofs_volume_id(const struct isofs *fs)
{
	return fs->volume_id;
}

static void fill_entry(const iso9660_stat_t *st, const char *path, struct isofs_entry *e)
{
	struct tm tm = st->tm;
	memset(e, 0, sizeof(*e));
	e->path = path;
	e->is_dir = st->type == _STAT_DIR;
	e->size = st->size;
	e->lsn = (uint32_t)st->lsn;
	e->mtime = timegm(&tm);
	if (st->rr.b3_rock == yep)
		e->mode = (mode_t)st->rr.st_mode;
	else
		e->mode = e->is_dir ? (S_IFDIR | 0555) : (S_IFREG | 0444);
}

/* The bounds of a walk: a damaged or hostile volume (a directory record
 * pointing at its parent or at itself, a name of length 0) must end in an
 * error, not in endless recursion or output. */
struct walk {
	struct isofs *fs;
	int (*cb)(const struct isofs_entry *, void *);
	void *arg;
	struct err *e;
	uint32_t *seen;         /* the extents of the directories listed: a hash set */
	size_t nseen, capseen;
	uint64_t entries;
};

static bool seen_add(struct walk *w, uint32_t lsn)
{
	if (2 * (w->nseen + 1) > w->capseen) {
		size_t cap = w->capseen ? 2 * w->capseen : 64;
		uint32_t *old = w->seen, *set = xmalloc(cap * sizeof(*set));
		memset(set, 0xff, cap * sizeof(*set));
		size_t oldcap = w->capseen;
		w->seen = set;
		w->capseen = cap;
		w->nseen = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i] != UINT32_MAX)
				seen_add(w, old[i]);
		free(old);
	}
	size_t i = (lsn * 2654435761u) & (w->capseen - 1);
	for (; w->seen[i] != UINT32_MAX; i = (i + 1) & (w->capseen - 1))
		if (w->seen[i] == lsn)
			return false;
	w->seen[i] = lsn;
	w->nseen++;
	return true;
}

static int damaged(struct walk *w, const char *path, const char *why)
{
	char *q = path_quote(path);
	int rc = err_set(w->e, -EUCLEAN, "damaged directory tree: '%s': %s", q, why);
	free(q);
	return rc;
}

/* A name a path can be made of: not empty, no '/', not "." or "..". */
static bool usable_name(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static int walk_dir(struct walk *w, const char *dir, unsigned depth, const iso9660_stat_t *self);

#define DIR_PAST_END "the directory's records run past the end of the volume"

/* One entry of dir: to the callback, then into it if it is a directory. */
static int walk_entry(struct walk *w, const char *dir, const iso9660_stat_t *st, unsigned depth)
{
	size_t len = strlen(dir) + strlen(st->filename) + 2;
	char *path = xmalloc(len);
	snprintf(path, len, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", st->filename);
	struct isofs_entry ent;
	fill_entry(st, path, &ent);
	int rc = 0;
	if (!usable_name(st->filename))
		rc = damaged(w, dir, "a directory record with an empty or impossible name");
	else if (++w->entries > ISOFS_ENTRIES_MAX)
		rc = damaged(w, path, "more entries than " ISOFS_STR(ISOFS_ENTRIES_MAX));
	else if (ent.is_dir && depth >= ISOFS_DEPTH_MAX)
		rc = damaged(w, path, "deeper than " ISOFS_STR(ISOFS_DEPTH_MAX) " directories");
	else if (ent.is_dir && !seen_add(w, ent.lsn))
		rc = damaged(w, path, "the directory's records are listed already (a loop)");
	else if (ent.is_dir && !dir_fits(w->fs, st))
		rc = damaged(w, path, DIR_PAST_END);
	if (rc == 0)
		rc = w->cb(&ent, w->arg);
	if (rc == 0 && ent.is_dir)
		rc = walk_dir(w, path, depth + 1, st);
	free(path);
	return rc;
}

/* "." and "..": once each, "." naming the directory itself with its size
 * (libisofs takes a misplaced one for a subdirectory: a loop; and the size
 * of "." for the directory's). self: the record that named dir (the volume
 * descriptor's for the root). */
static int check_dots(struct walk *w, const char *dir, const iso9660_stat_t *st, const iso9660_stat_t *self,
		      int *ndots)
{
	bool dot = strcmp(st->filename, ".") == 0;
	uint32_t lsn = (uint32_t)st->lsn;
	/* ".." is not checked against the parent: images genisoimage made of
	 * a deep tree (relocated under rr_moved) fail that check */
	if (++ndots[dot ? 0 : 1] > 1 || (dot && lsn != (uint32_t)self->lsn))
		return damaged(w, dir, dot ? "a misplaced '.' record" : "a misplaced '..' record");
	/* libisofs takes a directory's size from its "." */
	if (dot && st->size != self->size)
		return damaged(w, dir, "the '.' record's size is not the directory's");
	return 0;
}

static int walk_dir(struct walk *w, const char *dir, unsigned depth, const iso9660_stat_t *self)
{
	CdioISO9660FileList_t *list = iso9660_ifs_readdir(w->fs->iso, dir);
	CdioListNode_t *node;
	int rc = 0, ndots[2] = { 0, 0 };
	if (!list) {
		char *q = path_quote(dir);
		rc = err_set(w->e, -EIO, "cannot read the directory '%s'", q);
		free(q);
		return rc;
	}
	_CDIO_LIST_FOREACH(node, list) {
		iso9660_stat_t *st = _cdio_list_node_data(node);
		if (strcmp(st->filename, ".") == 0 || strcmp(st->filename, "..") == 0)
			rc = check_dots(w, dir, st, self, ndots);
		else
			rc = walk_entry(w, dir, st, depth);
		if (rc)
			break;
	}
	iso9660_filelist_free(list);
	return rc;
}

int isofs_walk(struct isofs *fs, int (*cb)(const struct isofs_entry *e, void *arg), void *arg, struct err *e)
{
	struct walk w = { .fs = fs, .cb = cb, .arg = arg, .e = e };
	iso9660_stat_t *root = iso9660_ifs_stat(fs->iso, "/");
	if (!root)
		return err_set(e, -EIO, "cannot read the root directory");
	seen_add(&w, (uint32_t)root->lsn);
	int rc = dir_fits(fs, root) ? walk_dir(&w, "/", 0, root) : damaged(&w, "/", DIR_PAST_END);
	iso9660_stat_free(root);
	free(w.seen);
	return rc;
}

/* The file at path, each directory on the way checked by dir_fits before
 * libcdio reads it: NULL with *rc -ENOENT or -EUCLEAN (a directory runs
 * past the end of the volume). */
static iso9660_stat_t *stat_checked(struct isofs *fs, const char *path, int *rc)
{
	iso9660_stat_t *dir = iso9660_ifs_stat(fs->iso, "/");
	char *prefix = xstrdup(path), *slash = prefix;
	*rc = 0;
	while (*rc == 0) {
		if (!dir || dir->type != _STAT_DIR)
			*rc = -ENOENT;
		else if (!dir_fits(fs, dir))
			*rc = -EUCLEAN;
		iso9660_stat_free(dir);
		dir = NULL;
		if (*rc < 0 || !*slash || !(slash = strchr(slash + 1, '/')))
			break;
		*slash = '\0';
		dir = iso9660_ifs_stat_translate(fs->iso, prefix);
		*slash = '/';
	}
	free(prefix);
	iso9660_stat_t *st = *rc == 0 ? iso9660_ifs_stat_translate(fs->iso, path) : NULL;
	if (!st && *rc == 0)
		*rc = -ENOENT;
	return st;
}

int isofs_read_file(struct isofs *fs, const char *path, int fd)
{
	enum { CHUNK = 32 };   /* sectors per read */
	int rc;
	iso9660_stat_t *st = stat_checked(fs, path, &rc);
	if (!st)
		return rc;
	if (st->type == _STAT_DIR) {
		iso9660_stat_free(st);
		return -EISDIR;
	}
	char *buf = xmalloc(CHUNK * ISO_BLOCKSIZE);
	uint64_t left = st->size;
	lsn_t lsn = st->lsn;
	while (left > 0) {
		long n = iso9660_iso_seek_read(fs->iso, buf, lsn, CHUNK);
		if (n <= 0) {
			rc = -EIO;
			break;
		}
		size_t take = left < (uint64_t)n ? (size_t)left : (size_t)n;
		for (size_t off = 0; off < take;) {
			ssize_t w = write(fd, buf + off, take - off);
			if (w < 0) {
				rc = -errno;
				goto out;
			}
			off += (size_t)w;
		}
		left -= take;
		lsn += CHUNK;
	}
out:
	free(buf);
	iso9660_stat_free(st);
	return rc;
}
