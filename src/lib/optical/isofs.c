/* ISO 9660 reading through libiso9660: listing and file extraction. */
#include <cdio/iso9660.h>
#include <cdio/logging.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isofs.h"
#include "xalloc.h"

struct isofs {
	iso9660_t *iso;
	char volume_id[64];
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

int isofs_open(const char *path, enum isofs_view view, struct isofs **out)
{
	static const iso_extension_mask_t masks[] = {
		[ISOFS_VIEW_AUTO] = ISO_EXTENSION_ALL,
		[ISOFS_VIEW_ISO9660] = ISO_EXTENSION_NONE,
		[ISOFS_VIEW_JOLIET] = ISO_EXTENSION_JOLIET,
		[ISOFS_VIEW_ROCKRIDGE] = ISO_EXTENSION_ROCK_RIDGE,
	};
	if (access(path, R_OK) < 0)
		return -errno;
	cdio_log_set_handler(quiet_log);
	iso9660_t *iso = iso9660_open_ext(path, masks[view]);
	if (!iso)
		return -EMEDIUMTYPE;
	if (view == ISOFS_VIEW_JOLIET && iso9660_ifs_get_joliet_level(iso) == 0) {
		iso9660_close(iso);
		return -ENOTSUP;
	}
	if (view == ISOFS_VIEW_ROCKRIDGE && iso9660_have_rr(iso, 1000) != yep) {
		iso9660_close(iso);
		return -ENOTSUP;
	}
	struct isofs *fs = xcalloc(1, sizeof(*fs));
	fs->iso = iso;
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

static int walk_dir(struct isofs *fs, const char *dir, int (*cb)(const struct isofs_entry *, void *), void *arg)
{
	CdioISO9660FileList_t *list = iso9660_ifs_readdir(fs->iso, dir);
	CdioListNode_t *node;
	int rc = 0;
	if (!list)
		return -EIO;
	_CDIO_LIST_FOREACH(node, list) {
		iso9660_stat_t *st = _cdio_list_node_data(node);
		if (strcmp(st->filename, ".") == 0 || strcmp(st->filename, "..") == 0)
			continue;
		size_t len = strlen(dir) + strlen(st->filename) + 2;
		char *path = xmalloc(len);
		snprintf(path, len, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", st->filename);
		struct isofs_entry e;
		fill_entry(st, path, &e);
		rc = cb(&e, arg);
		if (!rc && e.is_dir)
			rc = walk_dir(fs, path, cb, arg);
		free(path);
		if (rc)
			break;
	}
	iso9660_filelist_free(list);
	return rc;
}

int isofs_walk(struct isofs *fs, int (*cb)(const struct isofs_entry *e, void *arg), void *arg)
{
	return walk_dir(fs, "/", cb, arg);
}

int isofs_read_file(struct isofs *fs, const char *path, int fd)
{
	enum { CHUNK = 32 };   /* sectors per read */
	iso9660_stat_t *st = iso9660_ifs_stat_translate(fs->iso, path);
	if (!st)
		return -ENOENT;
	if (st->type == _STAT_DIR) {
		iso9660_stat_free(st);
		return -EISDIR;
	}
	char *buf = xmalloc(CHUNK * ISO_BLOCKSIZE);
	uint64_t left = st->size;
	lsn_t lsn = st->lsn;
	int rc = 0;
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
