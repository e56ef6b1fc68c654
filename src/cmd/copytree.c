/* copytree: copy a directory tree, losing nothing a root filesystem holds. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "altkit.h"
#include "blockdev.h"
#include "exclude_cli.h"
#include "copytree.h"
#include "exclude.h"
#include "opt.h"
#include "pathquote.h"
#include "progress.h"
#include "treediff.h"
#include "xalloc.h"

enum { OPT_VERIFY = OPT_LONG, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_JSON };

static const struct opt options[] = {
	{ 'e', "exclude", "FILE", "leave out paths matching a pattern of FILE: one POSIX\n"
				  "basic regular expression per line, matched against\n"
				  "./path (a directory as ./dir, its contents ./dir/...)" },
	{ 'f', "force", NULL, "copy into a DST that is not empty (same-named entries\n"
			      "are replaced, directories merged, others kept)" },
	{ 'V', "verbose", NULL, "list every entry copied (on standard output)" },
	{ OPT_VERIFY, "verify", NULL, "compare SRC and DST afterwards (as treediff) and list\n"
				      "each difference; exit 1 when there is any" },
	{ OPT_PROGRESS, "progress", NULL, "show progress on standard error (default: on a terminal)" },
	{ OPT_NO_PROGRESS, "no-progress", NULL, "never show progress" },
	{ OPT_JSON, "json", NULL, "print a summary as JSON on standard output" },
	{ 'j', "threads", "N", "worker threads (default: twice the CPUs, 2 to 16)" },
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec spec = {
	.synopsis = "copytree SRC DST [OPTIONS]",
	.about = "Copy the directory tree SRC to DST (made when missing), keeping hard links,\n"
		 "symlinks (never followed), devices, FIFOs, sockets, owners, modes, nanosecond\n"
		 "times, xattrs and ACLs, inode flags and holes. Stays on SRC's filesystem:\n"
		 "mount points become empty directories.",
	.options = options,
	.footer = "Exit status: 0 when everything was copied (and verified), 1 when something\n"
		  "failed or differs, 2 for a bad invocation or exclude list.\n",
};

struct errrec {
	char *path, *op, *error;
};

struct run {
	const char *src, *dst;
	bool verbose, json, watched;    /* watched: a progress line was asked for */
	struct copytree_stats st;
	struct progress prog;
	struct errrec *errs;
	size_t nerrs, errs_cap;
	struct timespec t0;
};

static double elapsed(const struct run *r)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - r->t0.tv_sec) + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e9;
}

/* "SRC" + "./a/b" -> "SRC/a/b" */
static char *full_path(const char *top, const char *rel)
{
	if (strcmp(rel, ".") == 0)
		return xstrdup(top);
	rel += 2;
	size_t tl = strlen(top);
	while (tl > 1 && top[tl - 1] == '/')
		tl--;
	size_t rl = strlen(rel);
	char *p = xmalloc(tl + rl + 2);
	memcpy(p, top, tl);
	size_t at = tl;
	if (!(tl == 1 && top[0] == '/'))
		p[at++] = '/';
	memcpy(p + at, rel, rl + 1);
	return p;
}

static const char *reason(int err)
{
	return err >= CTE_BASE ? copytree_strerror(err) : strerror(err);
}

static void remember(struct run *r, const char *path, const char *op, const char *err)
{
	if (!r->json)
		return;
	if (r->nerrs == r->errs_cap) {
		r->errs_cap = r->errs_cap ? 2 * r->errs_cap : 16;
		r->errs = xrealloc(r->errs, r->errs_cap * sizeof(*r->errs));
	}
	r->errs[r->nerrs++] = (struct errrec){ xstrdup(path), xstrdup(op), xstrdup(err) };
}

/* The one place copy errors become messages. */
static void on_report(void *arg, const struct copytree_report *rep)
{
	struct run *r = arg;
	const char *top = rep->side == CT_SRC ? r->src : r->dst;
	char *path = full_path(top, rep->path);
	char *q = path_quote(path);
	progress_pause(&r->prog);
	switch (rep->kind) {
	case CT_COPIED: {
		char *rq = path_quote(rep->path);
		FILE *out = r->json ? stderr : stdout;
		fprintf(out, "%s\n", rq);
		free(rq);
		break;
	}
	case CT_EXCLUDED: {
		char *rq = path_quote(rep->path);
		errmsg("excluded '%s'", rq);
		free(rq);
		break;
	}
	case CT_VANISHED:
		errmsg("'%s' vanished during the copy", q);
		break;
	case CT_ERROR:
	case CT_FATAL:
		if (strcmp(rep->path, ".") == 0 && rep->err >= CTE_BASE) {
			char *sq = path_quote(r->src);
			switch (rep->err) {
			case CTE_DST_NOT_EMPTY:
				errmsg("'%s' is not empty (use --force to copy into it)", q);
				break;
			case CTE_DST_IN_SRC:
				errmsg("'%s' is inside '%s'", q, sq);
				break;
			case CTE_DST_IS_SRC:
				errmsg("'%s' is the same directory as '%s'", q, sq);
				break;
			case CTE_SRC_NOT_DIR:
			case CTE_DST_NOT_DIR:
				errmsg("'%s' is not a directory", q);
				break;
			default:
				errmsg("cannot %s '%s': %s", rep->op, q, reason(rep->err));
			}
			free(sq);
		} else if (rep->detail && strcmp(rep->op, "set xattr") == 0) {
			errmsg("cannot set xattr '%s' on '%s': %s", rep->detail, q, reason(rep->err));
		} else if (rep->detail && strcmp(rep->op, "remove xattr") == 0) {
			errmsg("cannot remove xattr '%s' from '%s': %s", rep->detail, q,
			       reason(rep->err));
		} else {
			errmsg("cannot %s '%s': %s", rep->op, q, reason(rep->err));
		}
		remember(r, path, rep->op, reason(rep->err));
		break;
	}
	progress_resume(&r->prog);
	free(q);
	free(path);
}

/* The progress line's figures (cmd/progress.h). */
static bool poll_copy(void *arg, uint64_t *done, uint64_t *total, char *detail, size_t len)
{
	struct run *r = arg;
	(void)total;
	uint64_t files = atomic_load(&r->st.files), dirs = atomic_load(&r->st.dirs);
	*done = atomic_load(&r->st.bytes);
	snprintf(detail, len, "%llu file%s, %llu dir%s", (unsigned long long)files, files == 1 ? "" : "s",
		 (unsigned long long)dirs, dirs == 1 ? "" : "s");
	return atomic_load(&r->st.flushing);
}

/* What the copy of SRC is expected to write, for the time left: what its
 * filesystem holds when SRC is that filesystem's root; else not known. */
static uint64_t expected_bytes(const char *src)
{
	struct stat a, b;
	struct statvfs sv;
	size_t n = strlen(src) + 4;
	char *up = xmalloc(n);
	snprintf(up, n, "%s/..", src);
	bool root = stat(src, &a) == 0 && stat(up, &b) == 0 &&
		    (a.st_dev != b.st_dev || a.st_ino == b.st_ino);
	free(up);
	if (!root || statvfs(src, &sv) != 0)
		return 0;
	return (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
}

static void json_string(FILE *out, const char *s)
{
	char *q = path_json(s);
	fputs(q, out);
	free(q);
}

#define U(x) ((unsigned long long)atomic_load(&(x)))
/* plural ending: "file" + "s", "director" + "y"/"ies" */
#define S(x, many) (U(x) == 1 ? ((many)[0] == 'i' ? "y" : "") : (many))

static void print_json(struct run *r, const char *status, double secs, long diffs)
{
	printf("{\"src\":");
	json_string(stdout, r->src);
	printf(",\"dst\":");
	json_string(stdout, r->dst);
	printf(",\"status\":\"%s\",\"files\":%llu,\"dirs\":%llu,\"symlinks\":%llu,"
	       "\"specials\":%llu,\"hardlinks\":%llu,\"mountpoints\":%llu,\"excluded\":%llu,"
	       "\"vanished\":%llu,\"bytes\":%llu,\"failures\":%llu,\"seconds\":%.3f",
	       status, U(r->st.files), U(r->st.dirs), U(r->st.symlinks), U(r->st.specials),
	       U(r->st.hardlinks), U(r->st.mountpoints), U(r->st.excluded), U(r->st.vanished),
	       U(r->st.bytes), U(r->st.failures), secs);
	if (diffs >= 0)
		printf(",\"differences\":%ld", diffs);
	printf(",\"errors\":[");
	for (size_t i = 0; i < r->nerrs; i++) {
		printf(i ? ",{\"path\":" : "{\"path\":");
		json_string(stdout, r->errs[i].path);
		printf(",\"op\":");
		json_string(stdout, r->errs[i].op);
		printf(",\"error\":");
		json_string(stdout, r->errs[i].error);
		putchar('}');
	}
	printf("]}\n");
}

/* --verify: differences on standard output, like treediff. */
static void on_diff(void *arg, const char *path, const char *what)
{
	struct run *r = arg;
	char *q = path_quote(path);
	FILE *out = r->json ? stderr : stdout;
	fprintf(out, "%s: %s\n", q, what);
	free(q);
}

static void on_diff_error(void *arg, int side, const char *path, const char *op, int err)
{
	struct run *r = arg;
	char *full = full_path(side == 0 ? r->src : r->dst, path);
	char *q = path_quote(full);
	errmsg("verify: cannot %s '%s': %s", op, q, strerror(err));
	free(q);
	free(full);
}

/* What the command line asks for, besides the run's own fields. */
struct request {
	const char *exclude_file;
	bool verify;
	int progress;                   /* -1: on a terminal */
	int threads;
	unsigned flags;
};

/* The options and operands into r and q; whether the copy goes on, else
 * *status is what the command returns (--help, --version, a bad option). */
static bool parse_args(int argc, char **argv, struct run *r, struct request *q, int *status)
{
	struct optparser p;
	int c;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0) {
		switch (c) {
		case 'e': q->exclude_file = p.arg; break;
		case 'f': q->flags |= COPYTREE_FORCE; break;
		case 'V':
			r->verbose = true;
			q->flags |= COPYTREE_VERBOSE;
			break;
		case OPT_VERIFY: q->verify = true; break;
		case OPT_PROGRESS: q->progress = 1; break;
		case OPT_NO_PROGRESS: q->progress = 0; break;
		case OPT_JSON: r->json = true; break;
		case 'j': {
			char *end;
			long n = strtol(p.arg, &end, 10);
			if (*end || n < 1 || n > 256) {
				errmsg("'%s' is not a number of threads (1 to 256)", p.arg);
				*status = EXIT_USAGE;
				return false;
			}
			q->threads = (int)n;
			break;
		}
		}
	}
	if (c == OPT_EXIT) {
		*status = p.rc;
		return false;
	}
	if (argc - p.ind != 2) {
		*status = opt_error(&p, argc - p.ind < 2 ? "SRC and DST are needed" : "too many arguments");
		return false;
	}
	r->src = argv[p.ind];
	r->dst = argv[p.ind + 1];
	return true;
}

/* The copy, with the progress line beside it when asked. */
static int copy_with_progress(struct run *r, const struct request *q, struct exclude *ex)
{
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	enum progress_mode mode = progress_mode(q->progress);
	r->watched = mode != PROGRESS_OFF;
	progress_begin(&r->prog, mode, NULL, mode ? expected_bytes(r->src) : 0);
	progress_watch(&r->prog, poll_copy, r);
	struct copytree_opts o = {
		.src = r->src, .dst = r->dst, .exclude = ex, .flags = q->flags,
		.threads = q->threads, .report = on_report, .arg = r,
	};
	int rc = copytree(&o, &r->st);
	progress_end(&r->prog);
	return rc;
}

/* --verify: the number of differences (one message when any); -1 when
 * the comparison failed. */
static long verify_copy(struct run *r, struct exclude *ex)
{
	struct treediff_opts t = {
		.a = r->src, .b = r->dst, .name_a = "SRC", .name_b = "DST", .exclude = ex,
		.diff = on_diff, .error = on_diff_error, .arg = r,
	};
	struct treediff_stats ts = { 0 };
	int vr = treediff(&t, &ts);
	long diffs = (long)ts.differences;
	if (diffs)
		errmsg("verify: %ld difference%s between '%s' and '%s'", diffs, diffs == 1 ? "" : "s",
		       r->src, r->dst);
	return vr < 0 && !diffs ? -1 : diffs;
}

/* The closing line on standard error: where a stopped copy ended, or the
 * counts when something failed or the user watches. */
static void summary(struct run *r, int rc, double secs)
{
	uint64_t failures = atomic_load(&r->st.failures);
	char b[32];
	format_size(atomic_load(&r->st.bytes), b, sizeof(b));
	if (rc < 0 && atomic_load(&r->st.started)) {
		errmsg("stopped after %llu file%s, %s: '%s' is incomplete", U(r->st.files),
		       S(r->st.files, "s"), b, r->dst);
	} else if (rc == 0 && (failures || r->verbose || r->watched)) {
		char tail[64] = "";
		if (failures)
			snprintf(tail, sizeof(tail), "; %llu failed", (unsigned long long)failures);
		errmsg("%llu file%s, %llu director%s, %llu symlink%s, %llu special file%s, "
		       "%llu hard link%s, %s in %.1f s%s",
		       U(r->st.files), S(r->st.files, "s"), U(r->st.dirs), S(r->st.dirs, "ies"),
		       U(r->st.symlinks), S(r->st.symlinks, "s"), U(r->st.specials),
		       S(r->st.specials, "s"), U(r->st.hardlinks), S(r->st.hardlinks, "s"), b, secs,
		       tail);
	}
}

static void run_release(struct run *r)
{
	for (size_t i = 0; i < r->nerrs; i++) {
		free(r->errs[i].path);
		free(r->errs[i].op);
		free(r->errs[i].error);
	}
	free(r->errs);
}

int cmd_copytree(int argc, char **argv)
{
	struct run r;
	struct request q = { .progress = -1 };
	memset(&r, 0, sizeof(r));
	int status;
	if (!parse_args(argc, argv, &r, &q, &status))
		return status;
	struct exclude *ex;
	if (load_exclude_list(q.exclude_file, &ex) < 0)
		return EXIT_USAGE;

	int rc = copy_with_progress(&r, &q, ex);
	double secs = elapsed(&r);
	status = rc < 0 || atomic_load(&r.st.failures) ? EXIT_FAIL : EXIT_OK;
	long diffs = -1;
	if (q.verify && rc == 0) {
		diffs = verify_copy(&r, ex);
		if (diffs)
			status = EXIT_FAIL;
		if (diffs < 0)
			diffs = 0;
	}
	summary(&r, rc, secs);
	if (r.json)
		print_json(&r, rc < 0 ? "stopped" : status ? "failed" : "ok", secs, diffs);
	run_release(&r);
	exclude_free(ex);
	if (close_stdout() != EXIT_OK)
		return EXIT_FAIL;
	return status;
}
