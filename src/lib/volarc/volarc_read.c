/* Reading volume sets: which image holds volume N, links followed, every
 * volume checked to be of the set, files read across volumes and checked
 * against their sha256. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "volarc_read.h"
#include "volarc_sum.h"
#include "xalloc.h"
#include "banned.h"

char *volarc_abspath(const char *path)
{
	char cwd[PATH_MAX] = "";
	if (path[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	size_t n = strlen(cwd) + strlen(path) + 3;
	char *in = xmalloc(n), *out = xmalloc(n);
	snprintf(in, n, "%s/%s", cwd, path);
	size_t o = 0;
	for (const char *c = in; *c;) {
		while (*c == '/')
			c++;
		size_t len = strcspn(c, "/");
		if (len == 0)
			break;
		if (len == 1 && c[0] == '.') {
			/* nothing */
		} else if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, c, len);
			o += len;
		}
		c += len;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	free(in);
	return out;
}

static int is_member_name(const char *s)
{
	return strlen(s) == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
	       s[2] <= '9' && strcmp(s, "000") != 0;
}

static void note(struct volarc_reader *r, const char *fmt, const char *a, const char *b)
{
	if (!r->links.note)
		return;
	char msg[PATH_MAX * 2 + 128];
	snprintf(msg, sizeof(msg), fmt, a, b);
	r->links.note(r->links.ctx, msg);
}

/* The catalog's link for this set, asked once. */
static const char *link_of(struct volarc_reader *r, const char *serial)
{
	if (!r->link_looked_up && r->links.lookup) {
		r->link_looked_up = 1;
		r->link = r->links.lookup(r->links.ctx, r->name, serial);
	}
	return r->link;
}

/* The lowest-numbered image in a set's directory. */
static int first_member(const char *dir, unsigned *index, struct err *e)
{
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, -errno, "'%s': %s", dir, strerror(errno));
	unsigned best = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (is_member_name(de->d_name)) {
			unsigned n = (unsigned)atoi(de->d_name);
			if (!best || n < best)
				best = n;
		}
	closedir(d);
	if (!best)
		return err_set(e, -ENOENT, "'%s': no volume images (001, 002, ...) in the directory", dir);
	*index = best;
	return 0;
}

static char *member_path(const char *dir, unsigned index)
{
	size_t n = strlen(dir) + 8;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%03u", dir, index);
	return p;
}

/* volarc's own directory, as each tree names it (ISO 9660 has no '.'). */
static int own_dir(const char *path)
{
	static const char *const names[] = { VOLARC_DIR, "_VOLARC" };
	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(names[i]);
		if (strncmp(path, names[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return 1;
	}
	return 0;
}

/* The tree of the volume as a set: each file one piece, at its own path,
 * checksum unknown ("") until read. */
static void tree_as_set(struct volarc_reader *r, const struct volarc_vol *v)
{
	struct volarc_set *s = &r->tree_set;
	memset(s, 0, sizeof(*s));
	s->index = s->count = 1;
	s->entries = xcalloc(v->nfiles + 1, sizeof(*s->entries));
	for (size_t i = 0; i < v->nfiles; i++) {
		const struct volarc_file *f = &v->files[i];
		if (v->has_set && own_dir(f->path))
			continue;
		struct volarc_entry *en = &s->entries[s->nentries++];
		en->name = xstrdup(f->path);
		en->is_dir = f->is_dir;
		en->size = f->is_dir ? 0 : f->size;
		en->mode = f->mode & 07777;
		en->mtime = f->mtime;
		if (!f->is_dir) {
			en->pieces = xcalloc(1, sizeof(*en->pieces));
			en->pieces[0] = (struct volarc_piece){ .vol = 1, .length = f->size, .path = xstrdup(f->path) };
			en->npieces = 1;
		}
	}
	r->set = s;
	r->tree = 1;
}

int volarc_reader_check_names(const struct volarc_reader *r, struct err *e)
{
	for (size_t i = 0; i < r->set->nentries; i++) {
		const char *name = r->set->entries[i].name;
		if (!volarc_relpath_ok(name))
			return err_set(e, -EINVAL, "'%s' holds an unsafe name '%.200s' (absolute, empty, or with "
				       "'.' or '..'): the volume is refused, nothing is copied",
				       r->dir ? r->dir : r->single ? r->single : "the set", name);
	}
	return 0;
}

static int open_first(struct volarc_reader *r, const char *path, struct err *e)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return err_set(e, -errno, "'%s': %s", path, strerror(errno));
	unsigned index = 1;
	char *image;
	if (S_ISDIR(st.st_mode)) {
		int rc = first_member(path, &index, e);
		if (rc < 0)
			return rc;
		r->dir = xstrdup(path);
		image = member_path(path, index);
	} else {
		r->single = xstrdup(path);
		image = xstrdup(path);
	}
	struct volarc_vol *v;
	int rc = volarc_vol_open(image, r->view, &v, e);
	free(image);
	if (rc < 0)
		return rc;
	if (!v->has_set || r->view != ISOFS_VIEW_AUTO) {
		r->vols = xcalloc(1, sizeof(*r->vols));
		r->vols[0] = v;
		r->nvols = 1;
		tree_as_set(r, v);
		return 0;
	}
	if (S_ISDIR(st.st_mode) && v->set.index != index) {
		rc = err_set(e, -EINVAL, "'%s/%03u' holds volume %u of its set, not volume %u", path, index,
			      v->set.index, index);
		volarc_vol_close(v);
		return rc;
	}
	/* one image of a set, named as in the set's directory: its siblings
	 * are beside it, and the set is named after that directory */
	if (!r->dir && v->set.count > 1) {
		char *b = xstrdup(path), *d = xstrdup(path), want[8];
		snprintf(want, sizeof(want), "%03u", v->set.index);
		if (strcmp(basename(b), want) == 0) {
			r->dir = xstrdup(dirname(d));
			free(r->name);
			r->name = volarc_abspath(r->dir);
		}
		free(b);
		free(d);
	}
	r->nvols = v->set.count;
	r->vols = xcalloc(r->nvols, sizeof(*r->vols));
	r->vols[v->set.index - 1] = v;
	r->set = &v->set;
	return 0;
}

int volarc_reader_open(const char *vol, enum isofs_view view, const struct volarc_links *links,
		       struct volarc_reader **out, struct err *e)
{
	struct volarc_reader *r = xcalloc(1, sizeof(*r));
	r->name = volarc_abspath(vol);
	r->view = view;
	if (links)
		r->links = *links;
	struct stat st;
	int rc;
	if (stat(vol, &st) < 0 && errno == ENOENT && link_of(r, NULL)) {
		note(r, "'%s' is not here: reading it where the catalog says it is resident, '%s'", vol, r->link);
		rc = open_first(r, r->link, e);
	} else {
		rc = open_first(r, vol, e);
	}
	if (rc < 0) {
		volarc_reader_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

void volarc_reader_close(struct volarc_reader *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < r->nvols; i++)
		volarc_vol_close(r->vols[i]);
	free(r->vols);
	volarc_set_release(&r->tree_set);
	free(r->name);
	free(r->dir);
	free(r->single);
	free(r->link);
	free(r);
}

/* Does v hold volume index of our set, with the same set directory? */
static int check_member(struct volarc_reader *r, const struct volarc_vol *v, unsigned index, struct err *e)
{
	const struct volarc_set *s = r->set;
	if (!v->has_set || strcmp(v->set.serial, s->serial) != 0 || v->set.count != s->count || v->set.index != index)
		return err_set(e, -EINVAL, "'%s' is not volume %u of set %s (%u volumes)%s", v->path, index,
				s->serial, s->count, v->has_set ? "" : ": it has no volarc set directory");
	size_t a, b;
	char *x = volarc_set_format(s, 0, 0, &a), *y = volarc_set_format(&v->set, 0, 0, &b);
	int same = a == b && memcmp(x, y, a) == 0;
	free(x);
	free(y);
	if (!same)
		return err_set(e, -EINVAL, "'%s': its set directory differs from the other volumes' of set %s",
				v->path, s->serial);
	return 0;
}

static int try_open(struct volarc_reader *r, const char *path, unsigned index, struct volarc_vol **out,
		    struct err *e)
{
	if (access(path, F_OK) < 0)
		return -ENOENT;
	int rc = volarc_vol_open(path, ISOFS_VIEW_AUTO, out, e);
	if (rc == 0 && (rc = check_member(r, *out, index, e)) < 0) {
		volarc_vol_close(*out);
		*out = NULL;
	}
	return rc;
}

int volarc_reader_volume(struct volarc_reader *r, unsigned index, struct volarc_vol **out, struct err *e)
{
	if (index < 1 || index > r->nvols)
		return err_set(e, -EINVAL, "volume %u is not in the set (internal)", index);
	if (r->vols[index - 1]) {
		*out = r->vols[index - 1];
		return 0;
	}
	const char *serial = r->set->serial;
	char *path = r->dir ? member_path(r->dir, index) : NULL;
	int rc = path ? try_open(r, path, index, out, e) : -ENOENT;
	if (rc == -ENOENT && link_of(r, serial)) {
		char *lpath = member_path(r->link, index);
		rc = try_open(r, lpath, index, out, e);
		if (rc == 0)
			note(r, "volume %s is not here: reading it where the catalog says the set is resident, '%s'",
			     lpath + strlen(r->link) + 1, lpath);
		free(lpath);
	}
	if (rc == -ENOENT) {
		if (path)
			err_set(e, rc, "volume %u of set %s is missing: no '%s'", index, serial, path);
		else
			err_set(e, rc, "volume %u of set %s is missing: only '%s' (volume %u) is here", index, serial,
				 r->single, r->set->index);
	}
	free(path);
	if (rc < 0)
		return rc;
	r->vols[index - 1] = *out;
	return 0;
}

struct hashing {
	struct sha256_ctx ctx;
	volarc_sink sink;
	void *arg;
	int sink_failed;        /* the error is the sink's (it named its file) */
};

static int hash_sink(void *arg, const void *buf, size_t len)
{
	struct hashing *h = arg;
	sha256_update(&h->ctx, len, buf);
	int rc = h->sink ? h->sink(h->arg, buf, len) : 0;
	h->sink_failed = rc < 0;
	return rc;
}

int volarc_reader_read(struct volarc_reader *r, const struct volarc_entry *en, volarc_sink sink, void *arg,
		       char sum[65], struct err *e)
{
	struct hashing h = { .sink = sink, .arg = arg };
	sha256_init(&h.ctx);
	/* every volume the file needs first: a missing one fails before any
	 * byte is given out */
	for (size_t k = 0; k < en->npieces; k++) {
		struct volarc_vol *v;
		int rc = volarc_reader_volume(r, en->pieces[k].vol, &v, e);
		if (rc < 0)
			return rc;
	}
	for (size_t k = 0; k < en->npieces; k++) {
		const struct volarc_piece *p = &en->pieces[k];
		struct volarc_vol *v = r->vols[p->vol - 1];
		const struct volarc_file *f = volarc_vol_find(v, p->path);
		if (!f || f->is_dir || f->size != p->length)
			return err_set(e, -EBADMSG, "'%s': damaged volume: its bytes are not where the set directory "
					"says on volume %u ('%s')", en->name, p->vol, v->path);
		int rc = volarc_vol_read(v, f, hash_sink, &h, e);
		/* which file the volume failed: the volume's message names the
		 * piece, which is the file itself unless it was split */
		if (rc < 0 && !h.sink_failed && strcmp(p->path, en->name) != 0)
			return err_prefix(e, "'%s'", en->name);
		if (rc < 0)
			return rc;
	}
	volarc_sum_hex(&h.ctx, sum);
	if (!r->tree && strcmp(sum, en->sha256) != 0)
		return err_set(e, -EBADMSG, "'%s': checksum mismatch: the volume's data is damaged (sha256 %s, "
				"expected %s)", en->name, sum, en->sha256);
	return 0;
}
