/* alt_rootvg_op: manage alternate and old root volume groups.
 *
 * -X removes the definition of altinst_rootvg or old_rootvg and frees its
 * disks for reuse, as on AIX (it asks nothing). The other operations of
 * DESIGN.md §4 (-W, -S, -C, -q, -v, -l) are not built yet.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "altinst.h"
#include "altkit.h"
#include "lvm.h"
#include "mounts.h"
#include "vgroles.h"

static const char usage_text[] =
	"Usage: alt_rootvg_op -X [altinst_rootvg|old_rootvg]\n"
	"Manage alternate root volume groups.\n"
	"\n"
	"  -X [VG]    remove the definition of VG (default altinst_rootvg) and free\n"
	"             its disks for reuse; refuses rootvg and anything mounted.\n"
	"             Removes the temporary snapshots a dead alt_disk_copy left too.\n"
	"  -h, --help\n"
	"\n"
	"Not implemented yet: -W (wake), -S (sleep), -C (customize), -q, -v, -l.\n";

static int lvm_do(const char *what, const char *const args[])
{
	int rc = lvm_run(args);
	if (rc < 0)
		errmsg("%s: %s", what, rc == LVM_E_FAILED ? lvm_last_error() : strerror(-rc));
	return rc;
}

/* Snapshots named altkit_snap_* in any VG: left by an alt_disk_copy that died. */
static void remove_stale_snapshots(void)
{
	struct lvm_lv *lvs;
	size_t n;
	if (lvm_lvs("lv_name=~^altkit_snap_", &lvs, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		char name[300];
		snprintf(name, sizeof(name), "%s/%s", lvs[i].vg_name, lvs[i].name);
		const char *args[] = { "lvremove", "-y", name, NULL };
		if (lvm_do("removing a stale snapshot", args) == 0)
			printf("alt_rootvg_op: removed the stale snapshot '%s'\n", name);
	}
	free(lvs);
}

static int remove_vg(const char *vg)
{
	if (strcmp(vg, ALTINST_VG) != 0 && strncmp(vg, OLD_ROOTVG, strlen(OLD_ROOTVG)) != 0) {
		errmsg("-X '%s': only altinst_rootvg and old_rootvg can be removed%s", vg,
		       strcmp(vg, ROOTVG) == 0 ? " (rootvg is the running system)" : "");
		return EXIT_USAGE;
	}
	char select[192];
	snprintf(select, sizeof(select), "vg_name=%s", vg);
	struct lvm_vg *vgs;
	size_t nv;
	if (lvm_vgs(select, &vgs, &nv) < 0) {
		errmsg("cannot read the volume groups: %s", lvm_last_error());
		return EXIT_FAIL;
	}
	free(vgs);
	if (nv == 0) {
		errmsg("-X '%s': no such volume group", vg);
		remove_stale_snapshots();
		return EXIT_FAIL;
	}
	/* Nothing of it may be in use: a mounted LV is refused, whatever mounts it. */
	struct lvm_lv *lvs;
	size_t nl;
	struct mount_table mt;
	if (lvm_lvs(select, &lvs, &nl) < 0 || mounts_read(&mt) < 0) {
		errmsg("cannot read '%s': %s", vg, lvm_last_error());
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < nl; i++) {
		struct stat st;
		const struct mount_entry *m = NULL;
		if (stat(lvs[i].dm_path, &st) == 0)
			m = mounts_find_dev(&mt, major(st.st_rdev), minor(st.st_rdev));
		if (m || lvs[i].open) {
			errmsg("-X '%s': '%s' is %s%s; unmount it first", vg, lvs[i].name,
			       m ? "mounted on " : "in use", m ? m->target : "");
			mounts_release(&mt);
			free(lvs);
			return EXIT_FAIL;
		}
	}
	mounts_release(&mt);
	free(lvs);

	struct lvm_pv *pvs;
	size_t np;
	if (lvm_pvs(select, &pvs, &np) < 0) {
		errmsg("cannot list the disks of '%s': %s", vg, lvm_last_error());
		return EXIT_FAIL;
	}
	const char *deact[] = { "vgchange", "-an", vg, NULL };
	const char *rm[] = { "vgremove", "-f", "-y", vg, NULL };
	if (lvm_do("deactivating", deact) < 0 || lvm_do("removing the volume group", rm) < 0) {
		free(pvs);
		return EXIT_FAIL;
	}
	int status = EXIT_OK;
	for (size_t i = 0; i < np; i++) {
		const char *pvrm[] = { "pvremove", "-ff", "-y", pvs[i].name, NULL };
		if (lvm_do("freeing a disk", pvrm) < 0)
			status = EXIT_FAIL;
		else
			printf("alt_rootvg_op: '%s' is free\n", pvs[i].name);
	}
	free(pvs);
	remove_stale_snapshots();
	printf("alt_rootvg_op: '%s' removed\n", vg);
	return status;
}

int cmd_alt_rootvg_op(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "remove", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, remove = 0;
	while ((c = getopt_long(argc, argv, "XWSCqv:d:lsR:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'X':
			remove = 1;
			break;
		case 'h':
			print_usage(stdout, usage_text);
			return close_stdout();
		case '?':
			print_usage(stderr, usage_text);
			return EXIT_USAGE;
		default:
			errmsg("-%c: not implemented yet (only -X is)", c);
			return EXIT_USAGE;
		}
	}
	if (!remove) {
		print_usage(stderr, usage_text);
		return EXIT_USAGE;
	}
	if (argc - optind > 1) {
		errmsg("-X takes one volume group");
		return EXIT_USAGE;
	}
	int rc = remove_vg(optind < argc ? argv[optind] : ALTINST_VG);
	return rc == EXIT_OK ? close_stdout() : rc;
}
