/* A clone from start to end: what phase 1 prepares, the phase table, and
 * waking the clone for phases 2 and 3 (after a reboot too). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootdisk.h"
#include "clone.h"
#include "intree.h"
#include "layout.h"
#include "lvm.h"
#include "mounts.h"
#include "readall.h"

static void vsay(const struct clone_report *rep, const char *fmt, va_list ap)
{
	if (!rep || !rep->say)
		return;
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	rep->say(rep->arg, msg);
}

void clone_report_say(const struct clone_report *rep, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(rep, fmt, ap);
	va_end(ap);
}

void clone_say(const struct clone *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(c->rep, fmt, ap);
	va_end(ap);
}

int clone_set_tag(const char *add, const char *del, struct err *e)
{
	const char *args[8];
	size_t a = 0;
	args[a++] = "vgchange";
	if (add) {
		args[a++] = "--addtag";
		args[a++] = add;
	}
	if (del) {
		args[a++] = "--deltag";
		args[a++] = del;
	}
	args[a++] = ALTINST_VG;
	args[a] = NULL;
	return lvm_do("recording the phase", args, e);
}

int clone_read_conf(struct clone_conf_fs *fs, size_t max, size_t *n)
{
	int fd = intree_open(ALTINST_MNT, "etc/altkit/clone.conf", O_RDONLY, 0);
	if (fd < 0)
		return fd;
	char *text = read_all_fd(fd, NULL);
	close(fd);
	*n = 0;
	for (char *save = NULL, *line = text ? strtok_r(text, "\n", &save) : NULL; line && *n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		struct clone_conf_fs *c = &fs[*n];
		if (line[0] == '#' || sscanf(line, "%127s %255s %31s %63s", c->lv, c->mountpoint, c->fstype, c->src_uuid) != 4)
			continue;
		(*n)++;
	}
	free(text);
	return 0;
}

int clone_conf_dev(const struct clone *c, const struct clone_conf_fs *fs, char *disk, size_t disklen, char *dev,
		   size_t len)
{
	size_t pl = strlen(CLONE_CONF_PART);
	if (strncmp(fs->lv, CLONE_CONF_PART, pl) != 0) {
		snprintf(dev, len, "/dev/mapper/%s-%s", ALTINST_VG, fs->lv);
		return 0;
	}
	struct bootdisk d;
	if (!disk[0] && bootdisk_of_vg(c->st.uuid, &d, 1) == 1)
		snprintf(disk, disklen, "%s", d.disk);
	if (!disk[0])
		return -ENOENT;
	char whole[64];
	snprintf(whole, sizeof(whole), "/dev/%s", disk);
	clone_part_dev(whole, atoi(fs->lv + pl), dev, len);
	return 0;
}

/* ---- before phase 1 ------------------------------------------------------ */

static int check_disks(struct clone *c, char *const disks[], size_t nd, struct err *e)
{
	int rc;
	for (size_t i = 0; i < nd && i < CLONE_MAX_DISKS; i++) {
		for (size_t j = 0; j < i; j++)
			if (strcmp(disks[i], disks[j]) == 0)
				return err_set(e, CLONE_E_USAGE, "'%s' is named twice in -d", disks[i]);
		if ((rc = target_disk_check(disks[i], c->src.vg, &c->t[i], e)) < 0)
			return rc;
	}
	c->nt = nd;
	return 0;
}

static int load_layout(struct clone_source *src, const char *file, struct err *e)
{
	struct layout l;
	struct err le;
	int rc = layout_load(file, &l, &le);
	if (rc == -EINVAL)
		return err_set(e, CLONE_E_USAGE, "-i '%s' %s", file, le.msg);
	if (rc < 0) {
		err_errno(e, rc, "-i '%s'", file);
		return e ? (e->code = CLONE_E_USAGE) : CLONE_E_USAGE;
	}
	rc = clone_plan_layout(src, &l, file, e);
	layout_release(&l);
	return rc;
}

/* The clone's LVs: names, types, sizes, in mount order. */
static int plan(struct clone *c, struct err *e)
{
	int rc;
	if (c->o.layout_file && (rc = load_layout(&c->src, c->o.layout_file, e)) < 0)
		return rc;
	if (c->o.convert)
		clone_plan_convert(&c->src);
	if ((rc = clone_plan_check_names(&c->src, e)) < 0)
		return rc;
	clone_plan_sort(&c->src);
	return clone_plan_sizes(&c->src, c->t, c->nt, &c->o, c->rep, e);
}

/* Where the source's root tree is read: "/" live, under CLONE_SRC_MNT offline. */
static const char *source_root(const struct clone_source *src)
{
	for (size_t i = 0; i < src->nfs; i++)
		if (strcmp(src->fs[i].mountpoint, "/") == 0)
			return src->fs[i].src_dir;
	return "/";
}

int clone_prepare(struct clone *c, char *const disks[], size_t nd, struct err *e)
{
	int rc;
	if (nd > CLONE_MAX_DISKS)
		return err_set(e, CLONE_E_USAGE, "-d: at most %d disks", CLONE_MAX_DISKS);
	if ((rc = clone_find_source(c, e)) < 0 || (rc = check_disks(c, disks, nd, e)) < 0 ||
	    (rc = clone_open_source(c, e)) < 0)
		return rc;
	/* the programs phase 1 runs depend on the plan; all are found, and a
	 * boot loader phase 3 knows, before the snapshots and the first write */
	if ((rc = plan(c, e)) < 0 || (rc = clone_check_helpers(c, e)) < 0 ||
	    ((c->o.want[3] || c->o.firstboot || c->o.console) &&
	     ((rc = clone_check_boot(c, source_root(&c->src), e)) < 0 || (rc = clone_check_boot_options(c, e)) < 0))) {
		clone_close_source(c);
		return rc;
	}
	/* before the snapshots, so that the clone has its own /alt_inst */
	mkdir(ALTINST_MNT, 0755);
	if ((rc = clone_take_snapshots(c, e)) < 0 ||
	    (rc = clone_choose_copy_paths(&c->src, &c->o, c->src.offline || c->src.snapshots, e)) < 0) {
		if (c->src.snapshots)
			clone_remove_snapshots(c);
		clone_close_source(c);
		return rc;
	}
	return 0;
}

/* ---- waking the clone for phases 2 and 3 --------------------------------- */

/* Activate altinst_rootvg and mount it on /alt_inst if it is not. */
static int wake(struct clone *c, struct err *e)
{
	if (mounts_is_target(ALTINST_MNT))
		return 0;
	const char *act[] = { "vgchange", "-ay", ALTINST_VG, NULL };
	int rc = lvm_do("activating altinst_rootvg", act, e);
	if (rc < 0)
		return rc;
	char dev[300];
	snprintf(dev, sizeof(dev), "/dev/mapper/%s-%s", ALTINST_VG, c->st.root_lv);
	clone_wait_for_node(dev);
	mkdir(ALTINST_MNT, 0755);
	if (mount(dev, ALTINST_MNT, "ext4", 0, NULL) < 0 && mount(dev, ALTINST_MNT, "xfs", 0, NULL) < 0)
		return err_errno(e, -errno, "mounting the clone's root '%s' on %s", dev, ALTINST_MNT);
	struct clone_conf_fs fs[CLONE_MAX_LVS];
	size_t n;
	if (clone_read_conf(fs, CLONE_MAX_LVS, &n) < 0)
		return err_set(e, -ENOENT, "'%s/etc/altkit/clone.conf' is missing: was phase 1 completed?", ALTINST_MNT);
	/* in mount order, as phase 1 wrote them */
	char disk[32] = "";
	for (size_t i = 0; i < n; i++) {
		if (fs[i].mountpoint[0] != '/' || strcmp(fs[i].mountpoint, "/") == 0 ||
		    strncmp(fs[i].fstype, "ext", 3) != 0)
			continue;
		if (clone_conf_dev(c, &fs[i], disk, sizeof(disk), dev, sizeof(dev)) < 0)
			return err_set(e, -ENOENT, "the clone's %s partition: altinst_rootvg has no disk with an ESP",
				       fs[i].mountpoint);
		if ((rc = clone_mount_fs(fs[i].mountpoint, fs[i].fstype, dev, e)) < 0)
			return rc;
	}
	return 0;
}

/* ---- the phases ---------------------------------------------------------- */

static int run_phase1(struct clone *c, struct err *e)
{
	const struct clone_source *src = &c->src;
	clone_say(c, "phase 1: cloning '%s' (%s) to %zu disk%s", src->vg, src->uuid, c->nt, c->nt > 1 ? "s" : "");
	int rc = clone_phase1(c, e);
	if (c->src.snapshots)
		clone_remove_snapshots(c);
	clone_close_source(c);
	if (rc == 0)
		altinst_read(ALTINST_VG, &c->st, NULL);
	return rc;
}

static const struct clone_phase phases[] = {
	{ 1, "cloning", run_phase1 },
	{ 2, "customizing the clone", clone_phase2 },
	{ 3, "making the clone bootable", clone_phase3 },
};

int clone_run(struct clone *c, struct err *e)
{
	int rc, woken = 0;
	c->failed_phase = 0;
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		const struct clone_phase *p = &phases[i];
		if (!c->o.want[p->number])
			continue;
		if (p->number > 1 && !woken) {
			/* phases 2 and 3 may follow a reboot: the clone is mounted again */
			if ((rc = wake(c, e)) < 0)
				return rc;
			woken = 1;
		}
		if (p->number > 1)
			clone_say(c, "phase %d: %s", p->number, p->name);
		if ((rc = p->run(c, e)) < 0) {
			c->failed_phase = p->number;
			return rc;
		}
	}
	return 0;
}
