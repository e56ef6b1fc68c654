/* bootlist: show and set the firmware boot list (UEFI, through efivarfs).
 *
 * As on AIX: -m normal is the list the machine boots from, -m service the
 * one it boots from once (BootNext), -m prevboot what it booted this time.
 * A disk booted by altkit gets one Boot#### load option that starts the
 * EFI-stub kernel on its ESP with the command line naming its VG
 * (altkit.vg=UUID); a distribution's disk keeps the entry its system has
 * (GRUB's config names the VG), or gets one for the one loader on its ESP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altkit.h"
#include "bootdisk.h"
#include "bootlist.h"
#include "efivars.h"
#include "json.h"
#include "opt.h"
#include "xalloc.h"

enum { OPT_JSON = OPT_LONG };

static const struct opt options[] = {
	{ 'm', "mode", "MODE", "normal: the boot order (BootOrder): DISK... go first\n"
			       "service: boot one DISK once, at the next start (BootNext)\n"
			       "both: both of the above\n"
			       "prevboot: show what the firmware booted this time (BootCurrent)" },
	{ 'o', NULL, NULL, "print the list: disk, Boot####, volume group, description" },
	{ 'i', NULL, NULL, "take altkit's entries out of the list (BootOrder for normal,\n"
			   "BootNext for service); the Boot#### entries are kept" },
	{ 'f', NULL, "FILE", "also write the list to FILE" },
	{ OPT_JSON, "json", NULL, "the list as JSON on standard output: {\"normal\": [{\"disk\",\n"
				   "\"entry\", \"vg\", \"description\"}, ...], \"service\": [...]}" },
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec spec = {
	.synopsis = "bootlist -m normal|service|both|prevboot [-o] [--json] [-i] [-f FILE] [DISK...]",
	.about = "Show and set the firmware (UEFI) boot list.",
	.options = options,
	.footer = "A DISK (vdb or /dev/vdb) has a GPT, an EFI system partition and a volume\n"
		  "group. With EFI/altkit/vmlinuz.efi and initramfs.img on the ESP, its entry\n"
		  "boots that kernel with EFI/altkit/cmdline, or with initrd= and altkit.vg=.\n"
		  "Otherwise (a distribution's disk) the entry that starts its ESP is used,\n"
		  "or one is made for its one loader (EFI/<vendor>/shimx64.efi or grubx64.efi).\n"
		  "The list is changed completely or not at all.\n",
};

struct mode {
	const char *name;
	int bits;
};
static const struct mode modes[] = {
	{ "normal", BOOTLIST_NORMAL },
	{ "service", BOOTLIST_SERVICE },
	{ "both", BOOTLIST_NORMAL | BOOTLIST_SERVICE },
	{ "prevboot", 0 },
};

static void print_lines(FILE *out, const char *var)
{
	uint16_t *nums;
	size_t n;
	if (bootlist_read(var, &nums, &n) < 0) {
		fprintf(out, "(%s cannot be read)\n", var);
		return;
	}
	struct bootlist_line *lines = xcalloc(n + 1, sizeof(*lines));
	bootlist_describe(nums, n, lines);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%-8s Boot%04X  %-16s %s\n", lines[i].disk, lines[i].num, lines[i].vg_name,
			lines[i].description);
	if (n == 0 && strcmp(var, "BootCurrent") == 0)
		fputs("(no BootCurrent: this start did not come from a boot entry)\n", out);
	else if (n == 0)
		fprintf(out, "(%s is empty)\n", var);
	free(lines);
	free(nums);
}

/* One list as a JSON array (--json): what a program reads. */
static void print_json_lines(FILE *out, const char *key, const char *var)
{
	uint16_t *nums = NULL;
	size_t n = 0;
	if (bootlist_read(var, &nums, &n) < 0)
		n = 0;
	struct bootlist_line *lines = xcalloc(n + 1, sizeof(*lines));
	bootlist_describe(nums, n, lines);
	fprintf(out, "\"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		char entry[16];
		snprintf(entry, sizeof(entry), "Boot%04X", lines[i].num);
		fprintf(out, "%s{\"disk\": ", i ? ", " : "");
		json_write_str(out, strcmp(lines[i].disk, "-") ? lines[i].disk : "");
		fputs(", \"entry\": ", out);
		json_write_str(out, entry);
		fputs(", \"vg\": ", out);
		json_write_str(out, strcmp(lines[i].vg_name, "-") ? lines[i].vg_name : "");
		fputs(", \"description\": ", out);
		json_write_str(out, lines[i].description);
		fputc('}', out);
	}
	fputc(']', out);
	free(lines);
	free(nums);
}

static void print_json(FILE *out, int bits)
{
	fputc('{', out);
	if (bits == 0)
		print_json_lines(out, "prevboot", "BootCurrent");
	if (bits & BOOTLIST_NORMAL)
		print_json_lines(out, "normal", "BootOrder");
	if (bits & BOOTLIST_SERVICE) {
		if (bits & BOOTLIST_NORMAL)
			fputs(", ", out);
		print_json_lines(out, "service", "BootNext");
	}
	fputs("}\n", out);
}

static void print_list(FILE *out, int bits)
{
	if (bits == 0)
		print_lines(out, "BootCurrent");
	else if (bits == BOOTLIST_NORMAL)
		print_lines(out, "BootOrder");
	else if (bits == BOOTLIST_SERVICE)
		print_lines(out, "BootNext");
	else {
		fputs("normal:\n", out);
		print_lines(out, "BootOrder");
		fputs("service:\n", out);
		print_lines(out, "BootNext");
	}
}

/* Every disk checked and its entry found or built before any variable is written. */
static int build_wants(char **names, size_t n, struct bootlist_want *w)
{
	char (*resolved)[32] = xcalloc(n, sizeof(*resolved));
	size_t i;
	for (i = 0; i < n; i++) {
		struct bootdisk d;
		struct err e = { 0, "" };
		int ok = bootdisk_resolve(names[i], &d, &e) == 0;
		for (size_t j = 0; ok && j < i; j++)
			if (strcmp(d.disk, resolved[j]) == 0)
				ok = err_set(&e, -EINVAL, "is named twice") == 0;
		ok = ok && bootlist_want_for_disk(&d, &w[i], &e) == 0;
		if (!ok) {
			errmsg("'%s': %s; the boot list was not changed", names[i], e.msg);
			break;
		}
		snprintf(resolved[i], sizeof(resolved[i]), "%s", d.disk);
	}
	free(resolved);
	if (i == n)
		return 0;
	for (size_t j = 0; j < i; j++)
		bootlist_want_free(&w[j]);
	return -1;
}

static int write_file(const char *path, int bits)
{
	FILE *f = fopen(path, "we");
	if (!f) {
		errmsg_errno(-errno, "-f '%s'", path);
		return -1;
	}
	print_list(f, bits);
	if (fclose(f) != 0) {
		errmsg_errno(-errno, "-f '%s'", path);
		return -1;
	}
	return 0;
}

static int no_efivars(int rc)
{
	if (rc == -ENOMEDIUM)
		errmsg("efivarfs is not mounted on '%s' (mount -t efivarfs efivarfs %s)", efivars_dir(),
		       efivars_dir());
	else
		errmsg("no EFI variables at '%s' (%s): this machine did not start through UEFI firmware, "
		       "or efivarfs is not mounted", efivars_dir(), strerror(-rc));
	return EXIT_FAIL;
}

/* Put DISKs first (or take altkit's entries out when there are none); -1
 * after the message. */
static int change_list(char **disks, size_t ndisks, int bits)
{
	struct err e = { 0, "" };
	int rc;
	if (ndisks) {
		struct bootlist_want *w = xcalloc(ndisks, sizeof(*w));
		uint16_t *nums = xcalloc(ndisks, sizeof(*nums));
		if (build_wants(disks, ndisks, w) < 0) {
			free(w);
			free(nums);
			return -1;
		}
		rc = bootlist_set_wants(w, ndisks, bits, nums, &e);
		for (size_t i = 0; i < ndisks; i++)
			bootlist_want_free(&w[i]);
		free(w);
		free(nums);
	} else {
		rc = bootlist_invalidate(bits, &e);
	}
	if (rc == BOOTLIST_UNCHANGED)
		errmsg("%s; the boot list was not changed", e.msg);
	else if (rc == BOOTLIST_PARTLY)
		errmsg("%s; the boot list may be partly changed: see 'bootlist -m both -o'", e.msg);
	return rc < 0 ? -1 : 0;
}

int cmd_bootlist(int argc, char **argv)
{
	const struct mode *mode = NULL;
	const char *file = NULL;
	int c, show = 0, invalidate = 0, json = 0;
	struct optparser p;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0) {
		switch (c) {
		case 'm':
			mode = NULL;
			for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
				if (strcmp(p.arg, modes[i].name) == 0)
					mode = &modes[i];
			if (!mode) {
				errmsg("-m '%s': expected normal, service, both or prevboot", p.arg);
				return EXIT_USAGE;
			}
			break;
		case 'o': show = 1; break;
		case 'i': invalidate = 1; break;
		case 'f': file = p.arg; break;
		case OPT_JSON: json = 1; break;
		}
	}
	if (c == OPT_EXIT)
		return p.rc;
	char **disks = argv + p.ind;
	size_t ndisks = (size_t)(argc - p.ind);
	if (!mode) {
		errmsg("-m normal|service|both|prevboot is required");
		return EXIT_USAGE;
	}
	if (mode->bits == 0 && (ndisks || invalidate)) {
		errmsg("-m prevboot only shows what was booted; it takes no disks and no -i");
		return EXIT_USAGE;
	}
	if (invalidate && ndisks) {
		errmsg("-i takes altkit's entries out of the list; it takes no disks");
		return EXIT_USAGE;
	}
	if ((mode->bits & BOOTLIST_SERVICE) && ndisks > 1) {
		errmsg("-m %s: the firmware boots one disk once (BootNext); name one", mode->name);
		return EXIT_USAGE;
	}
	int rc = efivars_available();
	if (rc < 0)
		return no_efivars(rc);
	if ((ndisks || invalidate) && change_list(disks, ndisks, mode->bits) < 0)
		return EXIT_FAIL;
	if (json)
		print_json(stdout, mode->bits);
	else if (show || (!ndisks && !invalidate))
		print_list(stdout, mode->bits);
	if (file && write_file(file, mode->bits) < 0)
		return EXIT_FAIL;
	return close_stdout();
}
