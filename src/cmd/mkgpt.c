/* altkit mkgpt: write a new GPT with libfdisk (the disk-preparation step of
 * alt_disk_copy, usable on its own in the recovery shell and in tests). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "altkit.h"
#include "gpt.h"

static const char usage_text[] =
	"Usage: altkit mkgpt DISK PART...\n"
	"Replace the partition table of DISK with a new GPT holding PART in order.\n"
	"ALL DATA ON DISK IS LOST.\n"
	"\n"
	"PART is TYPE:SIZE, TYPE one of esp, lvm, linux; SIZE like 260M, 2G, or\n"
	"'rest' for the remainder of the disk (last PART only).\n"
	"Example: altkit mkgpt /dev/vdb esp:260M lvm:rest\n";

int cmd_mkgpt(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			print_usage(stdout, usage_text);
			return close_stdout();
		}
		print_usage(stderr, usage_text);
		return EXIT_USAGE;
	}
	if (argc - optind < 2) {
		print_usage(stderr, usage_text);
		return EXIT_USAGE;
	}
	const char *disk = argv[optind];
	size_t n = (size_t)(argc - optind - 1);
	struct gpt_part parts[128];
	if (n > 128) {
		errmsg("at most 128 partitions");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		const char *spec = argv[optind + 1 + i];
		if (gpt_part_parse(spec, &parts[i]) < 0) {
			errmsg("'%s': not a partition (TYPE:SIZE with TYPE esp, lvm or linux)", spec);
			return EXIT_USAGE;
		}
		if (parts[i].size == 0 && i + 1 != n) {
			errmsg("'%s': only the last partition can take the rest of the disk", spec);
			return EXIT_USAGE;
		}
	}
	int rc = gpt_create(disk, parts, n);
	if (rc < 0) {
		errmsg_errno(rc, "'%s': cannot write a GPT", disk);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
