/* altkit isoread: list or extract files of an ISO 9660 volume through libiso9660. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "altkit.h"
#include "isofs.h"
#include "opt.h"

enum { OPT_FS = OPT_LONG };

static const struct opt options[] = {
	{ OPT_FS, "fs", "VIEW", "auto (default), iso9660, joliet or rockridge" },
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec spec = {
	.synopsis = "altkit isoread [--fs VIEW] ISO list\n"
		    "altkit isoread [--fs VIEW] ISO cat PATH",
	.about = "List the files of an ISO 9660 volume (an image file or an optical drive such\n"
		 "as /dev/sr0), or write one file to standard output.",
	.options = options,
};

static int print_entry(const struct isofs_entry *e, void *arg)
{
	char when[32];
	struct tm tm;
	gmtime_r(&e->mtime, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("%c %04o %12llu %s %s\n", e->is_dir ? 'd' : '-', (unsigned)(e->mode & 07777),
	       (unsigned long long)e->size, when, e->path);
	return 0;
}

int cmd_isoread(int argc, char **argv)
{
	enum isofs_view view = ISOFS_VIEW_AUTO;
	int c;
	struct optparser p;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0) {
		if (c == OPT_FS && isofs_view_parse(p.arg, &view) < 0) {
			errmsg("--fs '%s': expected auto, iso9660, joliet or rockridge", p.arg);
			return EXIT_USAGE;
		}
	}
	if (c == OPT_EXIT)
		return p.rc;
	int nargs = argc - p.ind;
	const char *what = nargs >= 2 ? argv[p.ind + 1] : "";
	if (!((nargs == 2 && strcmp(what, "list") == 0) || (nargs == 3 && strcmp(what, "cat") == 0)))
		return opt_error(&p, "expected ISO list, or ISO cat PATH");
	const char *image = argv[p.ind];
	struct isofs *fs;
	int rc = isofs_open(image, view, &fs);
	if (rc == -EMEDIUMTYPE) {
		errmsg("'%s': no ISO 9660 volume found", image);
		return EXIT_FAIL;
	}
	if (rc == -ENOTSUP) {
		errmsg("'%s': the volume has no %s tree", image, view == ISOFS_VIEW_JOLIET ? "Joliet" : "Rock Ridge");
		return EXIT_FAIL;
	}
	if (rc == -EISDIR || rc == -ENODEV) {
		errmsg("'%s': %s, not an image file or optical drive", image,
		       rc == -EISDIR ? "a directory" : "a FIFO, socket or character device");
		return EXIT_FAIL;
	}
	if (rc < 0) {
		errmsg_errno(rc, "'%s'", image);
		return EXIT_FAIL;
	}
	if (strcmp(what, "list") == 0) {
		struct err e;
		rc = isofs_walk(fs, print_entry, NULL, &e);
		if (rc < 0)
			errmsg("'%s': %s", image, e.msg);
	} else {
		fflush(stdout);
		rc = isofs_read_file(fs, argv[p.ind + 2], 1);
		if (rc == -EUCLEAN)
			errmsg("'%s': '%s': damaged directory tree: a directory on the way runs past the end "
			       "of the volume", image, argv[p.ind + 2]);
		else if (rc < 0)
			errmsg_errno(rc, "'%s': '%s'", image, argv[p.ind + 2]);
	}
	isofs_close(fs);
	if (rc < 0)
		return EXIT_FAIL;
	return close_stdout();
}
