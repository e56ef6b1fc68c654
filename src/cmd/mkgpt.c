/* altkit mkgpt: write a new GPT with libfdisk (the disk-preparation step of
 * alt_disk_copy, usable on its own in the recovery shell and in tests). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "altkit.h"
#include "gpt.h"
#include "opt.h"

static const struct opt options[] = {
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec spec = {
	.synopsis = "altkit mkgpt DISK PART...",
	.about = "Replace the partition table of DISK with a new GPT holding PART in order.\n"
		 "ALL DATA ON DISK IS LOST.",
	.options = options,
	.footer = "PART is TYPE:SIZE, TYPE one of esp, lvm, linux; SIZE like 260M, 2G, or\n"
		  "'rest' for the remainder of the disk (last PART only).\n"
		  "Example: altkit mkgpt /dev/vdb esp:260M lvm:rest\n",
};

int cmd_mkgpt(int argc, char **argv)
{
	int c;
	struct optparser p;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0)
		;
	if (c == OPT_EXIT)
		return p.rc;
	if (argc - p.ind < 2)
		return opt_error(&p, "DISK and at least one PART are needed");
	const char *disk = argv[p.ind];
	size_t n = (size_t)(argc - p.ind - 1);
	struct gpt_part parts[128];
	if (n > 128) {
		errmsg("at most 128 partitions");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		const char *part = argv[p.ind + 1 + i];
		if (gpt_part_parse(part, &parts[i]) < 0) {
			errmsg("'%s': not a partition (TYPE:SIZE with TYPE esp, lvm or linux)", part);
			return EXIT_USAGE;
		}
		if (parts[i].size == 0 && i + 1 != n) {
			errmsg("'%s': only the last partition can take the rest of the disk", part);
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
