/* altkit isoread: list or extract files of an ISO 9660 volume through libiso9660. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "altkit.h"
#include "isofs.h"

static const char usage_text[] =
	"Usage: altkit isoread [--fs VIEW] ISO list\n"
	"       altkit isoread [--fs VIEW] ISO cat PATH\n"
	"List the files of an ISO 9660 volume (an image file or an optical drive such\n"
	"as /dev/sr0), or write one file to standard output.\n"
	"\n"
	"  --fs VIEW   auto (default), iso9660, joliet or rockridge\n";

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
	static const struct option longopts[] = {
		{ "fs", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum isofs_view view = ISOFS_VIEW_AUTO;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (isofs_view_parse(optarg, &view) < 0) {
				errmsg("--fs '%s': expected auto, iso9660, joliet or rockridge", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			print_usage(stdout, usage_text);
			return close_stdout();
		default:
			print_usage(stderr, usage_text);
			return EXIT_USAGE;
		}
	}
	int nargs = argc - optind;
	const char *what = nargs >= 2 ? argv[optind + 1] : "";
	if (!((nargs == 2 && strcmp(what, "list") == 0) || (nargs == 3 && strcmp(what, "cat") == 0))) {
		print_usage(stderr, usage_text);
		return EXIT_USAGE;
	}
	const char *image = argv[optind];
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
	if (rc < 0) {
		errmsg_errno(rc, "'%s'", image);
		return EXIT_FAIL;
	}
	if (strcmp(what, "list") == 0) {
		rc = isofs_walk(fs, print_entry, NULL);
		if (rc < 0)
			errmsg_errno(rc, "'%s': reading the directory tree", image);
	} else {
		fflush(stdout);
		rc = isofs_read_file(fs, argv[optind + 2], 1);
		if (rc < 0)
			errmsg_errno(rc, "'%s': '%s'", image, argv[optind + 2]);
	}
	isofs_close(fs);
	if (rc < 0)
		return EXIT_FAIL;
	return close_stdout();
}
