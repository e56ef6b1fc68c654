/* Phase 1: partition the target disks (GPT: an ESP on the first, an LVM PV
 * on each), create altinst_rootvg with one LV per source LV, make the
 * filesystems with the source's parameters, mount them under /alt_inst in
 * mount order and copy the source's filesystems. Only the targets are
 * written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clone.h"
#include "gpt.h"
#include "lvm.h"
#include "run.h"

void clone_part_dev(const char *disk, int n, char *buf, size_t len)
{
	size_t l = strlen(disk);
	/* /dev/nvme0n1 -> /dev/nvme0n1p1, /dev/vdb -> /dev/vdb1 */
	int digit = l > 0 && disk[l - 1] >= '0' && disk[l - 1] <= '9';
	snprintf(buf, len, "%s%s%d", disk, digit ? "p" : "", n);
}

/* GPTs on the targets and the ESP's FAT; pv[] gets the PV partitions. The
 * first disk: ESP, the copy of a /boot partition when the source has one,
 * PV; the others: PV. */
static int partition(struct clone *c, char pv[][64], struct err *e)
{
	char esp[64];
	const struct gpt_part lvm = { GPT_TYPE_LVM, "altkit-lvm", 0 };
	struct gpt_part first[3];
	size_t n = 0;
	first[n++] = (struct gpt_part){ GPT_TYPE_ESP, "altkit-esp", c->o.esp_size };
	/* partition CLONE_BOOT_PART */
	if (c->src.boot_part.part)
		first[n++] = (struct gpt_part){ GPT_TYPE_LINUX, "altkit-boot", c->src.boot_part.clone_size };
	first[n++] = lvm;
	for (size_t i = 0; i < c->nt; i++) {
		int rc = i == 0 ? gpt_create(c->t[i].dev, first, n) : gpt_create(c->t[i].dev, &lvm, 1);
		if (rc < 0)
			return err_errno(e, rc, "'%s': cannot write a GPT", c->t[i].name);
		clone_part_dev(c->t[i].dev, i == 0 ? (int)n : 1, pv[i], 64);
		clone_wait_for_node(pv[i]);
	}
	clone_part_dev(c->t[0].dev, 1, esp, sizeof(esp));
	clone_wait_for_node(esp);
	char *mkfat[] = { "mkfs.fat", "-F", "32", "-n", "ESP", esp, NULL };
	return run_checked("making the ESP", mkfat, e);
}

/* altinst_rootvg on the PVs, tagged with where it comes from and that
 * phase 1 runs. */
static int create_vg(struct clone *c, char pv[][64], const char *running, struct err *e)
{
	const struct clone_source *src = &c->src;
	const char *args[CLONE_MAX_DISKS + 8];
	char extent[32];
	size_t a = 0;
	snprintf(extent, sizeof(extent), "%llub", (unsigned long long)(src->extent_size ? src->extent_size : 4 << 20));
	args[a++] = "vgcreate";
	args[a++] = "-y";
	args[a++] = "-s";
	args[a++] = extent;
	args[a++] = ALTINST_VG;
	for (size_t i = 0; i < c->nt; i++)
		args[a++] = pv[i];
	args[a] = NULL;
	int rc = lvm_do("creating altinst_rootvg", args, e);
	if (rc < 0)
		return rc;
	char src_tag[96], root_tag[192], time_tag[64], stamp[32];
	time_t now = time(NULL);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
	altinst_tag(src_tag, sizeof(src_tag), "src", src->uuid);
	altinst_tag(time_tag, sizeof(time_tag), "time", stamp);
	const char *root_lv = "";
	for (size_t i = 0; i < src->nfs; i++)
		if (strcmp(src->fs[i].mountpoint, "/") == 0)
			root_lv = src->fs[i].clone_lv;
	altinst_tag(root_tag, sizeof(root_tag), "rootlv", root_lv);
	const char *tags[] = { "vgchange", "--addtag", running, "--addtag", src_tag, "--addtag", time_tag,
			       "--addtag", root_tag, ALTINST_VG, NULL };
	return lvm_do("recording the clone's origin", tags, e);
}

static int run_argv_free(const char *what, char **argv, struct err *e)
{
	int rc = run_checked(what, argv, e);
	extfs_argv_free(argv);
	return rc;
}

/* An ext filesystem with the source's parameters: block and inode size,
 * inode ratio, features, label, reserved blocks, default mount options (or
 * ext4 with -T). */
static int make_ext(const struct clone_fs *f, const char *dev, struct err *e)
{
	if (!f->have_params)
		return err_set(e, -EINVAL, "'%s': cannot read the source filesystem's parameters", f->src_dev);
	struct extfs_mkfs_opts mo = { .device = dev, .size_bytes = f->clone_size, .convert_to_ext4 = clone_fs_converts(f) };
	char **argv;
	int rc = extfs_mkfs_argv(&f->params, &mo, &argv);
	if (rc < 0)
		return err_set(e, rc, "'%s': %s", f->src_dev, rc == -EXTFS_E_FEATURE ?
			       extfs_unsupported_feature(&f->params) : extfs_strerror(-rc));
	if ((rc = run_argv_free("making a filesystem", argv, e)) < 0)
		return rc;
	struct extfs_params made;
	if (extfs_read_params(dev, &made) < 0)
		return 0;
	rc = extfs_tune_argv(&f->params, &made, dev, &argv);
	if (rc >= 0 && argv && run_argv_free("setting the filesystem's options", argv, e) < 0)
		return -EIO;
	if (rc == 1 && extfs_set_mount_opts(dev, f->params.mount_opts) < 0)
		return err_set(e, -EIO, "'%s': cannot set the default mount options '%s'", dev, f->params.mount_opts);
	return 0;
}

static int make_filesystem(const struct clone_fs *f, const char *dev, struct err *e)
{
	if (strcmp(f->fstype, "swap") == 0) {
		char *argv[] = { "mkswap", "-L", (char *)(f->label[0] ? f->label : f->clone_lv), (char *)dev, NULL };
		return run_checked("making swap", argv, e);
	}
	if (strncmp(f->fstype, "ext", 3) != 0 || f->block_copy)
		return 0;   /* copied block for block */
	return make_ext(f, dev, e);
}

static void clone_dev(const struct clone_fs *f, char *dev, size_t len)
{
	snprintf(dev, len, "/dev/mapper/%s-%s", ALTINST_VG, f->clone_lv);
}

static int create_lvs(struct clone *c, struct err *e)
{
	for (size_t i = 0; i < c->src.nfs; i++) {
		struct clone_fs *f = &c->src.fs[i];
		char size[32], dev[300];
		snprintf(size, sizeof(size), "%llub", (unsigned long long)f->clone_size);
		const char *lvc[] = { "lvcreate", "-y", "-W", "y", "-Z", "y", "-n", f->clone_lv, "-L", size, ALTINST_VG, NULL };
		int rc = lvm_do("creating a logical volume", lvc, e);
		if (rc < 0)
			return rc;
		clone_dev(f, dev, sizeof(dev));
		clone_wait_for_node(dev);
		if ((rc = make_filesystem(f, dev, e)) < 0)
			return rc;
	}
	return 0;
}

/* The filesystem of the /boot partition's copy, when the source has one. */
static int make_boot_part(struct clone *c, struct err *e)
{
	char dev[300];
	if (!c->src.boot_part.part)
		return 0;
	clone_part_dev(c->t[0].dev, c->src.boot_part.part, dev, sizeof(dev));
	clone_wait_for_node(dev);
	return make_filesystem(&c->src.boot_part, dev, e);
}

/* One filesystem onto its device (an LV, or the /boot partition), by the
 * path chosen for it. */
static int copy_fs(struct clone *c, const struct clone_fs *f, const char *dev, struct err *e)
{
	char dst[600];
	int rc;
	if (strcmp(f->fstype, "swap") == 0)
		return 0;
	if (!f->mountpoint[0]) {
		clone_say(c, "'%s' is not mounted on the source: created, not copied", f->lv);
		return 0;
	}
	if (f->block_copy) {
		/* mounted afterwards: filesystems below it are mounted on it */
		if ((rc = clone_copy_used_blocks(c, f, dev, e)) < 0)
			return rc;
		return clone_mount_fs(f->mountpoint, f->fstype, dev, e);
	}
	if (strncmp(f->fstype, "ext", 3) != 0) {
		clone_say(c, "copying '%s' (%s) block for block", f->mountpoint, f->fstype[0] ? f->fstype : "unknown");
		rc = clone_copy_blocks(f->src_dev, dev, f->size < f->clone_size ? f->size : f->clone_size);
		return rc < 0 ? err_errno(e, rc, "copying '%s' block for block", f->src_dev) : 0;
	}
	if ((rc = clone_mount_fs(f->mountpoint, f->fstype, dev, e)) < 0)
		return rc;
	snprintf(dst, sizeof(dst), "%s%s", ALTINST_MNT, strcmp(f->mountpoint, "/") ? f->mountpoint : "");
	return clone_copy_files(c, f, dst, e);
}

/* The K-th filesystem in mount order, NULL past the last: a /boot
 * partition comes right after "/" (fs[0]), its mount point sorting before
 * every other but "/". */
static const struct clone_fs *in_mount_order(const struct clone_source *src, size_t k)
{
	size_t boot = src->boot_part.part && src->nfs ? 1 : 0;
	if (k == 1 && boot)
		return &src->boot_part;
	k -= k > 1 ? boot : 0;
	return k < src->nfs ? &src->fs[k] : NULL;
}

/* Every filesystem in mount order: each is copied before the next one is
 * mounted over its mount point, so that mount point directories keep their
 * own owner and mode. */
static int copy_all(struct clone *c, struct err *e)
{
	const struct clone_fs *f;
	char dev[300];
	int rc;
	mkdir(ALTINST_MNT, 0755);
	for (size_t k = 0; (f = in_mount_order(&c->src, k)); k++) {
		if (f->part)
			clone_part_dev(c->t[0].dev, f->part, dev, sizeof(dev));
		else
			clone_dev(f, dev, sizeof(dev));
		if ((rc = copy_fs(c, f, dev, e)) < 0)
			return rc;
	}
	return 0;
}

/* What phases 2 and 3 need to mount the clone again after a reboot. */
static int write_clone_conf(const struct clone_source *src, struct err *e)
{
	char conf[600];
	snprintf(conf, sizeof(conf), "%s/etc/altkit", ALTINST_MNT);
	mkdir(conf, 0755);
	snprintf(conf, sizeof(conf), "%s/etc/altkit/clone.conf", ALTINST_MNT);
	FILE *cf = fopen(conf, "we");
	if (!cf)
		return err_errno(e, -errno, "writing '%s'", conf);
	fprintf(cf, "# altkit clone: LV mountpoint fstype source-fs-uuid (written by alt_disk_copy)\n"
		"# " CLONE_CONF_PART "N: partition N of the clone's first disk (a /boot outside the VG)\n");
	const struct clone_fs *f;
	for (size_t k = 0; (f = in_mount_order(src, k)); k++) {
		char name[128];
		if (f->part)
			snprintf(name, sizeof(name), CLONE_CONF_PART "%d", f->part);
		else
			snprintf(name, sizeof(name), "%s", f->clone_lv);
		fprintf(cf, "%s %s %s %s\n", name, f->mountpoint[0] ? f->mountpoint : "-",
			f->clone_fstype[0] ? f->clone_fstype : "-", f->uuid[0] ? f->uuid : "-");
	}
	if (fclose(cf) != 0)
		return err_errno(e, -errno, "writing '%s'", conf);
	return 0;
}

int clone_phase1(struct clone *c, struct err *e)
{
	char pv[CLONE_MAX_DISKS][64], running[64], tag[256];
	int rc;
	altinst_tag(running, sizeof(running), "running", "1");
	if ((rc = partition(c, pv, e)) < 0 || (rc = create_vg(c, pv, running, e)) < 0 ||
	    (rc = create_lvs(c, e)) < 0 || (rc = make_boot_part(c, e)) < 0 || (rc = copy_all(c, e)) < 0 ||
	    (rc = write_clone_conf(&c->src, e)) < 0)
		return rc;
	altinst_tag(tag, sizeof(tag), "phase", "1");
	return clone_set_tag(tag, running, e);
}
