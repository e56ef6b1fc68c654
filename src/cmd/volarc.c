/* volarc: CD-ROM volume archives and their catalog (Unisys CopyWrite). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "altkit.h"
#include "pathquote.h"
#include "sde.h"
#include "volarc_cli.h"
#include "volarc_create.h"
#include "volarc_extract.h"
#include "xalloc.h"

static const char usage_text[] =
	"Usage: volarc create VOL FILE|DIR... [--max-size MB] [--multivolume] [--serial S]\n"
	"                     [--fs joliet,rockridge]\n"
	"       volarc list VOL[/NNN] [--fs iso9660|joliet|rockridge]\n"
	"       volarc copy VOL NAME... [--as NEWNAME] [--to DIR] [--fs VIEW] [-V]\n"
	"       volarc catalog VOL [--serial S] [--add]\n"
	"       volarc where FILE [--json]\n"
	"       volarc link VOL --at PATH\n"
	"Volume archives: ISO 9660 images with Rock Ridge and Joliet, as many as the\n"
	"files need (a volume set), and a catalog of which volume holds the backup\n"
	"of which file. Every volume carries the directory of its whole set: names,\n"
	"sizes, sha256 checksums and the volumes each file is on.\n"
	"\n"
	"create: write VOL, an image of at most --max-size MB (MiB; default 650).\n"
	"      --max-size MB     volume size limit (1 to 1000000)\n"
	"      --multivolume     VOL is a directory of images 001, 002, ... filled\n"
	"                        evenly; a file that does not fit is split\n"
	"      --serial S        the set's serial number (1-28 of A-Z 0-9 _);\n"
	"                        default: the time and a random part\n"
	"      --fs TREES        joliet, rockridge or both (default both)\n"
	"list: every file of the set (sha256, size, first volume, name) from any\n"
	"      one volume; with --fs, the files of that tree of the volume.\n"
	"copy: extract files (a directory: all below it) into --to DIR (default .),\n"
	"      each checked against its checksum, with its mode and time.\n"
	"      --as NEWNAME      the name to give the one NAME\n"
	"  -V, --verbose         name each file copied\n"
	"catalog: read every file of the set and check it; only when all pass,\n"
	"      record a backup reference of each in the catalog.\n"
	"      --serial S        the serial the volumes must have\n"
	"      --add             only for files that have a reference already\n"
	"where: the backup references of FILE, newest first (--json: as JSON).\n"
	"link: record that VOL's images are resident at PATH (copy and catalog\n"
	"      read them there).\n"
	"\n"
	"      --catalog PATH    the catalog (default $VOLARC_CATALOG, else\n"
	"                        " VOLARC_CATALOG_DEFAULT ")\n"
	"  -h, --help            this help      --version   altkit's version\n"
	"\n"
	"Exit status: 0 done; 1 failed (nothing written or recorded); 2 usage.\n";

enum {
	OPT_MAX_SIZE = 256, OPT_MULTI, OPT_SERIAL, OPT_FS, OPT_AS, OPT_TO, OPT_ADD, OPT_JSON, OPT_AT,
	OPT_CATALOG, OPT_VERSION,
};

static const struct option longopts[] = {
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "multivolume", no_argument, NULL, OPT_MULTI },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "fs", required_argument, NULL, OPT_FS },
	{ "as", required_argument, NULL, OPT_AS },
	{ "to", required_argument, NULL, OPT_TO },
	{ "verbose", no_argument, NULL, 'V' },
	{ "add", no_argument, NULL, OPT_ADD },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "at", required_argument, NULL, OPT_AT },
	{ "catalog", required_argument, NULL, OPT_CATALOG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* Which options each subcommand takes. */
static const struct {
	const char *name;
	int (*fn)(struct volarc_opts *o);
	int min_args, max_args;         /* -1: any number */
	const int *opts;
} subcommands[] = {
	{ "create", volarc_cmd_create, 2, -1, (const int[]){ OPT_MAX_SIZE, OPT_MULTI, OPT_SERIAL, OPT_FS, 0 } },
	{ "list", volarc_cmd_list, 1, 1, (const int[]){ OPT_FS, OPT_CATALOG, 0 } },
	{ "copy", volarc_cmd_copy, 2, -1, (const int[]){ OPT_AS, OPT_TO, OPT_FS, 'V', OPT_CATALOG, 0 } },
	{ "catalog", volarc_cmd_catalog, 1, 1, (const int[]){ OPT_SERIAL, OPT_ADD, OPT_CATALOG, 0 } },
	{ "where", volarc_cmd_where, 1, 1, (const int[]){ OPT_JSON, OPT_CATALOG, 0 } },
	{ "link", volarc_cmd_link, 1, 1, (const int[]){ OPT_AT, OPT_CATALOG, 0 } },
};

static const char *opt_name(int c)
{
	if (c == 'V')
		return "-V";
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

static int takes(const int *opts, int c)
{
	for (; *opts; opts++)
		if (*opts == c)
			return 1;
	return 0;
}

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
	if (argc < 2) {
		print_usage(stderr, usage_text);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		print_usage(stdout, usage_text);
		return close_stdout();
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("volarc (altkit) %s\n", ALTKIT_VERSION);
		return close_stdout();
	}
	size_t s;
	for (s = 0; s < sizeof(subcommands) / sizeof(subcommands[0]); s++)
		if (strcmp(argv[1], subcommands[s].name) == 0)
			break;
	if (s == sizeof(subcommands) / sizeof(subcommands[0])) {
		errmsg("'%s' is not a volarc command: create, list, copy, catalog, where or link", argv[1]);
		return EXIT_USAGE;
	}
	struct volarc_opts o;
	memset(&o, 0, sizeof(o));
	o.max_bytes = (uint64_t)VOLARC_DEFAULT_MAX_MB * VOLARC_MIB;
	o.catalog = getenv("VOLARC_CATALOG");
	if (!o.catalog || !*o.catalog)
		o.catalog = VOLARC_CATALOG_DEFAULT;
	int c;
	/* argv[1] (the subcommand) is getopt's argv[0] */
	while ((c = getopt_long(argc - 1, argv + 1, "hV", longopts, NULL)) != -1) {
		if (c == 'h') {
			print_usage(stdout, usage_text);
			return close_stdout();
		}
		if (c == OPT_VERSION) {
			printf("volarc (altkit) %s\n", ALTKIT_VERSION);
			return close_stdout();
		}
		if (c == '?') {
			print_usage(stderr, usage_text);
			return EXIT_USAGE;
		}
		if (!takes(subcommands[s].opts, c)) {
			errmsg("%s: --%s is not an option of this command", argv[1], opt_name(c));
			return EXIT_USAGE;
		}
		if (set_opt(&o, c, optarg) < 0)
			return EXIT_USAGE;
	}
	o.args = argv + 1 + optind;
	o.nargs = argc - 1 - optind;
	if (o.nargs < subcommands[s].min_args ||
	    (subcommands[s].max_args >= 0 && o.nargs > subcommands[s].max_args)) {
		errmsg("%s: %s", argv[1], o.nargs < subcommands[s].min_args ? "arguments missing" : "too many arguments");
		print_usage(stderr, usage_text);
		return EXIT_USAGE;
	}
	return subcommands[s].fn(&o);
}

/* ---- create ---- */

static volatile int stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void create_progress(void *ctx, unsigned index, unsigned count, uint64_t done, uint64_t total)
{
	static time_t last;
	time_t now = time(NULL);
	if (now == last && done != total)
		return;
	last = now;
	fprintf(stderr, "\r%s: writing volume %u of %u: %3d%%%s", altkit_cmd, index, count,
		total ? (int)(100 * done / total) : 100, done == total ? "\r\033[K" : "");
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
	const char *t = getenv("VOLARC_TEST_PIECE_MAX");
	if (t && *t) {
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
	time_t now = sde_now();
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
	struct volarc_create_opts co = {
		.vol = vol, .max_bytes = o->max_bytes, .multivolume = o->multivolume, .piece_max = piece_max(),
		.progress = isatty(2) ? create_progress : NULL, .stop = &stop,
	};
	struct volarc_create_result res;
	rc = volarc_create(&in, &co, &res, &e);
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

static int copy_one(struct volarc_reader *r, const struct volarc_opts *o, int dirfd, const char *name)
{
	const struct volarc_set *set = r->set;
	struct err e;
	int failed = 0, found = 0;
	for (size_t i = 0; i < set->nentries; i++) {
		const struct volarc_entry *en = &set->entries[i];
		if (!selected(name, en->name))
			continue;
		found = 1;
		char *dest = dest_name(name, o->as, en->name);
		if (volarc_extract(r, en, dirfd, dest, &e) < 0) {
			errmsg("%s", e.msg);
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
		if (volarc_relpath_ok(dest) && volarc_extract_dir_attrs(en, dirfd, dest, &e) < 0) {
			errmsg("%s", e.msg);
			failed = 1;
		}
		free(dest);
	}
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
