/* treediff: compare two trees, contents and metadata. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "altkit.h"
#include "exclude_cli.h"
#include "exclude.h"
#include "opt.h"
#include "pathquote.h"
#include "treediff.h"
#include "xalloc.h"

enum { OPT_NO_ATIME = OPT_LONG, OPT_NO_DATA };

static const struct opt options[] = {
	{ 'e', "exclude", "FILE", "leave out paths matching a pattern of FILE (as copytree)" },
	{ OPT_NO_ATIME, "no-atime", NULL, "do not compare access times" },
	{ OPT_NO_DATA, "no-data", NULL, "do not compare file contents" },
	{ 'q', "quiet", NULL, "print nothing, only set the exit status" },
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec spec = {
	.synopsis = "treediff A B [OPTIONS]",
	.about = "Compare the directory trees A and B: contents (holes too), type, mode, owner,\n"
		 "nanosecond times, size, device numbers, symlink targets, hard links, xattrs and\n"
		 "ACLs, inode flags. Prints one line per difference: PATH: WHAT. Stays on each\n"
		 "tree's filesystem (mount points are compared by type only); the access time of\n"
		 "symlinks is not compared.",
	.options = options,
	.footer = "Exit status: 0 when the trees are the same, 1 when they differ, 2 on trouble\n"
		  "(a bad invocation, a tree that cannot be read).\n",
};

struct tdrun {
	const char *top[2];
	bool quiet;
};

static void on_diff(void *arg, const char *path, const char *what)
{
	struct tdrun *r = arg;
	if (r->quiet)
		return;
	char *q = path_quote(path);
	printf("%s: %s\n", q, what);
	free(q);
}

static void on_error(void *arg, int side, const char *path, const char *op, int err)
{
	struct tdrun *r = arg;
	const char *top = r->top[side];
	char *full;
	if (strcmp(path, ".") == 0) {
		full = xstrdup(top);
	} else {
		size_t tl = strlen(top), pl = strlen(path + 2);
		full = xmalloc(tl + pl + 2);
		memcpy(full, top, tl);
		full[tl] = '/';
		memcpy(full + tl + 1, path + 2, pl + 1);
	}
	char *q = path_quote(full);
	errmsg("cannot %s '%s': %s", op, q, strerror(err));
	free(q);
	free(full);
}

int cmd_treediff(int argc, char **argv)
{
	struct tdrun r = { { NULL, NULL }, false };
	const char *exclude_file = NULL;
	unsigned flags = 0;
	int c;
	struct optparser p;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0) {
		switch (c) {
		case 'e': exclude_file = p.arg; break;
		case OPT_NO_ATIME: flags |= TREEDIFF_NO_ATIME; break;
		case OPT_NO_DATA: flags |= TREEDIFF_NO_DATA; break;
		case 'q': r.quiet = true; break;
		}
	}
	if (c == OPT_EXIT)
		return p.rc;
	if (argc - p.ind != 2)
		return opt_error(&p, argc - p.ind < 2 ? "A and B are needed" : "too many arguments");
	r.top[0] = argv[p.ind];
	r.top[1] = argv[p.ind + 1];

	struct exclude *ex;
	if (load_exclude_list(exclude_file, &ex) < 0)
		return EXIT_USAGE;
	struct treediff_opts o = {
		.a = r.top[0], .b = r.top[1], .exclude = ex, .flags = flags,
		.diff = on_diff, .error = on_error, .arg = &r,
	};
	struct treediff_stats st = { 0 };
	int rc = treediff(&o, &st);
	exclude_free(ex);
	if (close_stdout() != EXIT_OK)
		return EXIT_USAGE;
	return rc < 0 ? EXIT_USAGE : rc ? EXIT_FAIL : EXIT_OK;
}
