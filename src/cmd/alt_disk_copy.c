/* alt_disk_copy: clone the root volume group to alternate disks, in phases.
 *
 * The work is the clone engine's (src/lib/clone/clone.h): phase 1 makes
 * altinst_rootvg on the disks and copies the source into it, phase 2
 * customizes it, phase 3 makes it bootable. This file is the front: the
 * options, what they exclude, and the messages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "altkit.h"
#include "clone.h"
#include "clone_cli.h"
#include "exclude.h"
#include "inputfile.h"
#include "lvm.h"
#include "opt.h"
#include "pathquote.h"
#include "size.h"
#include "update.h"
#include "xalloc.h"

enum { OPT_SOURCE_VG = OPT_LONG, OPT_NO_SNAPSHOT, OPT_ESP_SIZE, OPT_COPY_MODE, OPT_DUMP_LAYOUT, OPT_GROW };

static const struct opt options[] = {
	{ 'd', "disks", "\"vdb vdc\"", "target disks (whole disks, not in any VG); ALL\nTHEIR DATA IS LOST" },
	{ 'P', "phase", "PHASES", "1, 2, 3, 12, 23 or all (default all)" },
	{ 'e', "exclude", "FILE", "leave out paths matching the basic regular\nexpressions in FILE (one per line, "
				  "matched against\n./path/from/root)" },
	{ 'T', "convert-ext4", NULL, "make ext2 and ext3 sources ext4 on the clone" },
	{ 'i', "layout", "FILE", "the clone's LVs: name, size (SIZE, used+N%, same),\nfstype, mountpoint per line "
				 "(see --dump-layout)" },
	{ OPT_DUMP_LAYOUT, "dump-layout", NULL, "print the source's layout in that format and exit" },
	{ 'l', "location", "DIR", "phase 2: install packages into the clone from DIR\n(.deb files or a flat "
				  "repository), or 'system':\nthe repositories the clone is configured with" },
	{ 'w', "install", "\"PKG...\"", "phase 2: install or upgrade these packages from -l" },
	{ 'b', "bundle", "FILE", "phase 2: the packages listed in FILE; update_all:\nupgrade every package "
				 "-l has newer" },
	{ 'F', "fixes", "\"PKG=VER...\"", "phase 2: install these exact versions from -l" },
	{ 'f', "fixes-file", "FILE", "phase 2: the PKG=VER lines of FILE" },
	{ 'I', "pm-flags", "\"FLAGS\"", "phase 2: extra words for the package manager\n(apt-get)" },
	{ 's', "script", "SCRIPT", "phase 2: run SCRIPT with ALT_INST=/alt_inst" },
	{ 'x', "firstboot", "SCRIPT", "phase 2: run SCRIPT once at the clone's first boot" },
	{ 'R', "resolv-conf", "FILE", "phase 2: the clone's /etc/resolv.conf" },
	{ 'O', "reset-identity", NULL, "phase 2: forget machine identity (machine-id, SSH\nhost keys, persistent "
				       "net/udev rules)" },
	{ 'c', "console", "DEV", "phase 3: console= on the clone's kernel command line" },
	{ 'B', "no-bootlist", NULL, "phase 3: leave the boot list alone" },
	{ 'r', "reboot", NULL, "reboot from the clone when done" },
	{ 'g', "skip-checks", NULL, "phase 3: skip the bootability checks" },
	{ 'S', "no-size-check", NULL, "do not refuse disks smaller than the used data" },
	{ OPT_SOURCE_VG, "source-vg", "VG", "clone VG (name or UUID) instead of the running root's" },
	{ OPT_NO_SNAPSHOT, "no-snapshot", NULL, "copy the live tree even if snapshots would fit" },
	{ OPT_GROW, "grow", NULL, "larger disks: grow the filesystems' LVs to fill them" },
	{ OPT_ESP_SIZE, "esp-size", "SIZE", "the ESP on the first disk (default 256M)" },
	{ OPT_COPY_MODE, "copy-mode", "MODE", "auto (default), files or blocks: blocks copies an ext\nfilesystem "
					      "through its used-block bitmap, where no\nfile-level work is needed and "
					      "the source is read-only" },
	{ 'V', "verbose", NULL, "list every file copied" },
	{ 'D', "debug", NULL, "show every command run, with its arguments" },
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec spec = {
	.synopsis = "alt_disk_copy -d \"DISK...\" [-P 1|2|3|12|23|all] [-e EXCLUDES] [-T] [-i LAYOUT]\n"
		    "              [-l DIR|system [-w \"PKG...\"] [-b FILE|update_all]\n"
		    "              [-F \"PKG=VER...\"] [-f FILE] [-I \"FLAGS\"]]\n"
		    "              [-s SCRIPT] [-x SCRIPT] [-R RESOLV_CONF] [-c CONSOLE]\n"
		    "              [-B] [-r] [-O] [-g] [-S] [-V] [-D] [--source-vg VG]",
	.about = "Clone the root volume group to the DISKs as altinst_rootvg.",
	.options = options,
};

/* The options of each phase: refused when -P does not run it. */
static const int phase_keys[4][12] = {
	[1] = { 'd', 'e', 'T', 'i', 'S', OPT_NO_SNAPSHOT, OPT_GROW, OPT_ESP_SIZE, OPT_COPY_MODE, 0 },
	[2] = { 's', 'x', 'R', 'O', 'l', 'w', 'b', 'F', 'f', 'I', 0 },
	[3] = { 'c', 'B', 'g', 'r', 0 },
};

struct cli {
	struct clone c;
	char *disks[CLONE_MAX_DISKS];
	size_t ndisks;
	const char *phases, *exclude_file;
	const char *install, *bundle, *fixes, *fixes_file, *pm_flags;
	struct pkgreq update;
	int dump_layout, debug;
};

/* ---- options ------------------------------------------------------------- */

static int split_disks(const char *arg, struct cli *cl)
{
	char *copy = xstrdup(arg);
	for (char *save = NULL, *tok = strtok_r(copy, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		if (cl->ndisks == CLONE_MAX_DISKS) {
			errmsg("-d: at most %zu disks", cl->ndisks);
			free(copy);
			return -1;
		}
		cl->disks[cl->ndisks++] = xstrdup(tok);
	}
	free(copy);
	return 0;
}

static int copy_mode(const char *arg, struct clone_opts *o)
{
	static const char *const modes[] = { [CLONE_COPY_AUTO] = "auto", [CLONE_COPY_FILES] = "files",
					     [CLONE_COPY_BLOCKS] = "blocks" };
	for (size_t i = 0; i < 3; i++)
		if (strcmp(arg, modes[i]) == 0) {
			o->copy_mode = (enum clone_copy_mode)i;
			return 0;
		}
	errmsg("--copy-mode '%s': expected auto, files or blocks", arg);
	return -1;
}

/* One option into cl; -1 after a message on a bad value. */
static int take(struct cli *cl, int key, const char *arg)
{
	struct clone_opts *o = &cl->c.o;
	switch (key) {
	case 'd': return split_disks(arg, cl);
	case 'P': cl->phases = arg; break;
	case 'e': cl->exclude_file = arg; break;
	case 'T': o->convert = 1; break;
	case 'i': o->layout_file = arg; break;
	case OPT_DUMP_LAYOUT: cl->dump_layout = 1; break;
	case 's': o->script = arg; break;
	case 'l': cl->update.location = arg; break;
	case 'w': cl->install = arg; break;
	case 'b': cl->bundle = arg; break;
	case 'F': cl->fixes = arg; break;
	case 'f': cl->fixes_file = arg; break;
	case 'I': cl->pm_flags = arg; break;
	case 'x': o->firstboot = arg; break;
	case 'R': o->resolv = arg; break;
	case 'c': o->console = arg; break;
	case 'B': o->no_bootlist = 1; break;
	case 'r': o->reboot = 1; break;
	case 'O': o->reset_identity = 1; break;
	case 'g': o->skip_checks = 1; break;
	case 'S': o->no_size_check = 1; break;
	case 'V': o->verbose = 1; break;
	case 'D': cl->debug = 1; break;
	case OPT_SOURCE_VG: o->source_vg = arg; break;
	case OPT_NO_SNAPSHOT: o->no_snapshot = 1; break;
	case OPT_GROW: o->grow = 1; break;
	case OPT_ESP_SIZE:
		if (parse_size(arg, &o->esp_size) < 0 || o->esp_size < (32 << 20)) {
			errmsg("--esp-size '%s': expected a size of at least 32M", arg);
			return -1;
		}
		break;
	case OPT_COPY_MODE: return copy_mode(arg, o);
	}
	return 0;
}

/* Options for a phase -P does not run, and options --dump-layout ignores. */
static int refuse_unused(const struct optparser *p, const struct cli *cl)
{
	char why[96];
	int rc = 0;
	for (int ph = 1; ph <= ALTINST_PHASES && !rc; ph++) {
		snprintf(why, sizeof(why), "is for phase %d, which -P %s does not run", ph, cl->phases);
		for (size_t i = 0; phase_keys[ph][i] && !rc && !cl->c.o.want[ph]; i++)
			rc = opt_refuse_if(p, phase_keys[ph][i], why);
	}
	for (const struct opt *o = options; cl->dump_layout && o->key && !rc; o++)
		if (o->key != OPT_DUMP_LAYOUT && o->key != OPT_SOURCE_VG && o->key != 'D')
			rc = opt_refuse_if(p, o->key, "cannot be used with --dump-layout");
	return rc;
}

static int parse(struct cli *cl, int argc, char **argv)
{
	struct optparser p;
	int c;
	cl->phases = "all";
	cl->c.o.esp_size = 256 << 20;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0)
		if (take(cl, c, p.arg) < 0)
			return EXIT_USAGE;
	if (c == OPT_EXIT)
		return p.rc ? p.rc : -1;
	if (p.ind < argc) {
		errmsg("'%s': unexpected argument (disks go with -d \"vdb vdc\")", argv[p.ind]);
		return EXIT_USAGE;
	}
	if (altinst_parse_phases(cl->phases, cl->c.o.want) < 0) {
		errmsg("-P '%s': expected 1, 2, 3, 12, 23 or all", cl->phases);
		return EXIT_USAGE;
	}
	return refuse_unused(&p, cl);
}

/* -l -w -b -F -f -I: the update request, its files read and its location
 * looked at now, before any disk is written. */
static int take_update(struct cli *cl, struct err *e)
{
	struct pkgreq *r = &cl->update;
	if ((cl->install && pkgreq_add_words(r, cl->install, 0, "-w", e) < 0) ||
	    (cl->bundle && pkgreq_add_file(r, cl->bundle, 0, "-b", e) < 0) ||
	    (cl->fixes && pkgreq_add_words(r, cl->fixes, 1, "-F", e) < 0) ||
	    (cl->fixes_file && pkgreq_add_file(r, cl->fixes_file, 1, "-f", e) < 0) ||
	    (cl->pm_flags && pkgreq_set_flags(r, cl->pm_flags, e) < 0) || update_check(r, e) < 0)
		return -1;
	if (r->location)
		cl->c.o.update = r;
	return 0;
}

/* Files named by options are checked before anything is looked at or
 * written (disks included): each must be a regular file of a sane size, so
 * a directory, a FIFO or /dev/zero is refused now, not in phase 2. */
static int check_files(struct cli *cl, struct exclude **ex)
{
	const struct clone_opts *o = &cl->c.o;
	const struct { const char *file, *opt; size_t max; } files[] = {
		{ cl->exclude_file, "-e", INPUT_MAX_TEXT }, { o->layout_file, "-i", INPUT_MAX_TEXT },
		{ o->resolv, "-R", INPUT_MAX_TEXT }, { o->firstboot, "-x", INPUT_MAX_SCRIPT },
		{ o->script, "-s", INPUT_MAX_SCRIPT },
	};
	struct err e;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		/* -e -: standard input, read (and bounded) below */
		if (!files[i].file || (i == 0 && strcmp(files[i].file, "-") == 0))
			continue;
		if (input_file_check(files[i].file, files[i].max, &e) < 0) {
			char *q = path_quote(files[i].file);
			errmsg("%s '%s': %s", files[i].opt, q, e.msg);
			free(q);
			return -1;
		}
	}
	if (o->script && access(o->script, X_OK) < 0) {
		errmsg("-s '%s': not executable", o->script);
		return -1;
	}
	if (take_update(cl, &e) < 0) {
		errmsg("%s", e.msg);
		return -1;
	}
	if (!cl->exclude_file)
		return 0;
	*ex = exclude_new();
	if (exclude_read(*ex, cl->exclude_file, &e) < 0) {
		errmsg("%s", e.msg);
		return -1;
	}
	return 0;
}

static int fail(const struct err *e)
{
	errmsg("%s", e->msg);
	return e->code == CLONE_E_USAGE ? EXIT_USAGE : EXIT_FAIL;
}

static int dump_layout(struct clone *c)
{
	struct err e;
	const struct clone_source *src = &c->src;
	if (clone_find_source(c, &e) < 0 || clone_open_source(c, &e) < 0)
		return fail(&e);
	clone_plan_sort(&c->src);
	clone_cli_dump_layout(src);
	clone_close_source(c);
	return close_stdout();
}

/* What is left to say after the phases ran. */
static int finish(struct clone *c)
{
	const struct clone_opts *o = &c->o;
	if (o->want[3]) {
		if (o->reboot && c->boot_listed && clone_cli_reboot() < 0)
			return EXIT_FAIL;
		if (o->reboot && !c->boot_listed)
			clone_cli_say("not rebooting: the boot list was not changed");
		clone_cli_say("done: %s (%s) is ready; boot it with altkit.vg=%s", ALTINST_VG, c->st.uuid, c->st.uuid);
	} else if (o->want[1] || o->want[2]) {
		clone_cli_say("the clone stays mounted on %s for phase %s", ALTINST_MNT, o->want[2] ? "3" : "2 or 3");
	}
	fflush(stdout);
	return close_stdout();
}

static int run(struct cli *cl)
{
	struct clone *c = &cl->c;
	struct err e;
	int rc;
	c->rep = &clone_cli_report;
	/* lvm before anything is looked at; phase 1's programs once it is planned */
	if (clone_helper_check(lvm_program(), &e) < 0)
		return fail(&e);
	if (cl->dump_layout)
		return dump_layout(c);
	if ((rc = altinst_read(ALTINST_VG, &c->st, &e)) < 0) {
		errmsg("cannot read the volume groups: %s", rc == -ENOENT ? "no 'lvm' program" : e.msg);
		return EXIT_FAIL;
	}
	if (altinst_check_order(c->o.want, &c->st, &e) < 0) {
		errmsg("-P %s: %s", cl->phases, e.msg);
		return EXIT_USAGE;
	}
	if (c->o.want[1] && cl->ndisks == 0) {
		errmsg("phase 1 needs target disks: -d \"DISK...\"");
		return EXIT_USAGE;
	}
	if (c->o.want[1] && clone_prepare(c, cl->disks, cl->ndisks, &e) < 0)
		return fail(&e);
	if (clone_run(c, &e) < 0) {
		rc = fail(&e);
		if (c->failed_phase == 1)
			errmsg("phase 1 failed; the clone is incomplete: remove it with 'alt_rootvg_op -X altinst_rootvg'");
		if (c->failed_phase == 2)
			errmsg("phase 2 failed; the clone stays on %s: fix the cause and run phase 2 again (-P 2 or "
			       "-P 23), or remove it with 'alt_rootvg_op -X altinst_rootvg'", ALTINST_MNT);
		return c->failed_phase == 1 ? EXIT_FAIL : rc;
	}
	return finish(c);
}

int cmd_alt_disk_copy(int argc, char **argv)
{
	static struct cli cl;
	struct exclude *ex = NULL;
	memset(&cl, 0, sizeof(cl));
	int rc = parse(&cl, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	clone_cli_setup(cl.debug, cl.c.o.verbose ? 0 : -1, isatty(1) || cl.c.o.verbose);
	if (check_files(&cl, &ex) < 0) {
		exclude_free(ex);
		pkgreq_release(&cl.update);
		return EXIT_USAGE;
	}
	cl.c.o.exclude = ex;
	rc = run(&cl);
	exclude_free(ex);
	pkgreq_release(&cl.update);
	return rc;
}
