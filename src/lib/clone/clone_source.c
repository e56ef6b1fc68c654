/* The source of a clone: which VG, its LVs and filesystems, mounted by the
 * running system (live) or read-only by us (offline); snapshots of a live
 * source so that the copy reads one moment of each filesystem. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "altvg.h"
#include "blockdev.h"
#include "clone.h"
#include "intree.h"
#include "lvm.h"
#include "mounts.h"
#include "readall.h"
#include "vgtree.h"

#define SNAP_MNT "/run/altkit/snap"

/* The VG and LV of the filesystem mounted on "/". */
static int find_root_vg(struct clone_source *src, struct err *e)
{
	struct stat st;
	if (stat("/", &st) < 0)
		return err_errno(e, -errno, "'/'");
	char select[128];
	snprintf(select, sizeof(select), "lv_kernel_major=%u && lv_kernel_minor=%u",
		 major(st.st_dev), minor(st.st_dev));
	struct lvm_lv *lvs;
	size_t n;
	int rc = lvm_lvs(select, &lvs, &n, e);
	if (rc < 0)
		return rc;
	if (n == 0) {
		free(lvs);
		return -ENOENT;
	}
	snprintf(src->vg, sizeof(src->vg), "%s", lvs[0].vg_name);
	free(lvs);
	return 0;
}

static int lookup_vg(const char *name_or_uuid, struct clone_source *src, struct err *e)
{
	char select[192];
	struct lvm_vg *vgs;
	size_t n;
	snprintf(select, sizeof(select), "vg_name=%s || vg_uuid=%s", name_or_uuid, name_or_uuid);
	int rc = lvm_vgs(select, &vgs, &n, e);
	if (rc < 0)
		return rc;
	if (n != 1) {
		free(vgs);
		return n == 0 ? -ENOENT : -EEXIST;
	}
	snprintf(src->vg, sizeof(src->vg), "%s", vgs[0].name);
	snprintf(src->uuid, sizeof(src->uuid), "%s", vgs[0].uuid);
	src->extent_size = vgs[0].extent_size;
	free(vgs);
	return 0;
}

int clone_find_source(struct clone *c, struct err *e)
{
	struct clone_source *src = &c->src;
	struct err le = { 0, "" };
	int rc;
	memset(src, 0, sizeof(*src));
	if (c->o.source_vg) {
		rc = lookup_vg(c->o.source_vg, src, &le);
	} else {
		rc = find_root_vg(src, &le);
		if (rc == -ENOENT)
			return err_set(e, CLONE_E_USAGE, "'/' is not on a logical volume: name the volume group to "
				       "clone with --source-vg");
		src->live = 1;
		if (rc == 0)
			rc = lookup_vg(src->vg, src, &le);
	}
	if (rc < 0)
		return err_set(e, CLONE_E_USAGE, "source volume group '%s': %s", c->o.source_vg ? c->o.source_vg : src->vg,
			       rc == -ENOENT ? "not found" : rc == -EEXIST ? "the name is not unique: use its UUID"
			       : le.msg);
	if (strcmp(src->vg, ALTINST_VG) == 0)
		return err_set(e, CLONE_E_USAGE, "source volume group '%s': cannot clone a clone in progress", src->vg);
	return 0;
}

static uint64_t used_bytes(const char *dir)
{
	struct statvfs sv;
	if (statvfs(dir, &sv) < 0)
		return 0;
	return (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
}

/* What libblkid, libext2fs and the mount table say of an active LV. */
static void probe_fs(struct clone_fs *f, const struct mount_table *mt)
{
	struct stat st;
	if (stat(f->src_dev, &st) != 0)
		return;
	struct blockdev bd = { 0 };
	snprintf(bd.name, sizeof(bd.name), "%s", f->src_dev + 5);
	blockdev_probe(&bd);
	snprintf(f->fstype, sizeof(f->fstype), "%s", bd.type);
	snprintf(f->label, sizeof(f->label), "%s", bd.label);
	snprintf(f->uuid, sizeof(f->uuid), "%s", bd.uuid);
	snprintf(f->clone_fstype, sizeof(f->clone_fstype), "%s", bd.type);
	if (strncmp(f->fstype, "ext", 3) == 0)
		f->have_params = extfs_read_params(f->src_dev, &f->params) == 0;
	const struct mount_entry *m = mounts_find_dev(mt, major(st.st_rdev), minor(st.st_rdev));
	if (m) {
		snprintf(f->mountpoint, sizeof(f->mountpoint), "%s", m->target);
		snprintf(f->src_dir, sizeof(f->src_dir), "%s", m->target);
		f->used = used_bytes(m->target);
	}
}

/* Fill src->fs from the VG's LVs and the mount table. */
static int scan_source(struct clone_source *src, struct err *e)
{
	char select[192];
	struct lvm_lv *lvs;
	size_t n;
	snprintf(select, sizeof(select), "vg_uuid=%s", src->uuid);
	int rc = lvm_lvs(select, &lvs, &n, e);
	if (rc < 0)
		return rc;
	struct mount_table mt;
	mounts_read(&mt);
	src->nfs = 0;
	for (size_t i = 0; i < n && src->nfs < CLONE_MAX_LVS; i++) {
		/* plain LVs and snapshot origins; never snapshots, pools or hidden LVs */
		if (lvs[i].attr[0] != '-' && lvs[i].attr[0] != 'o')
			continue;
		struct clone_fs *f = &src->fs[src->nfs++];
		memset(f, 0, sizeof(*f));
		snprintf(f->lv, sizeof(f->lv), "%s", lvs[i].name);
		snprintf(f->clone_lv, sizeof(f->clone_lv), "%s", lvs[i].name);
		snprintf(f->src_dev, sizeof(f->src_dev), "%s", lvs[i].dm_path);
		f->size = lvs[i].size;
		if (lvs[i].active)
			probe_fs(f, &mt);
	}
	mounts_release(&mt);
	free(lvs);
	return 0;
}

/* ---- an offline source: activated read-only, mounted by us ---------------- */

static const char *ro_options(const char *fstype)
{
	return strcmp(fstype, "ext2") == 0 ? NULL : strncmp(fstype, "ext", 3) == 0 ? "noload" :
	       strcmp(fstype, "xfs") == 0 ? "norecovery" : NULL;
}

static int mount_ro(const char *dev, const char *dir, const char *fstype)
{
	/* noload/norecovery: a journal is not replayed, the source stays as it is
	 * (the device-mapper table is read-only anyway) */
	const char *type = strncmp(fstype, "ext", 3) == 0 ? "ext4" : fstype;
	mkdir(dir, 0755);
	return mount(dev, dir, type, MS_RDONLY, ro_options(fstype)) < 0 ? -errno : 0;
}

/* Which source LV does an fstab device name? /dev/VG/LV, /dev/mapper/VG-LV,
 * UUID= or LABEL= (the VG may carry another name here than on its system). */
static struct clone_fs *fstab_device(struct clone_source *src, const char *spec)
{
	for (size_t i = 0; i < src->nfs; i++)
		if (vgtree_fstab_names(spec, src->vg, src->fs[i].lv, src->fs[i].uuid, src->fs[i].label))
			return &src->fs[i];
	return NULL;
}

/* The LV holding etc/fstab ("root" first), mounted read-only on CLONE_SRC_MNT. */
static struct clone_fs *mount_offline_root(struct clone_source *src)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < src->nfs; i++) {
			struct clone_fs *f = &src->fs[i];
			if ((pass == 0) != (strcmp(f->lv, "root") == 0) || !f->fstype[0] || strcmp(f->fstype, "swap") == 0)
				continue;
			if (mount_ro(f->src_dev, CLONE_SRC_MNT, f->fstype) < 0)
				continue;
			if (access(CLONE_SRC_MNT "/etc/fstab", R_OK) == 0)
				return f;
			umount(CLONE_SRC_MNT);
		}
	return NULL;
}

/* What the root's fstab mounts from the VG, mounted read-only inside it. */
static int mount_offline_fstab(struct clone_source *src, const struct clone_fs *root, struct err *e)
{
	int fstfd = intree_open(CLONE_SRC_MNT, "etc/fstab", O_RDONLY, 0);
	FILE *fst = fstfd >= 0 ? fdopen(fstfd, "r") : NULL;
	char line[1024];
	int rc = 0;
	while (fst && rc == 0 && fgets(line, sizeof(line), fst)) {
		char spec[512], mp[256], type[32];
		if (line[0] == '#' || sscanf(line, "%511s %255s %31s", spec, mp, type) != 3 || mp[0] != '/' ||
		    strcmp(mp, "/") == 0 || strstr(mp, ".."))
			continue;
		struct clone_fs *f = fstab_device(src, spec);
		if (!f || f == root || f->mountpoint[0] || strcmp(f->fstype, "swap") == 0)
			continue;
		/* mount points in the read-only tree must exist already, and a
		 * symlink there must not lead the mount out of it */
		snprintf(f->src_dir, sizeof(f->src_dir), "%s%s", CLONE_SRC_MNT, mp);
		if (intree_mount(CLONE_SRC_MNT, mp, f->src_dev, strncmp(f->fstype, "ext", 3) == 0 ? "ext4" : f->fstype,
				 MS_RDONLY, ro_options(f->fstype)) < 0) {
			rc = err_errno(e, -errno, "mounting the source's '%s' (%s) read-only", mp, f->lv);
			break;
		}
		snprintf(f->mountpoint, sizeof(f->mountpoint), "%s", mp);
		f->used = used_bytes(f->src_dir);
	}
	if (fst)
		fclose(fst);
	return rc;
}

/* Activate the source VG read-only, find its root and mount it and what its
 * fstab mounts from the VG under CLONE_SRC_MNT, all read-only. */
static int mount_offline_source(struct clone_source *src, struct err *e)
{
	char config[300], select[96];
	snprintf(config, sizeof(config), "activation { read_only_volume_list = [ \"%s\" ] }", src->vg);
	snprintf(select, sizeof(select), "vg_uuid=%s", src->uuid);
	const char *act[] = { "vgchange", "-ay", "--config", config, "--select", select, NULL };
	int rc = lvm_do("activating the source read-only", act, e);
	if (rc < 0 || (rc = scan_source(src, e)) < 0)
		return rc;
	mkdir("/run/altkit", 0755);
	struct clone_fs *root = mount_offline_root(src);
	if (!root)
		return err_set(e, -ENOENT, "source volume group '%s': no logical volume holds a root filesystem "
			       "with /etc/fstab", src->vg);
	snprintf(root->mountpoint, sizeof(root->mountpoint), "/");
	snprintf(root->src_dir, sizeof(root->src_dir), "%s", CLONE_SRC_MNT);
	root->used = used_bytes(CLONE_SRC_MNT);
	return mount_offline_fstab(src, root, e);
}

static void unmount_offline_source(struct clone_source *src)
{
	if (src->boot_part.part && src->boot_part.src_dir[0])
		umount(src->boot_part.src_dir);
	for (size_t i = src->nfs; i-- > 0;)
		if (src->fs[i].src_dir[0] && strcmp(src->fs[i].mountpoint, "/") != 0)
			umount(src->fs[i].src_dir);
	umount(CLONE_SRC_MNT);
	char select[96];
	snprintf(select, sizeof(select), "vg_uuid=%s", src->uuid);
	const char *deact[] = { "vgchange", "-an", "--select", select, NULL };
	lvm_do("deactivating the source", deact, NULL);
}

void clone_close_source(struct clone *c)
{
	if (c->src.offline)
		unmount_offline_source(&c->src);
	c->src.offline = 0;
}

static int has_root(const struct clone_source *src)
{
	for (size_t i = 0; i < src->nfs; i++)
		if (strcmp(src->fs[i].mountpoint, "/") == 0)
			return 1;
	return 0;
}

/* offline (from the recovery image): nothing of it may be mounted */
static int open_offline(struct clone *c, struct err *e)
{
	struct clone_source *src = &c->src;
	for (size_t i = 0; i < src->nfs; i++)
		if (src->fs[i].mountpoint[0])
			return err_set(e, CLONE_E_USAGE, "source volume group '%s': '%s' is mounted on %s but no root is: "
				       "unmount it to clone offline", src->vg, src->fs[i].lv, src->fs[i].mountpoint);
	clone_say(c, "'%s' is offline: its filesystems are mounted read-only under %s", src->vg, CLONE_SRC_MNT);
	src->offline = 1;
	int rc = mount_offline_source(src, e);
	if (rc < 0)
		unmount_offline_source(src);
	return rc < 0 ? -EIO : 0;
}

/* ---- a /boot partition outside the VG ------------------------------------ */

/* The spec of the fstab's /boot in the tree at ROOT_DIR into spec: 1, or 0
 * when the fstab mounts nothing on /boot. */
static int fstab_boot_spec(const char *root_dir, char *spec, size_t len)
{
	int fd = intree_open(root_dir, "etc/fstab", O_RDONLY | O_NONBLOCK, 0);
	char *text = fd >= 0 ? read_all_fd(fd, NULL) : NULL;
	int found = 0;
	if (fd >= 0)
		close(fd);
	for (char *line = text, *next; line && *line && !found; line = next) {
		char f1[256], f2[256];
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[strspn(line, " \t")] != '#' && sscanf(line, "%255s %255s", f1, f2) == 2 &&
		    strcmp(f2, "/boot") == 0) {
			snprintf(spec, len, "%s", f1);
			found = 1;
		}
	}
	free(text);
	return found;
}

/* Where the source's /boot partition is read: mounted on /boot (live), or
 * mounted by us read-only in the offline tree. */
static int open_boot_part(struct clone_source *src, struct clone_fs *f, struct err *e)
{
	struct stat st;
	if (src->offline) {
		snprintf(f->src_dir, sizeof(f->src_dir), "%s/boot", CLONE_SRC_MNT);
		if (intree_mount(CLONE_SRC_MNT, "/boot", f->src_dev, "ext4", MS_RDONLY, ro_options(f->fstype)) < 0) {
			f->src_dir[0] = '\0';
			return err_errno(e, -errno, "mounting the source's /boot partition %s read-only", f->src_dev);
		}
		return 0;
	}
	struct mount_table mt;
	mounts_read(&mt);
	const struct mount_entry *m = mounts_find_target(&mt, "/boot");
	int same = m && stat(f->src_dev, &st) == 0 && m->major == major(st.st_rdev) && m->minor == minor(st.st_rdev);
	mounts_release(&mt);
	if (!same)
		return err_set(e, -ENOENT, "the source's /boot partition %s is not mounted on /boot: mount it (the "
			       "clone's kernels come from there)", f->src_dev);
	snprintf(f->src_dir, sizeof(f->src_dir), "/boot");
	return 0;
}

/* A /boot that is a plain partition, not an LV (as RHEL and many Debian
 * installs have it): copied to partition CLONE_BOOT_PART of the first
 * target, between the ESP and the PV, with a filesystem UUID of its own so
 * that GRUB's search by UUID finds the clone's. Only ext2/3/4: a raw copy
 * would keep the source's UUID. */
static int find_boot_part(struct clone *c, const char *root_dir, struct err *e)
{
	struct clone_source *src = &c->src;
	struct clone_fs *f = &src->boot_part;
	struct blockdev bd;
	char spec[256];
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < src->nfs; i++)
		if (strcmp(src->fs[i].mountpoint, "/boot") == 0)
			return 0;
	if (!fstab_boot_spec(root_dir, spec, sizeof(spec)))
		return 0;
	if (blockdev_find_spec(spec, &bd) < 0)
		return err_set(e, -ENOENT, "the source's /boot (%s in its fstab) is on none of this machine's disks",
			       spec);
	if (!bd.partno)
		return err_set(e, -ENOTSUP, "the source's /boot (%s in its fstab) is /dev/%s, not a partition of a "
			       "disk: altkit clones /boot from an LV of '%s' or a disk partition", spec, bd.name, src->vg);
	if (strncmp(bd.type, "ext", 3) != 0)
		return err_set(e, -ENOTSUP, "the source's /boot partition /dev/%s is %s: altkit clones ext2, ext3 "
			       "and ext4 /boot partitions", bd.name, bd.type[0] ? bd.type : "no filesystem libblkid knows");
	for (size_t i = 0; i < c->nt; i++)
		if (strcmp(bd.parent, c->t[i].name) == 0)
			return err_set(e, CLONE_E_USAGE, "'%s' holds the source's /boot partition /dev/%s: it cannot be "
				       "a target", c->t[i].name, bd.name);
	f->part = CLONE_BOOT_PART;
	snprintf(f->src_dev, sizeof(f->src_dev), "/dev/%s", bd.name);
	snprintf(f->fstype, sizeof(f->fstype), "%s", bd.type);
	snprintf(f->clone_fstype, sizeof(f->clone_fstype), "%s", bd.type);
	snprintf(f->label, sizeof(f->label), "%s", bd.label);
	snprintf(f->uuid, sizeof(f->uuid), "%s", bd.uuid);
	snprintf(f->mountpoint, sizeof(f->mountpoint), "/boot");
	f->size = bd.size;
	f->have_params = extfs_read_params(f->src_dev, &f->params) == 0;
	int rc = open_boot_part(src, f, e);
	if (rc < 0) {
		f->part = 0;
		return rc;
	}
	f->used = used_bytes(f->src_dir);
	return 0;
}

int clone_open_source(struct clone *c, struct err *e)
{
	struct clone_source *src = &c->src;
	struct err le = { 0, "" };
	int rc;
	src->offline = 0;
	if (scan_source(src, &le) < 0)
		return err_set(e, -EIO, "cannot list the logical volumes of '%s': %s", src->vg, le.msg);
	if (!has_root(src) && !src->live && (rc = open_offline(c, e)) < 0)
		return rc;
	if (!has_root(src)) {
		clone_close_source(c);
		return err_set(e, CLONE_E_USAGE, "source volume group '%s': none of its filesystems is mounted as '/'",
			       src->vg);
	}
	if ((rc = find_boot_part(c, src->offline ? CLONE_SRC_MNT : "/", e)) < 0)
		clone_close_source(c);
	return rc;
}

/* ---- point-in-time snapshots of a live source ------------------------------ */

static void snapshot_removed(void *arg, const char *name, const struct err *e)
{
	const struct clone *c = arg;
	char msg[1200];
	(void)name;
	if (e && c->rep && c->rep->warn) {
		snprintf(msg, sizeof(msg), "removing a temporary snapshot: %s", e->msg);
		c->rep->warn(c->rep->arg, msg);
	}
}

void clone_remove_snapshots(struct clone *c)
{
	altvg_remove_snapshots(c->src.uuid, SNAP_MNT, snapshot_removed, c);
}

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return to ? (v + to - 1) / to * to : v;
}

/* Room for what the system writes while it is copied: 10%, at least 16 MiB,
 * for each mounted filesystem; 0 when the VG has not that much free. */
static int snapshot_sizes(struct clone *c, uint64_t cow[], struct err *e)
{
	struct clone_source *src = &c->src;
	const uint64_t mib = 1 << 20, ext = src->extent_size ? src->extent_size : 4 * mib;
	struct lvm_vg *vgs;
	size_t nv;
	char select[96];
	snprintf(select, sizeof(select), "vg_uuid=%s", src->uuid);
	int rc = lvm_vgs(select, &vgs, &nv, e);
	if (rc < 0 || nv != 1) {
		free(vgs);
		return rc < 0 ? rc : err_set(e, -ENOENT, "source volume group '%s': not found", src->vg);
	}
	uint64_t free_bytes = vgs[0].free, need = 0;
	free(vgs);
	for (size_t i = 0; i < src->nfs; i++) {
		struct clone_fs *f = &src->fs[i];
		cow[i] = 0;
		if (!f->mountpoint[0] || strcmp(f->fstype, "swap") == 0)
			continue;
		cow[i] = round_up(f->size / 10 > 16 * mib ? f->size / 10 : 16 * mib, ext);
		need += cow[i];
	}
	if (need > free_bytes) {
		clone_say(c, "'%s' has %llu MiB free, snapshots need %llu MiB: copying the live tree (files changed "
			  "during the copy may be copied in between states)", src->vg,
			  (unsigned long long)(free_bytes / mib), (unsigned long long)(need / mib));
		return 0;
	}
	return 1;
}

/* Snapshot one filesystem and mount the snapshot read-only. */
static int snapshot_one(struct clone_source *src, struct clone_fs *f, uint64_t cow, struct err *e)
{
	char name[200], origin[300], size[32], dev[400], dir[400];
	snprintf(name, sizeof(name), "%s%s", ALTVG_SNAP_PREFIX, f->lv);
	snprintf(origin, sizeof(origin), "%s/%s", src->vg, f->lv);
	snprintf(size, sizeof(size), "%llub", (unsigned long long)cow);
	/* lvcreate suspends the origin with its filesystem frozen: the
	 * snapshot holds a consistent filesystem. It carries the origin's
	 * filesystem UUID: if we die now, altkit-init removes it at the next
	 * boot before anything is activated, so that fstab's UUID= can never
	 * mount it in the origin's place. */
	const char *args[] = { "lvcreate", "-y", "-s", "-n", name, "-L", size, origin, NULL };
	int rc = lvm_do("taking a snapshot", args, e);
	if (rc < 0)
		return rc;
	snprintf(dev, sizeof(dev), "/dev/mapper/%s-%s%s", src->vg, ALTVG_SNAP_PREFIX, f->lv);
	clone_wait_for_node(dev);
	snprintf(dir, sizeof(dir), "%s/%s", SNAP_MNT, f->lv);
	if (strncmp(f->fstype, "ext", 3) == 0 || strcmp(f->fstype, "xfs") == 0) {
		if (mount_ro(dev, dir, f->fstype) < 0)
			return err_errno(e, -errno, "mounting the snapshot of '%s'", f->mountpoint);
		snprintf(f->src_dir, sizeof(f->src_dir), "%s", dir);
	}
	snprintf(f->src_dev, sizeof(f->src_dev), "%s", dev);
	if (f->have_params)
		f->have_params = extfs_read_params(dev, &f->params) == 0;
	return 0;
}

int clone_take_snapshots(struct clone *c, struct err *e)
{
	struct clone_source *src = &c->src;
	uint64_t cow[CLONE_MAX_LVS];
	src->snapshots = 0;
	if (!src->live)
		return 0;
	/* left by a run that died: ours by name, removed before anything */
	clone_remove_snapshots(c);
	if (c->o.no_snapshot) {
		clone_say(c, "--no-snapshot: copying the live tree");
		return 0;
	}
	int rc = snapshot_sizes(c, cow, e);
	if (rc <= 0) {
		if (rc < 0)
			clone_remove_snapshots(c);
		return rc;
	}
	mkdir("/run/altkit", 0755);
	mkdir(SNAP_MNT, 0755);
	for (size_t i = 0; i < src->nfs; i++)
		if (cow[i] && (rc = snapshot_one(src, &src->fs[i], cow[i], e)) < 0) {
			clone_remove_snapshots(c);
			return rc;
		}
	src->snapshots = 1;
	clone_say(c, "copying from snapshots of %s taken now", src->vg);
	return 0;
}
