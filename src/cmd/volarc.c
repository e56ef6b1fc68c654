/* volarc: CD-ROM volume archives and their catalog (Unisys CopyWrite). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testhook.h"
#include "altkit.h"
#include "opt.h"
#include "progress.h"
#include "pathquote.h"
#include "sde.h"
#include "volarc_cli.h"
#include "volarc_create.h"
#include "volarc_extract.h"
#include "xalloc.h"

enum {
	OPT_MAX_SIZE = OPT_LONG, OPT_MULTI, OPT_SERIAL, OPT_FS, OPT_AS, OPT_TO, OPT_ADD, OPT_JSON, OPT_AT,
	OPT_CATALOG,
};

/* The options of every subcommand, each taking those its spec lists. */
static const struct opt options[] = {
	{ OPT_MAX_SIZE, "max-size", "MB", "create: the volume size limit in MiB (1 to 1000000;\n"
					  "default 650)" },
	{ OPT_MULTI, "multivolume", NULL, "create: VOL is a directory of images 001, 002, ...\n"
					  "filled evenly; a file that does not fit is split" },
	{ OPT_SERIAL, "serial", "S", "create: the set's serial number (1-28 of A-Z 0-9 _);\n"
				     "default: the time and a random part;\n"
				     "catalog: the serial the volumes must have" },
	{ OPT_FS, "fs", "TREES", "create: joliet, rockridge or both (default both);\n"
				 "list, copy: read the iso9660, joliet or rockridge tree" },
	{ OPT_AS, "as", "NEWNAME", "copy: the name to give the one NAME" },
	{ OPT_TO, "to", "DIR", "copy: the directory to copy into (default .)" },
	{ 'V', "verbose", NULL, "copy: name each file copied" },
	{ OPT_ADD, "add", NULL, "catalog: only for files that have a reference already" },
	{ OPT_JSON, "json", NULL, "where: as JSON" },
	{ OPT_AT, "at", "PATH", "link: where VOL's images are resident" },
	{ OPT_CATALOG, "catalog", "PATH", "the catalog (default $VOLARC_CATALOG, else\n"
					  VOLARC_CATALOG_DEFAULT ")" },
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec create_spec = {
	.name = "create",
	.synopsis = "volarc create VOL FILE|DIR... [--max-size MB] [--multivolume] [--serial S]\n"
		    "              [--fs joliet,rockridge]",
	.about = "write VOL, an image of at most --max-size MB",
	.options = options,
	.keys = (const int[]){ OPT_MAX_SIZE, OPT_MULTI, OPT_SERIAL, OPT_FS, 0 },
};

static const struct optspec list_spec = {
	.name = "list",
	.synopsis = "volarc list VOL[/NNN] [--fs iso9660|joliet|rockridge]",
	.about = "every file of the set (sha256, size, first volume, name) from any\n"
		 "one volume; with --fs, the files of that tree of the volume",
	.options = options,
	.keys = (const int[]){ OPT_FS, OPT_CATALOG, 0 },
};

static const struct optspec copy_spec = {
	.name = "copy",
	.synopsis = "volarc copy VOL NAME... [--as NEWNAME] [--to DIR] [--fs VIEW] [-V]",
	.about = "extract files (a directory: all below it) into --to DIR (default .),\n"
		 "each checked against its checksum, with its mode and time",
	.options = options,
	.keys = (const int[]){ OPT_AS, OPT_TO, OPT_FS, 'V', OPT_CATALOG, 0 },
};

static const struct optspec catalog_spec = {
	.name = "catalog",
	.synopsis = "volarc catalog VOL [--serial S] [--add]",
	.about = "read every file of the set and check it; only when all pass,\n"
		 "record a backup reference of each in the catalog",
	.options = options,
	.keys = (const int[]){ OPT_SERIAL, OPT_ADD, OPT_CATALOG, 0 },
};

static const struct optspec where_spec = {
	.name = "where",
	.synopsis = "volarc where FILE [--json]",
	.about = "the backup references of FILE, newest first",
	.options = options,
	.keys = (const int[]){ OPT_JSON, OPT_CATALOG, 0 },
};

static const struct optspec link_spec = {
	.name = "link",
	.synopsis = "volarc link VOL --at PATH",
	.about = "record that VOL's images are resident at PATH (copy and catalog\n"
		 "read them there)",
	.options = options,
	.keys = (const int[]){ OPT_AT, OPT_CATALOG, 0 },
};

static const struct optspec spec = {
	.synopsis = "volarc create|list|copy|catalog|where|link ARGS... [OPTIONS]",
	.about = "Volume archives: ISO 9660 images with Rock Ridge and Joliet, as many as the\n"
		 "files need (a volume set), and a catalog of which volume holds the backup\n"
		 "of which file. Every volume carries the directory of its whole set: names,\n"
		 "sizes, sha256 checksums and the volumes each file is on.",
	.options = options,
	.keys = (const int[]){ 0 },
	.subs = (const struct optspec *const[]){ &create_spec, &list_spec, &copy_spec, &catalog_spec,
						 &where_spec, &link_spec, NULL },
	.footer = "Exit status: 0 done; 1 failed (nothing written or recorded); 2 usage.\n",
};

/* What each subcommand runs, and how many operands it takes. */
static const struct {
	const struct optspec *spec;
	int (*fn)(struct volarc_opts *o);
	int min_args, max_args;         /* -1: any number */
} subcommands[] = {
	{ &create_spec, volarc_cmd_create, 2, -1 },
	{ &list_spec, volarc_cmd_list, 1, 1 },
	{ &copy_spec, volarc_cmd_copy, 2, -1 },
	{ &catalog_spec, volarc_cmd_catalog, 1, 1 },
	{ &where_spec, volarc_cmd_where, 1, 1 },
	{ &link_spec, volarc_cmd_link, 1, 1 },
};

static int parse_max_size(const char *s, uint64_t *bytes)
{
	char *end;
	errno = 0;
	unsigned long long mb = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || mb < 1 || mb > 1000000)
		return -1;
	*bytes = mb * VOLARC_MIB;
	return 0;
}

static int set_opt(struct volarc_opts *o, int c, const char *arg)
{
	char bad;
	switch (c) {
	case OPT_MAX_SIZE:
		if (parse_max_size(arg, &o->max_bytes) < 0) {
			errmsg("--max-size '%s': expected a whole number of MB from 1 to 1000000", arg);
			return -1;
		}
		break;
	case OPT_MULTI: o->multivolume = 1; break;
	case OPT_SERIAL:
		if (volarc_serial_check(arg, &bad) < 0) {
			if (bad)
				errmsg("--serial '%s': '%c' is not allowed: serials use A-Z, 0-9 and _", arg, bad);
			else
				errmsg("--serial '%s': 1 to %d characters", arg, VOLARC_SERIAL_MAX);
			return -1;
		}
		o->serial = arg;
		break;
	case OPT_FS: o->fs_arg = arg; break;
	case OPT_AS: o->as = arg; break;
	case OPT_TO: o->to = arg; break;
	case 'V': o->verbose = 1; break;
	case OPT_ADD: o->add = 1; break;
	case OPT_JSON: o->json = 1; break;
	case OPT_AT: o->at = arg; break;
	case OPT_CATALOG: o->catalog = arg; break;
	}
	return 0;
}

int cmd_volarc(int argc, char **argv)
{
	struct optparser p, q;
	int c;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0)
		;
	if (c == OPT_EXIT)
		return p.rc;
	if (p.ind >= argc)
		return opt_error(&p, "a subcommand is needed");
	const struct optspec *sub = opt_find_sub(&p);
	size_t s = 0;
	while (s < sizeof(subcommands) / sizeof(subcommands[0]) && subcommands[s].spec != sub)
		s++;
	if (!sub) {
		errmsg("'%s' is not a volarc command: create, list, copy, catalog, where or link", argv[p.ind]);
		return EXIT_USAGE;
	}
	struct volarc_opts o;
	memset(&o, 0, sizeof(o));
	o.max_bytes = (uint64_t)VOLARC_DEFAULT_MAX_MB * VOLARC_MIB;
	o.catalog = getenv("VOLARC_CATALOG");
	if (!o.catalog || !*o.catalog)
		o.catalog = VOLARC_CATALOG_DEFAULT;
	opt_init_sub(&q, &p, sub);
	while ((c = opt_next(&q)) > 0)
		if (set_opt(&o, c, q.arg) < 0)
			return EXIT_USAGE;
	if (c == OPT_EXIT)
		return q.rc;
	o.args = q.argv + q.ind;
	o.nargs = q.argc - q.ind;
	if (o.nargs < subcommands[s].min_args)
		return opt_error(&q, "arguments missing");
	if (subcommands[s].max_args >= 0 && o.nargs > subcommands[s].max_args)
		return opt_error(&q, "too many arguments");
	return subcommands[s].fn(&o);
}

/* ---- create ---- */

static volatile int stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* One progress line per volume (cmd/progress.h). */
struct create_line {
	struct progress p;
	unsigned index;
};

static void create_progress(void *ctx, unsigned index, unsigned count, uint64_t done, uint64_t total)
{
	struct create_line *l = ctx;
	if (index != l->index) {
		char what[64];
		snprintf(what, sizeof(what), "writing volume %u of %u", index, count);
		enum progress_mode mode = l->index ? l->p.mode : progress_mode(-1);
		if (l->index)
			progress_end(&l->p);
		progress_begin(&l->p, mode, what, total);
		l->index = index;
	}
	progress_show(&l->p, done, NULL, false);
}

/* A serial nobody typed: the creation time and 4 random hex digits, so
 * that two sets made in one second still differ. */
static void default_serial(time_t when, char *out, size_t len)
{
	struct tm tm;
	struct timespec ts;
	gmtime_r(&when, &tm);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	unsigned r = (unsigned)(ts.tv_nsec ^ (long)getpid() * 2654435761u) & 0xffff;
	snprintf(out, len, "%04d%02d%02d%02d%02d%02d_%04X", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, r);
}

static uint64_t piece_max(void)
{
	/* tests: pieces small enough to make many of them with small files */
	const char *t = testhook(HOOK_VOLARC_PIECE_MAX);
	if (t) {
		unsigned long long v = strtoull(t, NULL, 10);
		if (v >= VOLARC_SECTOR && v % VOLARC_SECTOR == 0 && v < VOLARC_PIECE_MAX)
			return v;
	}
	return VOLARC_PIECE_MAX;
}

int volarc_cmd_create(struct volarc_opts *o)
{
	unsigned fs = VOLARC_FS_ROCKRIDGE | VOLARC_FS_JOLIET;
	if (o->fs_arg && volarc_fs_parse(o->fs_arg, &fs) < 0) {
		errmsg("--fs '%s': expected joliet, rockridge or joliet,rockridge", o->fs_arg);
		return EXIT_USAGE;
	}
	const char *vol = o->args[0];
	struct volarc_input in;
	struct err e;
	char serial[VOLARC_SERIAL_MAX + 1];
	time_t now;
	if (sde_now(&now, &e) < 0) {
		errmsg("%s", e.msg);
		return EXIT_FAIL;
	}
	volarc_input_init(&in, fs);
	in.set.fs = fs;
	in.set.created = now;
	if (o->serial)
		snprintf(serial, sizeof(serial), "%s", o->serial);
	else
		default_serial(now, serial, sizeof(serial));
	snprintf(in.set.serial, sizeof(in.set.serial), "%s", serial);
	int rc = 0;
	for (int i = 1; i < o->nargs && rc == 0; i++)
		rc = volarc_input_add(&in, o->args[i], &e);
	if (rc == 0)
		rc = volarc_input_finish(&in, &e);
	if (rc < 0) {
		errmsg("%s", e.msg);
		volarc_input_release(&in);
		return EXIT_FAIL;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	struct create_line line = { .index = 0 };
	struct volarc_create_opts co = {
		.vol = vol, .max_bytes = o->max_bytes, .multivolume = o->multivolume, .piece_max = piece_max(),
		.progress = create_progress, .ctx = &line, .stop = &stop,
	};
	struct volarc_create_result res;
	rc = volarc_create(&in, &co, &res, &e);
	if (line.index)
		progress_end(&line.p);
	if (rc == -EFBIG && res.needed)
		errmsg("'%s': the files need a %" PRIu64 " MB volume, --max-size is %" PRIu64
		       " MB: use --multivolume for a volume set (nothing written)", vol,
		       (res.needed + VOLARC_MIB - 1) / VOLARC_MIB, o->max_bytes / VOLARC_MIB);
	else if (rc == -EINTR)
		errmsg("'%s': interrupted: nothing written", vol);
	else if (rc < 0)
		errmsg("'%s': %s%s", vol, e.msg, rc == -EEXIST ? "" : " (nothing written)");
	if (rc == 0) {
		size_t files = 0;
		for (size_t i = 0; i < in.set.nentries; i++)
			files += !in.set.entries[i].is_dir;
		printf("'%s': serial %s, %u volume%s, %zu files, %.1f MB\n", vol, in.set.serial, res.count,
		       res.count == 1 ? "" : "s", files, (double)res.bytes / VOLARC_MIB);
	}
	volarc_input_release(&in);
	if (rc < 0)
		return EXIT_FAIL;
	return close_stdout();
}

/* ---- list ---- */

static void print_entry(const struct volarc_entry *en, const char *sum)
{
	char *q = path_quote(en->name);
	printf("%s %12" PRIu64 " %3u %s\n", sum, en->size, volarc_entry_start(en), q);
	free(q);
}

/* list and copy: --fs, the catalog (for links) and the set VOL; 0, or
 * the exit status after one message. */
static int open_set(const struct volarc_opts *o, struct volarc_session *ses, struct volarc_reader **r)
{
	enum isofs_view view = ISOFS_VIEW_AUTO;
	struct err e;
	if (o->fs_arg && (isofs_view_parse(o->fs_arg, &view) < 0 || view == ISOFS_VIEW_AUTO)) {
		errmsg("--fs '%s': expected iso9660, joliet or rockridge", o->fs_arg);
		return EXIT_USAGE;
	}
	volarc_session_start(ses, o, 0);
	if (volarc_reader_open(o->args[0], view, &ses->links, r, &e) < 0) {
		errmsg("%s", e.msg);
		volarc_session_end(ses);
		return EXIT_FAIL;
	}
	return 0;
}

int volarc_cmd_list(struct volarc_opts *o)
{
	struct volarc_session ses;
	struct volarc_reader *r;
	struct err e;
	int status = open_set(o, &ses, &r);
	if (status)
		return status;
	for (size_t i = 0; i < r->set->nentries; i++) {
		const struct volarc_entry *en = &r->set->entries[i];
		if (en->is_dir)
			continue;
		if (!r->tree) {
			print_entry(en, en->sha256);
			continue;
		}
		/* a tree has no checksums: read the file */
		char sum[65];
		if (volarc_reader_read(r, en, NULL, NULL, sum, &e) < 0) {
			errmsg("%s", e.msg);
			status = EXIT_FAIL;
			continue;
		}
		print_entry(en, sum);
	}
	volarc_reader_close(r);
	volarc_session_end(&ses);
	if (close_stdout() != EXIT_OK)
		status = EXIT_FAIL;
	return status;
}

/* ---- copy ---- */

/* The entries NAME selects: itself, and for a directory all below it. */
static int selected(const char *name, const char *entry)
{
	size_t n = strlen(name);
	return strncmp(entry, name, n) == 0 && (entry[n] == '\0' || entry[n] == '/');
}

static char *dest_name(const char *name, const char *as, const char *entry)
{
	if (!as)
		return xstrdup(entry);
	size_t n = strlen(as) + strlen(entry) - strlen(name) + 1;
	char *d = xmalloc(n);
	snprintf(d, n, "%s%s", as, entry + strlen(name));
	return d;
}

/* NAME as typed: "/docs/" names "docs". */
static char *clean_name(const char *s)
{
	while (*s == '/')
		s++;
	char *n = xstrdup(s);
	size_t len = strlen(n);
	while (len > 0 && n[len - 1] == '/')
		n[--len] = '\0';
	return n;
}

/* A directory that could not be made ("in the way"): what lies below it
 * fails for the same reason, said once. */
struct blocked {
	char *dir;
};

static int is_blocked(const struct blocked *b, const char *dest)
{
	return b->dir && selected(b->dir, dest);
}

static void block(struct blocked *b, const struct volarc_entry *en, const char *dest, int rc)
{
	if (rc != -ENOTDIR)
		return;
	free(b->dir);
	b->dir = xstrdup(dest);
	if (!en->is_dir) {
		char *slash = strrchr(b->dir, '/');
		if (slash)
			*slash = '\0';
		else {
			free(b->dir);
			b->dir = NULL;
		}
	}
}

static int copy_one(struct volarc_reader *r, const struct volarc_opts *o, int dirfd, const char *name)
{
	const struct volarc_set *set = r->set;
	struct err e;
	struct blocked bl = { NULL };
	int failed = 0, found = 0, rc;
	for (size_t i = 0; i < set->nentries; i++) {
		const struct volarc_entry *en = &set->entries[i];
		if (!selected(name, en->name))
			continue;
		found = 1;
		char *dest = dest_name(name, o->as, en->name);
		if (is_blocked(&bl, dest)) {
			failed = 1;
		} else if ((rc = volarc_extract(r, en, dirfd, dest, &e)) < 0) {
			errmsg("%s", e.msg);
			block(&bl, en, dest, rc);
			failed = 1;
		} else if (o->verbose && !en->is_dir) {
			char *q = path_quote(dest);
			printf("%s\n", q);
			free(q);
		}
		free(dest);
	}
	/* directories last, deepest first: their times after their contents */
	for (size_t i = set->nentries; found && i-- > 0;) {
		const struct volarc_entry *en = &set->entries[i];
		if (!en->is_dir || !selected(name, en->name))
			continue;
		char *dest = dest_name(name, o->as, en->name);
		if (!is_blocked(&bl, dest) && volarc_relpath_ok(dest) &&
		    volarc_extract_dir_attrs(en, dirfd, dest, &e) < 0) {
			errmsg("%s", e.msg);
			failed = 1;
		}
		free(dest);
	}
	free(bl.dir);
	if (!found) {
		char *q = path_quote(name);
		errmsg("'%s': not in the set", q);
		free(q);
		return -1;
	}
	return failed ? -1 : 0;
}

int volarc_cmd_copy(struct volarc_opts *o)
{
	if (o->as && o->nargs != 2) {
		errmsg("--as names one file: give exactly one NAME with it");
		return EXIT_USAGE;
	}
	if (o->as && !volarc_relpath_ok(o->as)) {
		errmsg("--as '%s': a relative name without '..' (use --to for the directory)", o->as);
		return EXIT_USAGE;
	}
	struct volarc_session ses;
	struct volarc_reader *r;
	int status = open_set(o, &ses, &r);
	if (status)
		return status;
	struct err e;
	if (volarc_reader_check_names(r, &e) < 0) {
		errmsg("%s", e.msg);
		volarc_reader_close(r);
		volarc_session_end(&ses);
		return EXIT_FAIL;
	}
	const char *to = o->to ? o->to : ".";
	int dirfd = open(to, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		errmsg_errno(-errno, "--to '%s'", to);
		volarc_reader_close(r);
		volarc_session_end(&ses);
		return EXIT_FAIL;
	}
	for (int i = 1; i < o->nargs; i++) {
		char *name = clean_name(o->args[i]);
		if (copy_one(r, o, dirfd, name) < 0)
			status = EXIT_FAIL;
		free(name);
	}
	volarc_reader_close(r);
	volarc_session_end(&ses);
	close(dirfd);
	if (close_stdout() != EXIT_OK)
		status = EXIT_FAIL;
	return status;
}
