/* volarc catalog, where and link: the catalog side of volarc (their options
 * are declared with the others in volarc.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testhook.h"
#include "altkit.h"
#include "pathquote.h"
#include "sde.h"
#include "volarc_cli.h"
#include "xalloc.h"

static char *lookup(void *ctx, const char *name, const char *serial)
{
	struct volarc_session *s = ctx;
	return s->cat ? volarc_catalog_link_lookup(s->cat, name, serial) : NULL;
}

static void note(void *ctx, const char *msg)
{
	errmsg("%s", msg);
}

int volarc_session_start(struct volarc_session *s, const struct volarc_opts *o, int create)
{
	struct err e;
	memset(s, 0, sizeof(*s));
	s->links = (struct volarc_links){ .lookup = lookup, .note = note, .ctx = s };
	int rc = volarc_catalog_open(o->catalog, create, &s->cat, &e);
	if (rc == -ENOENT && !create)
		return 0;       /* no catalog: no links to follow */
	if (rc < 0) {
		s->cat = NULL;
		errmsg("%s", e.msg);
		return -1;
	}
	return 0;
}

void volarc_session_end(struct volarc_session *s)
{
	volarc_catalog_close(s->cat);
	s->cat = NULL;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void name_unknown(const char *vol, char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *q = path_quote(names[i]);
		errmsg("'%s': '%s' has no backup reference in the catalog: --add records only known files", vol, q);
		free(q);
	}
}

/* Read every file of the set and check it; each bad one is named. */
static size_t verify(struct volarc_reader *r, const char *vol, size_t *files)
{
	size_t bad = 0;
	struct err e;
	*files = 0;
	for (size_t i = 0; i < r->set->nentries; i++) {
		const struct volarc_entry *en = &r->set->entries[i];
		if (en->is_dir)
			continue;
		(*files)++;
		char sum[65];
		if (volarc_reader_read(r, en, NULL, NULL, sum, &e) < 0) {
			/* each bad file named, whatever the reader's reason says */
			if (strstr(e.msg, en->name))
				errmsg("'%s': %s", vol, e.msg);
			else
				errmsg("'%s': '%s': %s", vol, en->name, e.msg);
			bad++;
		}
	}
	return bad;
}

int volarc_cmd_catalog(struct volarc_opts *o)
{
	const char *vol = o->args[0];
	struct volarc_session ses;
	if (volarc_session_start(&ses, o, 1) < 0)
		return EXIT_FAIL;
	struct volarc_reader *r = NULL;
	struct err e;
	int status = EXIT_FAIL;
	char **unknown = NULL;
	size_t nunknown = 0, files = 0;
	if (volarc_reader_open(vol, ISOFS_VIEW_AUTO, &ses.links, &r, &e) < 0) {
		errmsg("%s", e.msg);
		goto out;
	}
	const struct volarc_set *set = r->set;
	if (r->tree) {
		errmsg("'%s' has no volarc set directory: only volumes made by 'volarc create' can be catalogued", vol);
		goto out;
	}
	if (o->serial && strcmp(o->serial, set->serial) != 0) {
		errmsg("'%s' is of set %s, not %s: nothing catalogued", vol, set->serial, o->serial);
		goto out;
	}
	/* ADD&CATALOG: refuse early, before reading the volumes (checked again
	 * inside the transaction that records) */
	if (o->add) {
		if (volarc_catalog_unknown(ses.cat, set, &unknown, &nunknown, &e) < 0) {
			errmsg("%s", e.msg);
			goto out;
		}
		if (nunknown) {
			name_unknown(vol, unknown, nunknown);
			errmsg("'%s': %zu file%s not catalogued yet: nothing catalogued", vol, nunknown,
			       nunknown == 1 ? " is" : "s are");
			goto out;
		}
	}
	size_t bad = verify(r, vol, &files);
	if (bad) {
		errmsg("'%s': %zu of %zu files failed the check: nothing catalogued", vol, bad, files);
		goto out;
	}
	struct volarc_record_opts ro = { .volume = r->name, .now = time(NULL), .add = o->add };
	const char *crash = testhook(HOOK_VOLARC_CRASH_AFTER);
	if (crash)
		ro.crash_after = strtol(crash, NULL, 10);
	free_names(unknown, nunknown);
	unknown = NULL;
	if (volarc_catalog_record(ses.cat, set, &ro, &unknown, &nunknown, &e) < 0) {
		name_unknown(vol, unknown, nunknown);
		errmsg("'%s': %s: nothing catalogued", vol, e.msg);
		goto out;
	}
	printf("'%s': set %s, %u volume%s: %zu files verified and catalogued in '%s'\n", vol, set->serial, set->count,
	       set->count == 1 ? "" : "s", files, o->catalog);
	status = close_stdout();
out:
	free_names(unknown, nunknown);
	volarc_reader_close(r);
	volarc_session_end(&ses);
	return status;
}

static void utc(int64_t t, char *buf, size_t len, const char *fmt)
{
	time_t tt = (time_t)t;
	struct tm tm;
	/* a catalog written before times were bounded: no garbage year */
	if (t < 0 || t > SDE_MAX || !gmtime_r(&tt, &tm)) {
		snprintf(buf, len, "out of range");
		return;
	}
	strftime(buf, len, fmt, &tm);
}

static void print_json(const struct volarc_ref *refs, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++) {
		const struct volarc_ref *r = &refs[i];
		char cat[32], made[32];
		char *file = path_json(r->file), *vol = path_json(r->volume);
		utc(r->catalogued, cat, sizeof(cat), "%Y-%m-%dT%H:%M:%SZ");
		utc(r->created, made, sizeof(made), "%Y-%m-%dT%H:%M:%SZ");
		printf("%s\n {\"file\":%s,\"volume\":%s,\"serial\":\"%s\",\"index\":%u,\"volumes\":%u,"
		       "\"sha256\":\"%s\",\"size\":%" PRIu64 ",\"mtime\":%" PRId64 ",\"created\":\"%s\","
		       "\"catalogued\":\"%s\"}", i ? "," : "", file, vol, r->serial, r->index, r->volumes, r->sha256,
		       r->size, r->mtime, made, cat);
		free(file);
		free(vol);
	}
	printf("\n]\n");
}

int volarc_cmd_where(struct volarc_opts *o)
{
	struct volarc_session ses;
	if (volarc_session_start(&ses, o, 0) < 0)
		return EXIT_FAIL;
	if (!ses.cat) {
		errmsg("catalog '%s': No such file or directory", o->catalog);
		return EXIT_FAIL;
	}
	char *file = xstrdup(o->args[0] + strspn(o->args[0], "/"));
	struct volarc_ref *refs = NULL;
	size_t n = 0;
	struct err e;
	int status = EXIT_FAIL;
	if (volarc_catalog_where(ses.cat, file, &refs, &n, &e) < 0) {
		errmsg("%s", e.msg);
	} else if (n == 0) {
		char *q = path_quote(file);
		errmsg("'%s': no backup reference in the catalog", q);
		free(q);
	} else {
		if (o->json)
			print_json(refs, n);
		for (size_t i = 0; i < n && !o->json; i++) {
			char when[32];
			char *q = path_quote(refs[i].volume);
			utc(refs[i].catalogued, when, sizeof(when), "%Y-%m-%d %H:%M:%S");
			printf("%s  %s  volume %u of %u  %s\n", when, refs[i].serial, refs[i].index, refs[i].volumes, q);
			free(q);
		}
		status = close_stdout();
	}
	volarc_refs_free(refs, n);
	free(file);
	volarc_session_end(&ses);
	return status;
}

int volarc_cmd_link(struct volarc_opts *o)
{
	if (!o->at) {
		errmsg("link: --at PATH is needed");
		return EXIT_USAGE;
	}
	const char *vol = o->args[0];
	struct volarc_reader *r;
	struct err e;
	/* the images must be there, and be a volarc set */
	if (volarc_reader_open(o->at, ISOFS_VIEW_AUTO, NULL, &r, &e) < 0) {
		errmsg("--at %s", e.msg);
		return EXIT_FAIL;
	}
	if (r->tree) {
		errmsg("--at '%s' has no volarc set directory", o->at);
		volarc_reader_close(r);
		return EXIT_FAIL;
	}
	struct volarc_session ses;
	if (volarc_session_start(&ses, o, 1) < 0) {
		volarc_reader_close(r);
		return EXIT_FAIL;
	}
	/* a member image given: the link names its set's directory */
	char *name = volarc_abspath(vol), *at = volarc_abspath(r->dir ? r->dir : o->at);
	char *known = volarc_catalog_serial_of(ses.cat, name);
	int status = EXIT_FAIL;
	if (known && strcmp(known, r->set->serial) != 0)
		errmsg("'%s' was catalogued as set %s, but '%s' holds set %s: not linked", vol, known, o->at,
		       r->set->serial);
	else if (volarc_catalog_link(ses.cat, name, r->set->serial, at, time(NULL), &e) < 0)
		errmsg("%s", e.msg);
	else {
		printf("'%s' (set %s): its images are resident at '%s'\n", vol, r->set->serial, at);
		status = close_stdout();
	}
	free(known);
	free(name);
	free(at);
	volarc_reader_close(r);
	volarc_session_end(&ses);
	return status;
}
