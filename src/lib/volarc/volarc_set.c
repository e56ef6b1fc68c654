/* The set directory as JSON: written by create, read and checked by every
 * other command. A volume is untrusted input: the parser checks everything
 * that later code relies on (safe names, pieces that add up). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sde.h"
#include "volarc_set.h"
#include "xalloc.h"
#include "banned.h"

#define SET_FORMAT "altkit-volarc-set"
#define SET_VERSION 1

void volarc_set_release(struct volarc_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nentries; i++) {
		struct volarc_entry *en = &s->entries[i];
		for (size_t k = 0; k < en->npieces; k++)
			free(en->pieces[k].path);
		free(en->pieces);
		free(en->name);
	}
	free(s->entries);
	s->entries = NULL;
	s->nentries = 0;
}

unsigned volarc_entry_start(const struct volarc_entry *en)
{
	return en->npieces ? en->pieces[0].vol : 1;
}

int volarc_serial_check(const char *serial, char *bad)
{
	size_t n = strlen(serial);
	*bad = 0;
	if (n == 0 || n > VOLARC_SERIAL_MAX)
		return -EINVAL;
	for (const char *p = serial; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')) {
			*bad = *p;
			return -EINVAL;
		}
	return 0;
}

int volarc_relpath_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= PATH_MAX || name[0] == '/' || name[n - 1] == '/')
		return 0;
	for (const char *c = name; *c;) {
		const char *end = strchr(c, '/');
		size_t len = end ? (size_t)(end - c) : strlen(c);
		if (len == 0 || len > NAME_MAX || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		c += len + (end ? 1 : 0);
	}
	return 1;
}

/* ---- writing ---- */

static void put_entry(FILE *f, const struct volarc_entry *en)
{
	fputs("{\"name\":", f);
	json_write_str(f, en->name);
	fprintf(f, ",\"type\":\"%s\",\"mode\":%u,\"mtime\":%" PRId64 ",\"mtime_ns\":%ld",
		en->is_dir ? "dir" : "file", en->mode, en->mtime, en->mtime_ns);
	if (en->is_dir) {
		fputs("}", f);
		return;
	}
	fprintf(f, ",\"size\":%" PRIu64 ",\"sha256\":\"%s\",\"start\":%u,\"pieces\":[", en->size,
		en->sha256[0] ? en->sha256 : "0000000000000000000000000000000000000000000000000000000000000000",
		volarc_entry_start(en));
	for (size_t k = 0; k < en->npieces; k++) {
		const struct volarc_piece *p = &en->pieces[k];
		fprintf(f, "%s[%u,%" PRIu64 ",%" PRIu64 ",", k ? "," : "", p->vol, p->offset, p->length);
		json_write_str(f, p->path);
		fputs("]", f);
	}
	fputs("]}", f);
}

char *volarc_set_format(const struct volarc_set *s, unsigned index, size_t pad, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		abort();        /* only fails without memory, as xmalloc would */
	fprintf(f, "{\"format\":\"%s\",\"version\":%d,\"serial\":", SET_FORMAT, SET_VERSION);
	json_write_str(f, s->serial);
	fprintf(f, ",\"volume\":%u,\"volumes\":%u,\"created\":%" PRId64 ",\"trees\":\"%s\",\n\"entries\":[\n",
		index, s->count, s->created, volarc_fs_name(s->fs));
	for (size_t i = 0; i < s->nentries; i++) {
		put_entry(f, &s->entries[i]);
		fputs(i + 1 < s->nentries ? ",\n" : "\n", f);
	}
	fputs("]}\n", f);
	/* trailing blanks are JSON whitespace: the text stays valid */
	fflush(f);
	if (n < pad)
		fprintf(f, "%*s", (int)(pad - n), "");
	if (fclose(f) != 0)
		abort();
	*len = n;
	return buf;
}

/* ---- reading ---- */

static int get_u64(const struct json *obj, const char *key, uint64_t *v)
{
	const struct json *m = json_get(obj, key);
	if (!m || m->type != JSON_NUMBER || m->str[0] == '-')
		return -1;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(m->str, &end, 10);
	if (*end || errno)
		return -1;
	*v = x;
	return 0;
}

static int get_i64(const struct json *obj, const char *key, int64_t *v)
{
	const struct json *m = json_get(obj, key);
	if (!m || m->type != JSON_NUMBER)
		return -1;
	char *end;
	errno = 0;
	long long x = strtoll(m->str, &end, 10);
	if (*end || errno)
		return -1;
	*v = x;
	return 0;
}

static int num_u64(const struct json *m, uint64_t *v)
{
	if (!m || m->type != JSON_NUMBER || m->str[0] == '-')
		return -1;
	char *end;
	errno = 0;
	*v = strtoull(m->str, &end, 10);
	return *end || errno ? -1 : 0;
}

static int is_hex64(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static int bad(struct err *e, const char *name, const char *why)
{
	if (name)
		return err_set(e, -EINVAL, "entry '%s': %s", name, why);
	return err_set(e, -EINVAL, "%s", why);
}

static int parse_pieces(const struct json *arr, const struct volarc_set *s, struct volarc_entry *en,
			struct err *e)
{
	size_t n = json_count(arr);
	if (!arr || arr->type != JSON_ARRAY || n == 0)
		return bad(e, en->name, "no pieces");
	en->pieces = xcalloc(n, sizeof(*en->pieces));
	uint64_t at = 0;
	unsigned prev_vol = 1;
	for (const struct json *p = arr->child; p; p = p->next) {
		struct volarc_piece *pc = &en->pieces[en->npieces];
		const struct json *v = p->child, *o = v ? v->next : NULL, *l = o ? o->next : NULL,
				  *path = l ? l->next : NULL;
		uint64_t vol;
		if (p->type != JSON_ARRAY || json_count(p) != 4 || num_u64(v, &vol) ||
		    num_u64(o, &pc->offset) || num_u64(l, &pc->length) || path->type != JSON_STRING)
			return bad(e, en->name, "a piece is not [volume, offset, length, path]");
		pc->vol = (unsigned)vol;
		pc->path = xstrdup(path->str);
		en->npieces++;
		if (vol < prev_vol || vol > s->count)
			return bad(e, en->name, "a piece is on a volume out of order or not in the set");
		if (pc->offset != at || pc->length > VOLARC_PIECE_MAX || pc->length > en->size - at)
			return bad(e, en->name, "its pieces do not add up to the file");
		if (!volarc_relpath_ok(pc->path))
			return bad(e, en->name, "a piece has an unsafe path");
		at += pc->length;
		prev_vol = pc->vol;
	}
	if (at != en->size)
		return bad(e, en->name, "its pieces do not add up to the file");
	return 0;
}

static int parse_entry(const struct json *j, const struct volarc_set *s, struct volarc_entry *en,
		       struct err *e)
{
	const char *name = json_get_str(j, "name"), *type = json_get_str(j, "type");
	uint64_t mode, ns;
	if (j->type != JSON_OBJECT || !name || !type)
		return bad(e, NULL, "an entry without a name or type");
	en->name = xstrdup(name);
	if (!volarc_relpath_ok(name))
		return bad(e, name, "unsafe name (absolute, empty or with '..')");
	if (strcmp(name, VOLARC_DIR) == 0 || strncmp(name, VOLARC_DIR "/", sizeof(VOLARC_DIR)) == 0)
		return bad(e, name, "the name is volarc's own directory");
	if (get_u64(j, "mode", &mode) || mode > 07777 || get_i64(j, "mtime", &en->mtime) ||
	    get_u64(j, "mtime_ns", &ns) || ns > 999999999)
		return bad(e, name, "bad mode or time");
	en->mode = (unsigned)mode;
	en->mtime_ns = (long)ns;
	if (strcmp(type, "dir") == 0) {
		en->is_dir = 1;
		return 0;
	}
	if (strcmp(type, "file") != 0)
		return bad(e, name, "type is neither file nor dir");
	const char *sum = json_get_str(j, "sha256");
	uint64_t start;
	if (get_u64(j, "size", &en->size) || !sum || !is_hex64(sum) || get_u64(j, "start", &start))
		return bad(e, name, "bad size, sha256 or start volume");
	snprintf(en->sha256, sizeof(en->sha256), "%s", sum);
	int rc = parse_pieces(json_get(j, "pieces"), s, en, e);
	if (rc < 0)
		return rc;
	if (start != volarc_entry_start(en))
		return bad(e, name, "the start volume is not the volume of its first piece");
	return 0;
}

int volarc_set_parse(const char *text, struct volarc_set *out, struct err *e)
{
	struct json *j;
	size_t pos;
	memset(out, 0, sizeof(*out));
	if (json_parse(text, &j, &pos) < 0)
		return err_set(e, -EINVAL, "not valid JSON (byte %zu)", pos);
	int rc = -EINVAL;
	const char *fmt = json_get_str(j, "format"), *serial = json_get_str(j, "serial"),
		   *trees = json_get_str(j, "trees");
	uint64_t version, index, count;
	char badc;
	if (!fmt || strcmp(fmt, SET_FORMAT) != 0 || get_u64(j, "version", &version)) {
		rc = bad(e, NULL, "not a volarc set directory");
		goto out;
	}
	if (version != SET_VERSION) {
		rc = err_set(e, -EINVAL, "set directory version %" PRIu64 " (this volarc reads %d)", version,
			      SET_VERSION);
		goto out;
	}
	if (!serial || volarc_serial_check(serial, &badc) < 0 || get_u64(j, "volume", &index) ||
	    get_u64(j, "volumes", &count) || count < 1 || count > VOLARC_MAX_VOLUMES || index < 1 ||
	    index > count || get_i64(j, "created", &out->created) || !trees ||
	    volarc_fs_parse(trees, &out->fs) < 0) {
		rc = bad(e, NULL, "bad serial, volume index, count, time or trees");
		goto out;
	}
	/* A time is written with a 4-digit year everywhere (ISO 9660, JSON):
	 * one past 9999 is damage, not a date to print. */
	if (out->created < 0 || out->created > SDE_MAX) {
		rc = err_set(e, -EINVAL, "created %" PRId64 ": not a time from 1970 to 9999", out->created);
		goto out;
	}
	snprintf(out->serial, sizeof(out->serial), "%s", serial);
	out->index = (unsigned)index;
	out->count = (unsigned)count;
	const struct json *arr = json_get(j, "entries");
	if (!arr || arr->type != JSON_ARRAY) {
		rc = bad(e, NULL, "no entries");
		goto out;
	}
	out->entries = xcalloc(json_count(arr) + 1, sizeof(*out->entries));
	for (const struct json *m = arr->child; m; m = m->next) {
		struct volarc_entry *en = &out->entries[out->nentries++];
		rc = parse_entry(m, out, en, e);
		if (rc < 0)
			goto out;
		/* sorted and unique: what volarc_set_find's bsearch needs */
		if (out->nentries > 1 && strcmp(en[-1].name, en->name) >= 0) {
			rc = bad(e, en->name, "entries out of order or repeated");
			goto out;
		}
	}
	rc = 0;
out:
	json_free(j);
	if (rc < 0)
		volarc_set_release(out);
	return rc;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct volarc_entry *)elem)->name);
}

const struct volarc_entry *volarc_set_find(const struct volarc_set *s, const char *name)
{
	return bsearch(name, s->entries, s->nentries, sizeof(*s->entries), cmp_name);
}
