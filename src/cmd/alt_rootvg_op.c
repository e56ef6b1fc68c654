/* alt_rootvg_op: manage alternate and old root volume groups (DESIGN §4).
 *
 * -X removes the definition of altinst_rootvg or old_rootvg and frees its
 * disks, as on AIX (it asks nothing). -W wakes the VG on a disk as
 * altinst_rootvg on /alt_inst, -S puts it back to sleep under its own name,
 * -C customizes a woken VG, -q and -v answer and rename by disk, -l lists
 * the root-capable VGs with their roles and boot entries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "altinst.h"
#include "altvg.h"
#include "altkit.h"
#include "pathquote.h"
#include "inputfile.h"
#include "blockdev.h"
#include "bootdisk.h"
#include "bootlist.h"
#include "clone.h"
#include "efivars.h"
#include "intree.h"
#include "json.h"
#include "lvm.h"
#include "mounts.h"
#include "opt.h"
#include "run.h"
#include "vgroles.h"
#include "vgtree.h"
#include "xalloc.h"

enum { OPT_JSON = OPT_LONG };

static const struct opt options[] = {
	{ 'X', "remove", NULL, "[VG]: remove the definition of VG (default\n"
			       "altinst_rootvg), free its disks for reuse and drop its\n"
			       "boot entries; refuses rootvg and anything mounted.\n"
			       "Removes snapshots a dead alt_disk_copy left." },
	{ 'W', "wake", NULL, "-d DISK: wake the VG on DISK: named altinst_rootvg,\n"
			     "active, its system mounted on /alt_inst the way its\n"
			     "own fstab says" },
	{ 'S', "sleep", NULL, "unmount /alt_inst, deactivate, give back its name" },
	{ 'C', "customize", NULL, "customize the woken VG: -s SCRIPT runs with\n"
				  "ALT_INST=/alt_inst, -R FILE becomes its\n"
				  "/etc/resolv.conf" },
	{ 'q', "query", NULL, "-d DISK: the disk of DISK's VG that holds its EFI\n"
			      "system partition" },
	{ 'v', "rename", "NAME", "-d DISK: rename the VG on DISK (not rootvg, not\n"
				 "while in use)" },
	{ 'l', "list", NULL, "list root-capable VGs: role, disks, size, clone\n"
			     "time, source, phases, boot entries; --json for a\n"
			     "machine" },
	{ 'd', "disk", "DISK", "the disk of -W, -q, -v" },
	{ 's', "script", "SCRIPT", "-C: the customization script" },
	{ 'R', "resolv-conf", "FILE", "-C: the VG's /etc/resolv.conf" },
	{ OPT_JSON, "json", NULL, "-l: JSON for a machine" },
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec spec = {
	.synopsis = "alt_rootvg_op -X [altinst_rootvg|old_rootvg]\n"
		    "alt_rootvg_op -W -d DISK\n"
		    "alt_rootvg_op -S\n"
		    "alt_rootvg_op -C [-s SCRIPT] [-R RESOLV_CONF]\n"
		    "alt_rootvg_op -q -d DISK\n"
		    "alt_rootvg_op -v NEWNAME -d DISK\n"
		    "alt_rootvg_op -l [--json]",
	.about = "Manage alternate and old root volume groups.",
	.options = options,
};

/* One lvm step; on failure "WHAT: <lvm's last words>". */
static int lvm_step(const char *what, const char *const args[])
{
	struct err e;
	int rc = lvm_run(args, &e);
	if (rc < 0)
		errmsg("%s: %s", what, e.msg);
	return rc;
}

static void snapshot_removed(void *arg, const char *name, const struct err *e)
{
	(void)arg;
	if (e)
		errmsg("removing a stale snapshot: %s", e->msg);
	else
		printf("alt_rootvg_op: removed the stale snapshot '%s'\n", name);
}

/* Snapshots left by an alt_disk_copy that died, in any VG. */
static void remove_stale_snapshots(void)
{
	altvg_remove_snapshots(NULL, NULL, snapshot_removed, NULL);
}

/* altinst_rootvg, old_rootvg, old_rootvgN: the names -X may remove */
static int removable_name(const char *vg)
{
	if (strcmp(vg, ALTINST_VG) == 0)
		return 1;
	if (strncmp(vg, OLD_ROOTVG, strlen(OLD_ROOTVG)) != 0)
		return 0;
	for (const char *p = vg + strlen(OLD_ROOTVG); *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

static int vg_unused(const char *vg, const char *select);
static int drop_vg(const char *vg, const char *uuid, const char *select);

static int remove_vg(const char *vg)
{
	if (!removable_name(vg)) {
		errmsg("-X '%s': only altinst_rootvg and old_rootvg can be removed%s", vg,
		       strcmp(vg, ROOTVG) == 0 ? " (rootvg is the running system)" : "");
		return EXIT_USAGE;
	}
	char select[192];
	snprintf(select, sizeof(select), "vg_name=%s", vg);
	struct lvm_vg *vgs;
	size_t nv;
	struct err e;
	if (lvm_vgs(select, &vgs, &nv, &e) < 0) {
		errmsg("cannot read the volume groups: %s", e.msg);
		return EXIT_FAIL;
	}
	char uuid[40] = "";
	struct altinst_state state = { 0 };
	if (nv > 0) {
		snprintf(uuid, sizeof(uuid), "%s", vgs[0].uuid);
		altinst_parse_tags(vgs[0].tags, &state);
	}
	free(vgs);
	if (state.woke_from[0]) {
		/* -W renamed another system to altinst_rootvg: it is not a clone to drop */
		errmsg("-X '%s': it is '%s', woken by -W; put it to sleep with -S first", vg, state.woke_from);
		return EXIT_FAIL;
	}
	if (nv == 0) {
		errmsg("-X '%s': no such volume group", vg);
		remove_stale_snapshots();
		return EXIT_FAIL;
	}
	if (vg_unused(vg, select) < 0)
		return EXIT_FAIL;
	return drop_vg(vg, uuid, select);
}

/* Nothing of it may be in use: a mounted LV is refused, whatever mounts it. */
static int vg_unused(const char *vg, const char *select)
{
	struct lvm_lv *lvs;
	size_t nl;
	struct mount_table mt;
	struct err e;
	if (lvm_lvs(select, &lvs, &nl, &e) < 0) {
		errmsg("cannot read '%s': %s", vg, e.msg);
		return -1;
	}
	if (mounts_read(&mt) < 0) {
		errmsg("cannot read the mount table");
		free(lvs);
		return -1;
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
			return -1;
		}
	}
	mounts_release(&mt);
	free(lvs);
	return 0;
}

/* Its boot entries, the VG and its PVs. */
static int drop_vg(const char *vg, const char *uuid, const char *select)
{
	struct lvm_pv *pvs;
	size_t np;
	struct err e;
	if (lvm_pvs(select, &pvs, &np, &e) < 0) {
		errmsg("cannot list the disks of '%s': %s", vg, e.msg);
		return EXIT_FAIL;
	}
	/* its boot entries first: an entry for a VG that is gone boots nothing */
	size_t dropped = 0;
	if (efivars_available() == 0) {
		int rc = bootlist_drop_vg(uuid, &dropped, &e);
		if (rc < 0) {
			errmsg("-X '%s': %s; %s", vg, e.msg, rc == BOOTLIST_PARTLY ?
			       "the volume group was not removed, its boot entries may be partly changed" :
			       "nothing was removed");
			free(pvs);
			return EXIT_FAIL;
		}
		if (dropped)
			printf("alt_rootvg_op: %zu boot entr%s of '%s' removed\n", dropped, dropped == 1 ? "y" : "ies", vg);
	}
	const char *deact[] = { "vgchange", "-an", vg, NULL };
	const char *rm[] = { "vgremove", "-f", "-y", vg, NULL };
	if (lvm_step("deactivating", deact) < 0 || lvm_step("removing the volume group", rm) < 0) {
		free(pvs);
		return EXIT_FAIL;
	}
	int status = EXIT_OK;
	for (size_t i = 0; i < np; i++) {
		const char *pvrm[] = { "pvremove", "-ff", "-y", pvs[i].name, NULL };
		if (lvm_step("freeing a disk", pvrm) < 0)
			status = EXIT_FAIL;
		else
			printf("alt_rootvg_op: '%s' is free\n", pvs[i].name);
	}
	free(pvs);
	remove_stale_snapshots();
	printf("alt_rootvg_op: '%s' removed\n", vg);
	return status;
}


/* ---- by disk ------------------------------------------------------------- */

/* The VG on DISK ("vdb" or "/dev/vdb"): -1 with the message said. */
static int vg_of_disk(const char *arg, struct lvm_vg *out)
{
	const char *name = strncmp(arg, "/dev/", 5) == 0 ? arg + 5 : arg;
	struct blockdev *list;
	size_t n, di = (size_t)-1;
	blockdev_list(&list, &n, 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			di = i;
	if (di == (size_t)-1 || strchr(name, '/')) {
		errmsg("-d '%s': no such disk", arg);
		free(list);
		return -1;
	}
	if (list[di].parent[0]) {
		errmsg("-d '%s': is a partition of '%s'; name the whole disk", arg, list[di].parent);
		free(list);
		return -1;
	}
	struct lvm_pv *pvs;
	size_t np;
	char vg_uuid[40] = "";
	struct err e;
	if (lvm_pvs(NULL, &pvs, &np, &e) < 0) {
		errmsg("cannot read the physical volumes: %s", e.msg);
		free(list);
		return -1;
	}
	for (size_t p = 0; p < np && !vg_uuid[0]; p++) {
		const char *pv = strncmp(pvs[p].name, "/dev/", 5) == 0 ? pvs[p].name + 5 : pvs[p].name;
		for (size_t i = 0; i < n; i++)
			if (strcmp(list[i].name, pv) == 0 && (i == di || strcmp(list[i].parent, name) == 0))
				snprintf(vg_uuid, sizeof(vg_uuid), "%s", pvs[p].vg_uuid);
	}
	free(pvs);
	free(list);
	if (!vg_uuid[0]) {
		errmsg("-d '%s': holds no volume group", arg);
		return -1;
	}
	char select[96];
	struct lvm_vg *vgs;
	size_t nv;
	snprintf(select, sizeof(select), "vg_uuid=%s", vg_uuid);
	if (lvm_vgs(select, &vgs, &nv, NULL) < 0 || nv != 1) {
		errmsg("-d '%s': cannot read its volume group %s", arg, vg_uuid);
		return -1;
	}
	*out = vgs[0];
	free(vgs);
	return 0;
}

static int vg_exists(const char *name, char *uuid, size_t len)
{
	char select[192];
	struct lvm_vg *vgs;
	size_t n;
	snprintf(select, sizeof(select), "vg_name=%s", name);
	if (lvm_vgs(select, &vgs, &n, NULL) < 0)
		return -1;
	if (n && uuid)
		snprintf(uuid, len, "%s", vgs[0].uuid);
	free(vgs);
	return n > 0;
}

/* Is any LV of the VG open (mounted, swapped on, held)? */
static int vg_in_use(const char *uuid, char *lv, size_t len)
{
	char select[96];
	struct lvm_lv *lvs;
	size_t n;
	int used = 0;
	snprintf(select, sizeof(select), "vg_uuid=%s", uuid);
	if (lvm_lvs(select, &lvs, &n, NULL) < 0)
		return 0;
	for (size_t i = 0; i < n && !used; i++)
		if (lvs[i].open) {
			snprintf(lv, len, "%s", lvs[i].name);
			used = 1;
		}
	free(lvs);
	return used;
}

static int rename_vg(const char *uuid, const char *to)
{
	const char *args[] = { "vgrename", uuid, to, NULL };
	return lvm_step("renaming the volume group", args);
}

static int vg_tag(const char *vg, const char *op, const char *tag)
{
	const char *args[] = { "vgchange", op, tag, vg, NULL };
	return lvm_step("tagging the volume group", args);
}

/* ---- -W, -S, -C ---------------------------------------------------------- */

static int wake(const char *disk)
{
	struct lvm_vg vg;
	char lv[128], tag[200];
	if (vg_of_disk(disk, &vg) < 0)
		return EXIT_FAIL;
	if (strcmp(vg.name, ROOTVG) == 0) {
		errmsg("-W -d '%s': it holds rootvg, the running system", disk);
		return EXIT_FAIL;
	}
	if (mounts_is_target(ALTINST_MNT)) {
		errmsg("-W: %s is in use already (put the woken volume group to sleep with -S first)", ALTINST_MNT);
		return EXIT_FAIL;
	}
	char other[40];
	if (strcmp(vg.name, ALTINST_VG) != 0 && vg_exists(ALTINST_VG, other, sizeof(other)) > 0) {
		errmsg("-W -d '%s': altinst_rootvg exists already (%s); remove it (-X) or rename it (-v) first", disk, other);
		return EXIT_FAIL;
	}
	if (vg_in_use(vg.uuid, lv, sizeof(lv))) {
		errmsg("-W -d '%s': '%s/%s' is in use", disk, vg.name, lv);
		return EXIT_FAIL;
	}
	/* the tag first: a crash between the two steps still knows the name */
	int renamed = strcmp(vg.name, ALTINST_VG) != 0;
	altinst_tag(tag, sizeof(tag), "woke", vg.name);
	if (renamed && (vg_tag(vg.name, "--addtag", tag) < 0 || rename_vg(vg.uuid, ALTINST_VG) < 0))
		return EXIT_FAIL;
	const char *act[] = { "vgchange", "-ay", ALTINST_VG, NULL };
	struct altinst_state st;
	struct err e = { 0, "" };
	altinst_read(ALTINST_VG, &st, NULL);
	if (lvm_step("activating", act) < 0 ||
	    vgtree_mount(ALTINST_VG, st.root_lv[0] ? st.root_lv : NULL, ALTINST_MNT, 0, &e) < 0) {
		if (e.msg[0])     /* lvm_step said what failed otherwise */
			errmsg("-W -d '%s': %s", disk, e.msg);
		const char *deact[] = { "vgchange", "-an", ALTINST_VG, NULL };
		lvm_run(deact, NULL);
		if (renamed && rename_vg(vg.uuid, vg.name) == 0)
			vg_tag(vg.name, "--deltag", tag);
		return EXIT_FAIL;
	}
	printf("alt_rootvg_op: '%s' on %s is awake as %s, mounted on %s\n", vg.name, disk, ALTINST_VG, ALTINST_MNT);
	return EXIT_OK;
}

static int sleep_vg(void)
{
	char uuid[40];
	struct err e;
	if (vg_exists(ALTINST_VG, uuid, sizeof(uuid)) <= 0) {
		errmsg("-S: there is no altinst_rootvg to put to sleep");
		return EXIT_FAIL;
	}
	if (altvg_sleep(&e) < 0) {
		errmsg("-S: %s", e.msg);
		return EXIT_FAIL;
	}
	struct altinst_state st;
	altinst_read(ALTINST_VG, &st, NULL);
	const char *name = ALTINST_VG;
	if (st.woke_from[0]) {
		char tag[200];
		altinst_tag(tag, sizeof(tag), "woke", st.woke_from);
		if (vg_exists(st.woke_from, NULL, 0) > 0) {
			errmsg("-S: cannot give back the name '%s': another volume group has it; left as altinst_rootvg",
			       st.woke_from);
			return EXIT_FAIL;
		}
		if (rename_vg(uuid, st.woke_from) < 0 || vg_tag(st.woke_from, "--deltag", tag) < 0)
			return EXIT_FAIL;
		name = st.woke_from;
	}
	printf("alt_rootvg_op: %s is asleep as '%s'\n", ALTINST_VG, name);
	return EXIT_OK;
}

/* -R and -s must be a regular file of a sane size (not a directory, a FIFO
 * or /dev/zero), checked before the woken tree is touched. */
static int check_input(const char *opt, const char *file, size_t max)
{
	struct err e;
	if (!file || input_file_check(file, max, &e) == 0)
		return 0;
	char *q = path_quote(file);
	errmsg("%s '%s': %s", opt, q, e.msg);
	free(q);
	return -1;
}

static int customize(const char *script, const char *resolv)
{
	if (!script && !resolv) {
		errmsg("-C: nothing to do: give -s SCRIPT and/or -R RESOLV_CONF");
		return EXIT_USAGE;
	}
	if (check_input("-R", resolv, INPUT_MAX_TEXT) < 0 || check_input("-s", script, INPUT_MAX_SCRIPT) < 0)
		return EXIT_USAGE;
	if (!mounts_is_target(ALTINST_MNT) || vg_exists(ALTINST_VG, NULL, 0) <= 0) {
		errmsg("-C: nothing is awake on %s: wake a volume group with -W -d DISK first", ALTINST_MNT);
		return EXIT_FAIL;
	}
	int rc;
	if (resolv && (rc = altvg_install_resolv(resolv)) < 0) {
		errmsg_errno(rc, "-R '%s': cannot install it as %s/etc/resolv.conf", resolv, ALTINST_MNT);
		return EXIT_FAIL;
	}
	if (script) {
		int st = altvg_run_script(script);
		if (st != 0) {
			errmsg("-s '%s': the script %s (status %d)", script, st < 0 ? "could not run" : "failed", st);
			return EXIT_FAIL;
		}
	}
	printf("alt_rootvg_op: %s customized\n", ALTINST_MNT);
	return EXIT_OK;
}

/* ---- -q, -v -------------------------------------------------------------- */

static int query_boot_disk(const char *disk)
{
	struct lvm_vg vg;
	struct bootdisk d;
	if (vg_of_disk(disk, &vg) < 0)
		return EXIT_FAIL;
	if (bootdisk_of_vg(vg.uuid, &d, 1) != 1) {
		errmsg("-q -d '%s': volume group '%s' has no disk with an EFI system partition", disk, vg.name);
		return EXIT_FAIL;
	}
	printf("%s\n", d.disk);
	return EXIT_OK;
}

static int valid_vg_name(const char *s)
{
	if (!*s || *s == '-' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || strlen(s) > 100)
		return 0;
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') || ('0' <= *s && *s <= '9') ||
		      strchr("+_.-", *s)))
			return 0;
	return 1;
}

static int rename_on_disk(const char *newname, const char *disk)
{
	struct lvm_vg vg;
	char lv[128];
	if (!valid_vg_name(newname)) {
		errmsg("-v '%s': not a volume group name (letters, digits, + _ . -; not starting with -)", newname);
		return EXIT_USAGE;
	}
	if (vg_of_disk(disk, &vg) < 0)
		return EXIT_FAIL;
	if (strcmp(vg.name, ROOTVG) == 0) {
		errmsg("-v '%s' -d '%s': it holds rootvg, the running system", newname, disk);
		return EXIT_FAIL;
	}
	if (strcmp(vg.name, newname) == 0) {
		printf("alt_rootvg_op: the volume group on %s is '%s' already\n", disk, newname);
		return EXIT_OK;
	}
	if (vg_exists(newname, NULL, 0) > 0) {
		errmsg("-v '%s': another volume group has that name", newname);
		return EXIT_FAIL;
	}
	if (vg_in_use(vg.uuid, lv, sizeof(lv))) {
		errmsg("-v '%s' -d '%s': '%s/%s' is in use", newname, disk, vg.name, lv);
		return EXIT_FAIL;
	}
	if (rename_vg(vg.uuid, newname) < 0)
		return EXIT_FAIL;
	printf("alt_rootvg_op: '%s' on %s is now '%s'\n", vg.name, disk, newname);
	return EXIT_OK;
}

/* ---- -l ------------------------------------------------------------------ */

struct listed {
	struct lvm_vg vg;
	struct altinst_state st;
	char disks[256], role[32], source[128], phases[32], boot[128];
};

/* The firmware's entries, read once for the whole list: each Boot####
 * with the VG it boots, and where it stands in BootOrder and BootNext. */
struct boot_vars {
	size_t n, norder, nnext;
	uint16_t *nums, *order, *next;
	char (*vg)[64];         /* "" for an entry that names no VG */
};

static void boot_vars_read(struct boot_vars *b)
{
	memset(b, 0, sizeof(*b));
	if (efivars_available() < 0 || efivar_boot_numbers(&b->nums, &b->n) < 0) {
		b->n = 0;
		return;
	}
	bootlist_read("BootOrder", &b->order, &b->norder);
	bootlist_read("BootNext", &b->next, &b->nnext);
	b->vg = xcalloc(b->n + 1, sizeof(*b->vg));
	/* altkit's entries name their VG; a distribution's is the VG of the
	 * disk whose ESP it starts */
	struct bootlist_line *lines = xcalloc(b->n + 1, sizeof(*lines));
	bootlist_describe(b->nums, b->n, lines);
	for (size_t i = 0; i < b->n; i++)
		snprintf(b->vg[i], sizeof(b->vg[i]), "%s", lines[i].vg_uuid);
	free(lines);
}

static void boot_vars_free(struct boot_vars *b)
{
	free(b->nums);
	free(b->order);
	free(b->next);
	free(b->vg);
}

/* "Boot0003(order 1)(next)" for the entries that boot UUID, "-" for none. */
static void boot_entries(const struct boot_vars *b, const char *uuid, char *out, size_t len)
{
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; i < b->n; i++) {
		if (strcmp(b->vg[i], uuid) != 0)
			continue;
		k += (size_t)snprintf(out + k, len > k ? len - k : 0, "%sBoot%04X", k ? " " : "", b->nums[i]);
		for (size_t j = 0; j < b->norder; j++)
			if (b->order[j] == b->nums[i])
				k += (size_t)snprintf(out + k, len > k ? len - k : 0, "(order %zu)", j + 1);
		if (b->nnext == 1 && b->next[0] == b->nums[i])
			k += (size_t)snprintf(out + k, len > k ? len - k : 0, "(next)");
	}
	if (!out[0])
		snprintf(out, len, "-");
}

static void format_time(const char *tag, char *out, size_t len)
{
	/* 20261121T055000Z -> 2026-11-21 05:50 */
	if (strlen(tag) >= 15)
		snprintf(out, len, "%.4s-%.2s-%.2s %.2s:%.2s", tag, tag + 4, tag + 6, tag + 9, tag + 11);
	else
		snprintf(out, len, "-");
}

static int by_pv_name(const void *a, const void *b)
{
	return strverscmp(((const struct lvm_pv *)a)->name, ((const struct lvm_pv *)b)->name);
}

/* The row of VG i, or 0 when it is not root-capable. */
static int describe_vg(struct listed *e, const struct lvm_vg *vgs, size_t nv, size_t i, const struct lvm_pv *pvs,
		       size_t np, const struct bootdisk *esps, size_t nesps, const struct boot_vars *boot)
{
	memset(e, 0, sizeof(*e));
	e->vg = vgs[i];
	altinst_parse_tags(vgs[i].tags, &e->st);
	int capable = strcmp(vgroles_role(vgs[i].name), "-") != 0 || e->st.source_uuid[0];
	for (size_t j = 0; j < nesps && !capable; j++)
		capable = strcmp(esps[j].vg_uuid, vgs[i].uuid) == 0;
	if (!capable)
		return 0;
	snprintf(e->role, sizeof(e->role), "%s", vgroles_role(vgs[i].name));
	size_t dl = 0;
	for (size_t p = 0; p < np; p++)
		if (strcmp(pvs[p].vg_uuid, vgs[i].uuid) == 0)
			dl += (size_t)snprintf(e->disks + dl, dl < sizeof(e->disks) ? sizeof(e->disks) - dl : 0,
					       "%s%s", dl ? "," : "", pvs[p].name + (strncmp(pvs[p].name, "/dev/", 5) ? 0 : 5));
	snprintf(e->source, sizeof(e->source), "%s", e->st.source_uuid[0] ? e->st.source_uuid : "-");
	for (size_t j = 0; j < nv; j++)
		if (e->st.source_uuid[0] && strcmp(vgs[j].uuid, e->st.source_uuid) == 0)
			snprintf(e->source, sizeof(e->source), "%s", vgs[j].name);
	size_t pl = 0;
	for (int ph = 1; ph <= ALTINST_PHASES; ph++)
		if (e->st.done[ph])
			pl += (size_t)snprintf(e->phases + pl, sizeof(e->phases) - pl, "%s%d", pl ? "," : "", ph);
	if (e->st.running)
		snprintf(e->phases + pl, sizeof(e->phases) - pl, "%s%d!", pl ? "," : "", e->st.running);
	if (!e->phases[0])
		snprintf(e->phases, sizeof(e->phases), "-");
	boot_entries(boot, vgs[i].uuid, e->boot, sizeof(e->boot));
	return 1;
}

static void print_json(const struct listed *e, int first)
{
	printf("%s\n {\"name\": ", first ? "" : ",");
	json_write_str(stdout, e->vg.name);
	printf(", \"uuid\": ");
	json_write_str(stdout, e->vg.uuid);
	printf(", \"role\": ");
	json_write_str(stdout, e->role);
	printf(", \"disks\": ");
	json_write_str(stdout, e->disks);
	printf(", \"size\": %llu, \"cloned\": ", (unsigned long long)e->vg.size);
	json_write_str(stdout, e->st.time);
	printf(", \"source_uuid\": ");
	json_write_str(stdout, e->st.source_uuid);
	printf(", \"source\": ");
	json_write_str(stdout, strcmp(e->source, "-") ? e->source : "");
	printf(", \"phases\": ");
	json_write_str(stdout, strcmp(e->phases, "-") ? e->phases : "");
	printf(", \"boot\": ");
	json_write_str(stdout, strcmp(e->boot, "-") ? e->boot : "");
	putchar('}');
}

static void print_list(const struct listed *l, size_t k, int json)
{
	if (json)
		putchar('[');
	else
		printf("%-16s %-10s %-14s %9s  %-16s %-16s %-7s %s\n", "VG", "ROLE", "DISKS", "SIZE", "CLONED",
		       "SOURCE", "PHASES", "BOOT");
	for (size_t i = 0; i < k; i++) {
		const struct listed *e = &l[i];
		char size[32], when[32];
		format_size(e->vg.size, size, sizeof(size));
		format_time(e->st.time, when, sizeof(when));
		if (json)
			print_json(e, i == 0);
		else
			printf("%-16s %-10s %-14s %9s  %-16s %-16s %-7s %s\n", e->vg.name, e->role, e->disks, size, when,
			       e->source, e->phases, e->boot);
	}
	if (json)
		printf("%s]\n", k ? "\n" : "");
}

static int list_vgs(int json)
{
	struct lvm_vg *vgs;
	struct lvm_pv *pvs;
	size_t nv, np;
	struct err le;
	if (lvm_vgs(NULL, &vgs, &nv, &le) < 0 || lvm_pvs(NULL, &pvs, &np, &le) < 0) {
		errmsg("cannot read the volume groups: %s", le.msg);
		return EXIT_FAIL;
	}
	qsort(pvs, np, sizeof(*pvs), by_pv_name);
	struct bootdisk *esps;
	size_t nesps = bootdisk_all(&esps);
	struct boot_vars boot;
	boot_vars_read(&boot);
	struct listed *l = xcalloc(nv + 1, sizeof(*l));
	size_t k = 0;
	for (size_t i = 0; i < nv; i++)
		k += (size_t)describe_vg(&l[k], vgs, nv, i, pvs, np, esps, nesps, &boot);
	print_list(l, k, json);
	free(l);
	free(vgs);
	free(pvs);
	free(esps);
	boot_vars_free(&boot);
	return EXIT_OK;
}

struct args {
	int op, json;
	const char *disk, *newname, *script, *resolv;
};

/* Which options go with the operation; 0 or EXIT_USAGE after the message. */
static int check_args(const struct args *a, int argc, char **argv, int ind)
{
	int want_disk = a->op == 'W' || a->op == 'q' || a->op == 'v';
	if (want_disk && !a->disk) {
		errmsg("-%c needs -d DISK", a->op);
		return EXIT_USAGE;
	}
	if (!want_disk && a->disk) {
		errmsg("-d: -%c takes no disk", a->op);
		return EXIT_USAGE;
	}
	if ((a->script || a->resolv) && a->op != 'C') {
		errmsg("-s and -R go with -C");
		return EXIT_USAGE;
	}
	if (a->json && a->op != 'l') {
		errmsg("--json goes with -l");
		return EXIT_USAGE;
	}
	if (ind < argc && a->op != 'X') {
		errmsg("'%s': unexpected argument", argv[ind]);
		return EXIT_USAGE;
	}
	if (argc - ind > 1) {
		errmsg("-X takes one volume group");
		return EXIT_USAGE;
	}
	return 0;
}

/* The options into *a; 0, or what the command returns. */
static int parse(struct args *a, int argc, char **argv, int *ind)
{
	struct optparser p;
	int c;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0) {
		switch (c) {
		case 'd': a->disk = p.arg; break;
		case 's': a->script = p.arg; break;
		case 'R': a->resolv = p.arg; break;
		case OPT_JSON: a->json = 1; break;
		default:        /* the operations */
			if (a->op && a->op != c) {
				errmsg("-%c and -%c: one operation at a time", a->op, c);
				return EXIT_USAGE;
			}
			a->op = c;
			if (c == 'v')
				a->newname = p.arg;
		}
	}
	if (c == OPT_EXIT)
		return p.rc ? p.rc : -1;
	if (!a->op) {
		opt_usage(&spec, stderr);
		return EXIT_USAGE;
	}
	*ind = p.ind;
	return check_args(a, argc, argv, p.ind);
}

int cmd_alt_rootvg_op(int argc, char **argv)
{
	struct args a = { 0 };
	int ind, rc = parse(&a, argc, argv, &ind);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	/* every operation runs lvm: missing, it is one line before anything */
	struct err e;
	if (clone_helper_check(lvm_program(), &e) < 0) {
		errmsg("%s", e.msg);
		return EXIT_FAIL;
	}
	switch (a.op) {
	case 'X': rc = remove_vg(ind < argc ? argv[ind] : ALTINST_VG); break;
	case 'W': rc = wake(a.disk); break;
	case 'S': rc = sleep_vg(); break;
	case 'C': rc = customize(a.script, a.resolv); break;
	case 'q': rc = query_boot_disk(a.disk); break;
	case 'v': rc = rename_on_disk(a.newname, a.disk); break;
	default: rc = list_vgs(a.json); break;
	}
	return rc == EXIT_OK ? close_stdout() : rc;
}
