/* alt_disk_copy: clone the root volume group to alternate disks, in phases.
 *
 * Phase 1 checks the target disks, partitions them (GPT: an ESP on the first,
 * an LVM PV on each), creates altinst_rootvg with one LV per source LV, makes
 * filesystems with the source's parameters, mounts them under /alt_inst in
 * mount order and copies the source's mounted filesystems. Phase 2
 * customizes the clone. Phase 3 makes it bootable and puts it to sleep.
 * The phase reached is kept in altinst_rootvg's LVM tags.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "altinst.h"
#include "altkit.h"
#include "blockdev.h"
#include "bootdisk.h"
#include "bootlist.h"
#include "cmdline.h"
#include "copytree.h"
#include "exclude.h"
#include "efivars.h"
#include "extfs.h"
#include "gpt.h"
#include "intree.h"
#include "layout.h"
#include "lvm.h"
#include "mounts.h"
#include "readall.h"
#include "run.h"
#include "size.h"
#include "targetdisk.h"
#include "vgtree.h"
#include "xalloc.h"

static const char usage_text[] =
	"Usage: alt_disk_copy -d \"DISK...\" [-P 1|2|3|12|23|all] [-e EXCLUDES] [-T] [-i LAYOUT]\n"
	"                     [-s SCRIPT] [-x SCRIPT] [-R RESOLV_CONF] [-c CONSOLE]\n"
	"                     [-B] [-r] [-O] [-g] [-S] [-V] [-D] [--source-vg VG]\n"
	"Clone the root volume group to the DISKs as altinst_rootvg.\n"
	"\n"
	"  -d, --disks \"vdb vdc\"   target disks (whole disks, not in any VG); ALL\n"
	"                          THEIR DATA IS LOST\n"
	"  -P, --phase PHASES      1, 2, 3, 12, 23 or all (default all)\n"
	"  -e, --exclude FILE      leave out paths matching the basic regular\n"
	"                          expressions in FILE (one per line, matched against\n"
	"                          ./path/from/root)\n"
	"  -T, --convert-ext4      make ext2 and ext3 sources ext4 on the clone\n"
	"  -i, --layout FILE       the clone's LVs: name, size (SIZE, used+N%%, same),\n"
	"                          fstype, mountpoint per line (see --dump-layout)\n"
	"      --dump-layout       print the source's layout in that format and exit\n"
	"  -s, --script SCRIPT     phase 2: run SCRIPT with ALT_INST=/alt_inst\n"
	"  -x, --firstboot SCRIPT  phase 2: run SCRIPT once at the clone's first boot\n"
	"  -R, --resolv-conf FILE  phase 2: the clone's /etc/resolv.conf\n"
	"  -O, --reset-identity    phase 2: forget machine identity (machine-id, SSH\n"
	"                          host keys, persistent net/udev rules)\n"
	"  -c, --console DEV       phase 3: console= on the clone's kernel command line\n"
	"  -B, --no-bootlist       phase 3: leave the boot list alone\n"
	"  -r, --reboot            reboot from the clone when done\n"
	"  -g, --skip-checks       phase 3: skip the bootability checks\n"
	"  -S, --no-size-check     do not refuse disks smaller than the used data\n"
	"      --source-vg VG      clone VG (name or UUID) instead of the running root's\n"
	"      --no-snapshot       copy the live tree even if snapshots would fit\n"
	"      --grow              larger disks: grow the filesystems' LVs to fill them\n"
	"      --esp-size SIZE     the ESP on the first disk (default 256M)\n"
	"      --copy-mode MODE    auto (default), files or blocks: blocks copies an ext\n"
	"                          filesystem through its used-block bitmap, where no\n"
	"                          file-level work is needed and the source is read-only\n"
	"  -V, --verbose           list every file copied\n"
	"  -D, --debug             show every command run, with its arguments\n"
	"  -h, --help\n";

#define MAX_LVS 64
#define SRC_MNT "/run/altkit/source"

struct source_fs {
	char lv[128];           /* LV name, the same on the clone */
	char src_dev[300];      /* /dev/mapper/VG-LV */
	uint64_t size;          /* LV size */
	char fstype[32];        /* from libblkid: ext2/3/4, swap, xfs, "" */
	char label[64];
	char uuid[64];          /* filesystem UUID (for fstab rewriting) */
	char mountpoint[256];   /* where it is mounted on the source, "" if not */
	char src_dir[300];      /* the directory to copy from */
	uint64_t used;          /* bytes in use (statvfs), for size checks */
	uint64_t clone_size;    /* the LV size on the clone */
	char clone_lv[128];     /* the LV's name on the clone (-i may rename it) */
	char clone_fstype[32];  /* the clone's filesystem type (-T or -i may convert) */
	uint64_t layout_size;   /* from -i, 0 when not given */
	int have_params;        /* ext: params read through libext2fs */
	struct extfs_params params;
	int block_copy;         /* copied through the used-block bitmap */
};

struct opts {
	char *disks[16];
	size_t ndisks;
	int want[ALTINST_PHASES + 1];
	const char *exclude_file, *script, *firstboot, *resolv, *console, *source_vg, *layout_file;
	int dump_layout;
	int convert, no_bootlist, reboot, reset_identity, skip_checks, no_size_check;
	int no_snapshot, verbose, debug, grow;
	uint64_t esp_size;
	enum { COPY_AUTO, COPY_FILES, COPY_BLOCKS } copy_mode;
};

struct source {
	char vg[128], uuid[40];
	uint64_t extent_size;
	int live;                       /* cloning the running system's VG */
	struct source_fs fs[MAX_LVS];
	size_t nfs;
};

static int stdout_is_tty;

static void trace(char *const argv[])
{
	fputs("+", stderr);
	for (int i = 0; argv[i]; i++)
		fprintf(stderr, " %s", argv[i]);
	fputc('\n', stderr);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("alt_disk_copy: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Run a program; on failure say what failed with the program's last words. */
static int run_cmd(const char *what, char *const argv[])
{
	struct run_result r;
	/* their chatter is shown with -D only; their errors always */
	int rc = run_argv(argv, RUN_CAPTURE_ERR | RUN_NULL_IN | (run_trace ? 0 : RUN_CAPTURE_OUT), &r);
	if (rc < 0) {
		errmsg_errno(rc, "%s: cannot run '%s'", what, argv[0]);
		return -1;
	}
	if (r.status != 0) {
		char *last = r.err ? r.err + strlen(r.err) : NULL;
		while (last && last > r.err && (last[-1] == '\n' || last[-1] == ' '))
			*--last = '\0';
		const char *line = last ? strrchr(r.err, '\n') : NULL;
		errmsg("%s: '%s' failed (exit %d)%s%s", what, argv[0], r.status,
		       r.err && *r.err ? ": " : "", line ? line + 1 : (r.err ? r.err : ""));
		run_result_release(&r);
		return -1;
	}
	run_result_release(&r);
	return 0;
}

static int lvm_cmd(const char *what, const char *const args[])
{
	size_t n = 0;
	while (args[n])
		n++;
	const char **argv = xcalloc(n + 2, sizeof(char *));
	argv[0] = lvm_program();
	memcpy(argv + 1, args, n * sizeof(char *));
	int rc = run_cmd(what, (char *const *)argv);
	free(argv);
	return rc;
}

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return to ? (v + to - 1) / to * to : v;
}

/* device nodes appear a moment after lvcreate or a partition table write */
static void wait_for_node(const char *dev)
{
	for (int i = 0; i < 100 && access(dev, F_OK) < 0; i++)
		usleep(50000);
}

/* ---- the source ---------------------------------------------------------- */

/* The VG and LV of the filesystem mounted on "/". */
static int find_root_vg(struct source *src)
{
	struct stat st;
	if (stat("/", &st) < 0)
		return -errno;
	char select[128];
	snprintf(select, sizeof(select), "lv_kernel_major=%u && lv_kernel_minor=%u",
		 major(st.st_dev), minor(st.st_dev));
	struct lvm_lv *lvs;
	size_t n;
	int rc = lvm_lvs(select, &lvs, &n);
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

static int lookup_vg(const char *name_or_uuid, struct source *src)
{
	char select[192];
	struct lvm_vg *vgs;
	size_t n;
	snprintf(select, sizeof(select), "vg_name=%s || vg_uuid=%s", name_or_uuid, name_or_uuid);
	int rc = lvm_vgs(select, &vgs, &n);
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

static uint64_t used_bytes(const char *dir)
{
	struct statvfs sv;
	if (statvfs(dir, &sv) < 0)
		return 0;
	return (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
}

/* Fill src->fs from the VG's LVs and the mount table. */
static int scan_source(struct source *src)
{
	char select[192];
	struct lvm_lv *lvs;
	size_t n;
	snprintf(select, sizeof(select), "vg_uuid=%s", src->uuid);
	int rc = lvm_lvs(select, &lvs, &n);
	if (rc < 0)
		return rc;
	struct mount_table mt;
	mounts_read(&mt);
	src->nfs = 0;
	for (size_t i = 0; i < n && src->nfs < MAX_LVS; i++) {
		/* plain LVs and snapshot origins; never snapshots, pools or hidden LVs */
		if (lvs[i].attr[0] != '-' && lvs[i].attr[0] != 'o')
			continue;
		struct source_fs *f = &src->fs[src->nfs++];
		memset(f, 0, sizeof(*f));
		snprintf(f->lv, sizeof(f->lv), "%s", lvs[i].name);
		snprintf(f->clone_lv, sizeof(f->clone_lv), "%s", lvs[i].name);
		snprintf(f->src_dev, sizeof(f->src_dev), "%s", lvs[i].dm_path);
		f->size = lvs[i].size;
		struct stat st;
		if (lvs[i].active && stat(f->src_dev, &st) == 0) {
			struct blockdev bd = { 0 };
			snprintf(bd.name, sizeof(bd.name), "%s", f->src_dev + 5);
			blockdev_probe(&bd);
			snprintf(f->fstype, sizeof(f->fstype), "%s", bd.type);
			snprintf(f->label, sizeof(f->label), "%s", bd.label);
			snprintf(f->uuid, sizeof(f->uuid), "%s", bd.uuid);
			snprintf(f->clone_fstype, sizeof(f->clone_fstype), "%s", bd.type);
			if (strncmp(f->fstype, "ext", 3) == 0)
				f->have_params = extfs_read_params(f->src_dev, &f->params) == 0;
			const struct mount_entry *m = mounts_find_dev(&mt, major(st.st_rdev), minor(st.st_rdev));
			if (m) {
				snprintf(f->mountpoint, sizeof(f->mountpoint), "%s", m->target);
				snprintf(f->src_dir, sizeof(f->src_dir), "%s", m->target);
				f->used = used_bytes(m->target);
			}
		}
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
static struct source_fs *fstab_device(struct source *src, const char *spec)
{
	for (size_t i = 0; i < src->nfs; i++)
		if (vgtree_fstab_names(spec, src->vg, src->fs[i].lv, src->fs[i].uuid, src->fs[i].label))
			return &src->fs[i];
	return NULL;
}

/* Activate the source VG read-only, find its root (the LV holding etc/fstab,
 * "root" first) and mount it and what its fstab mounts from the VG under
 * SRC_MNT, all read-only. */
static int mount_offline_source(struct source *src)
{
	char config[300], select[96];
	snprintf(config, sizeof(config), "activation { read_only_volume_list = [ \"%s\" ] }", src->vg);
	snprintf(select, sizeof(select), "vg_uuid=%s", src->uuid);
	const char *act[] = { "vgchange", "-ay", "--config", config, "--select", select, NULL };
	if (lvm_cmd("activating the source read-only", act) < 0)
		return -1;
	if (scan_source(src) < 0)
		return -1;
	mkdir("/run/altkit", 0755);
	struct source_fs *root = NULL;
	for (int pass = 0; pass < 2 && !root; pass++)
		for (size_t i = 0; i < src->nfs && !root; i++) {
			struct source_fs *f = &src->fs[i];
			if ((pass == 0) != (strcmp(f->lv, "root") == 0) || !f->fstype[0] || strcmp(f->fstype, "swap") == 0)
				continue;
			if (mount_ro(f->src_dev, SRC_MNT, f->fstype) < 0)
				continue;
			if (access(SRC_MNT "/etc/fstab", R_OK) == 0)
				root = f;
			else
				umount(SRC_MNT);
		}
	if (!root) {
		errmsg("source volume group '%s': no logical volume holds a root filesystem with /etc/fstab", src->vg);
		return -1;
	}
	snprintf(root->mountpoint, sizeof(root->mountpoint), "/");
	snprintf(root->src_dir, sizeof(root->src_dir), "%s", SRC_MNT);
	root->used = used_bytes(SRC_MNT);

	int fstfd = intree_open(SRC_MNT, "etc/fstab", O_RDONLY, 0);
	FILE *fst = fstfd >= 0 ? fdopen(fstfd, "r") : NULL;
	char line[1024];
	while (fst && fgets(line, sizeof(line), fst)) {
		char spec[512], mp[256], type[32];
		if (line[0] == '#' || sscanf(line, "%511s %255s %31s", spec, mp, type) != 3 || mp[0] != '/' ||
		    strcmp(mp, "/") == 0 || strstr(mp, ".."))
			continue;
		struct source_fs *f = fstab_device(src, spec);
		if (!f || f == root || f->mountpoint[0] || strcmp(f->fstype, "swap") == 0)
			continue;
		/* mount points in the read-only tree must exist already, and a
		 * symlink there must not lead the mount out of it */
		snprintf(f->src_dir, sizeof(f->src_dir), "%s%s", SRC_MNT, mp);
		if (intree_mount(SRC_MNT, mp, f->src_dev, strncmp(f->fstype, "ext", 3) == 0 ? "ext4" : f->fstype,
				 MS_RDONLY, ro_options(f->fstype)) < 0) {
			errmsg_errno(-errno, "mounting the source's '%s' (%s) read-only", mp, f->lv);
			fclose(fst);
			return -1;
		}
		snprintf(f->mountpoint, sizeof(f->mountpoint), "%s", mp);
		f->used = used_bytes(f->src_dir);
	}
	if (fst)
		fclose(fst);
	return 0;
}

static void unmount_offline_source(struct source *src)
{
	for (size_t i = src->nfs; i-- > 0;)
		if (src->fs[i].src_dir[0] && strcmp(src->fs[i].mountpoint, "/") != 0)
			umount(src->fs[i].src_dir);
	umount(SRC_MNT);
	char select[96];
	snprintf(select, sizeof(select), "vg_uuid=%s", src->uuid);
	const char *deact[] = { "vgchange", "-an", "--select", select, NULL };
	lvm_cmd("deactivating the source", deact);
}

/* ---- point-in-time snapshots of a live source ------------------------------ */

#define SNAP_PREFIX "altkit_snap_"
#define SNAP_MNT "/run/altkit/snap"

/* Snapshots left by a run that died: ours by name, removed before anything. */
static void remove_snapshots(const struct source *src)
{
	char select[256];
	struct lvm_lv *lvs;
	size_t n;
	snprintf(select, sizeof(select), "vg_uuid=%s && lv_name=~^%s", src->uuid, SNAP_PREFIX);
	if (lvm_lvs(select, &lvs, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		char dir[400], name[300];
		snprintf(dir, sizeof(dir), "%s/%s", SNAP_MNT, lvs[i].name + strlen(SNAP_PREFIX));
		umount(dir);
		snprintf(name, sizeof(name), "%s/%s", lvs[i].vg_name, lvs[i].name);
		const char *args[] = { "lvremove", "-y", name, NULL };
		lvm_cmd("removing a temporary snapshot", args);
	}
	free(lvs);
}

/* Snapshot every mounted filesystem of the source and mount the snapshots
 * read-only: the copy then reads one moment of each. Returns 1 when done, 0
 * when the VG has no room (the live tree is copied), -1 on failure. */
static int take_snapshots(struct source *src)
{
	const uint64_t mib = 1 << 20, ext = src->extent_size ? src->extent_size : 4 * mib;
	struct lvm_vg *vgs;
	size_t nv;
	char select[96];
	snprintf(select, sizeof(select), "vg_uuid=%s", src->uuid);
	if (lvm_vgs(select, &vgs, &nv) < 0 || nv != 1) {
		free(vgs);
		return -1;
	}
	uint64_t free_bytes = vgs[0].free, need = 0;
	free(vgs);
	uint64_t cow[MAX_LVS] = { 0 };
	for (size_t i = 0; i < src->nfs; i++) {
		struct source_fs *f = &src->fs[i];
		if (!f->mountpoint[0] || strcmp(f->fstype, "swap") == 0)
			continue;
		/* room for what the system writes while it is copied: 10%, at least 16 MiB */
		cow[i] = round_up(f->size / 10 > 16 * mib ? f->size / 10 : 16 * mib, ext);
		need += cow[i];
	}
	if (need > free_bytes) {
		say("'%s' has %llu MiB free, snapshots need %llu MiB: copying the live tree (files changed "
		    "during the copy may be copied in between states)", src->vg,
		    (unsigned long long)(free_bytes / mib), (unsigned long long)(need / mib));
		return 0;
	}
	mkdir("/run/altkit", 0755);
	mkdir(SNAP_MNT, 0755);
	for (size_t i = 0; i < src->nfs; i++) {
		struct source_fs *f = &src->fs[i];
		if (!cow[i])
			continue;
		char name[200], origin[300], size[32], dev[400], dir[400];
		snprintf(name, sizeof(name), "%s%s", SNAP_PREFIX, f->lv);
		snprintf(origin, sizeof(origin), "%s/%s", src->vg, f->lv);
		snprintf(size, sizeof(size), "%llub", (unsigned long long)cow[i]);
		/* lvcreate suspends the origin with its filesystem frozen: the
		 * snapshot holds a consistent filesystem. It carries the origin's
		 * filesystem UUID: if we die now, altkit-init removes it at the next
		 * boot before anything is activated, so that fstab's UUID= can never
		 * mount it in the origin's place. */
		const char *args[] = { "lvcreate", "-y", "-s", "-n", name, "-L", size, origin, NULL };
		if (lvm_cmd("taking a snapshot", args) < 0)
			return -1;
		snprintf(dev, sizeof(dev), "/dev/mapper/%s-%s%s", src->vg, SNAP_PREFIX, f->lv);
		wait_for_node(dev);
		snprintf(dir, sizeof(dir), "%s/%s", SNAP_MNT, f->lv);
		if (strncmp(f->fstype, "ext", 3) == 0 || strcmp(f->fstype, "xfs") == 0) {
			if (mount_ro(dev, dir, f->fstype) < 0) {
				errmsg_errno(-errno, "mounting the snapshot of '%s'", f->mountpoint);
				return -1;
			}
			snprintf(f->src_dir, sizeof(f->src_dir), "%s", dir);
		}
		snprintf(f->src_dev, sizeof(f->src_dev), "%s", dev);
		if (f->have_params)
			f->have_params = extfs_read_params(dev, &f->params) == 0;
	}
	say("copying from snapshots of %s taken now", src->vg);
	return 1;
}

/* Mount order: "/" first, then by path so that parents precede children. */
static int by_mountpoint(const void *a, const void *b)
{
	const struct source_fs *x = a, *y = b;
	if (!x->mountpoint[0] || !y->mountpoint[0])
		return !x->mountpoint[0] - !y->mountpoint[0];
	return strcmp(x->mountpoint, y->mountpoint);
}

/* ---- phase 1 ----------------------------------------------------------- */

/* An ext2/ext3 source made ext4 on the clone (-T, or -i) */
static int converts(const struct source_fs *f)
{
	return strcmp(f->clone_fstype, f->fstype) != 0 && strcmp(f->clone_fstype, "ext4") == 0;
}

/* The least an LV of the clone can be: what its data needs on a filesystem
 * made with the source's parameters (libext2fs), swap a token size, an LV
 * copied block for block or not copied its full size. */
static uint64_t min_size(struct source_fs *f, const struct opts *o)
{
	const uint64_t mib = 1 << 20;
	if (strcmp(f->fstype, "swap") == 0)
		return 16 * mib;
	if (!f->mountpoint[0] || strncmp(f->fstype, "ext", 3) != 0)
		return f->size;
	if (f->have_params) {
		struct extfs_mkfs_opts mo = { .device = f->src_dev, .convert_to_ext4 = converts(f) };
		uint64_t min;
		if (extfs_min_size(&f->params, &mo, &min) == 0)
			return min;
	}
	/* used data + 15% + 16 MiB of metadata room */
	return f->used + f->used / 7 + 16 * mib;
}

/* --grow: the room left on the disks goes to the copied filesystems, in
 * proportion to their sizes (swap and LVs not copied keep theirs). */
static void grow_to_fill(struct source *src, uint64_t spare, uint64_t ext)
{
	uint64_t base = 0;
	for (size_t i = 0; i < src->nfs; i++)
		if (src->fs[i].mountpoint[0] && strcmp(src->fs[i].fstype, "swap") != 0)
			base += src->fs[i].clone_size;
	for (size_t i = 0; i < src->nfs && base; i++) {
		struct source_fs *f = &src->fs[i];
		if (!f->mountpoint[0] || strcmp(f->fstype, "swap") == 0)
			continue;
		uint64_t more = (uint64_t)((double)spare * (double)f->clone_size / (double)base) / ext * ext;
		f->clone_size += more;
		say("'%s' grows to %llu MiB on the clone (%llu MiB on the source)", f->clone_lv,
		    (unsigned long long)(f->clone_size >> 20), (unsigned long long)(f->size >> 20));
	}
}

/* Sizes of the clone's LVs: the source's when they fit, else shrunk towards
 * the used data. Returns 0, or -1 after saying why the disks are too small. */
static int plan_sizes(struct source *src, const struct target_disk *t, size_t nt, const struct opts *o)
{
	const uint64_t mib = 1 << 20, ext = src->extent_size ? src->extent_size : 4 * mib;
	uint64_t capacity = 0, want = 0, need = 0;
	for (size_t i = 0; i < nt; i++) {
		/* GPT and alignment (2 MiB), PV metadata (1 MiB), the ESP on the first */
		uint64_t overhead = 3 * mib + (i == 0 ? o->esp_size : 0);
		uint64_t c = t[i].size > overhead ? t[i].size - overhead : 0;
		capacity += c / ext * ext;
	}
	for (size_t i = 0; i < src->nfs; i++) {
		struct source_fs *f = &src->fs[i];
		f->clone_size = round_up(f->layout_size ? f->layout_size : f->size, ext);
		want += f->clone_size;
		uint64_t min = min_size(f, o);
		need += round_up(min < f->clone_size ? min : f->clone_size, ext);
	}
	if (want <= capacity) {
		if (o->grow)
			grow_to_fill(src, capacity - want, ext);
		return 0;
	}
	if (need > capacity && !o->no_size_check) {
		errmsg("'%s': too small: the used data needs at least %llu MiB, the disks hold %llu MiB",
		       t[0].name, (unsigned long long)(need / mib), (unsigned long long)(capacity / mib));
		return -1;
	}
	/* shrink every LV by the same share of what it can give up */
	double share = want > need ? (double)(want - capacity) / (double)(want - need) : 1.0;
	if (share > 1)
		share = 1;
	for (size_t i = 0; i < src->nfs; i++) {
		struct source_fs *f = &src->fs[i];
		uint64_t min = min_size(f, o);
		if (min >= f->clone_size)
			continue;
		uint64_t give = (uint64_t)((double)(f->clone_size - min) * share);
		f->clone_size = f->clone_size - round_up(give, ext);
		if (f->clone_size < ext)
			f->clone_size = ext;
		say("'%s' will be %llu MiB on the clone (%llu MiB on the source)", f->clone_lv,
		    (unsigned long long)(f->clone_size / mib), (unsigned long long)(f->size / mib));
	}
	return 0;
}

static void part_dev(const char *disk, int n, char *buf, size_t len)
{
	size_t l = strlen(disk);
	/* /dev/nvme0n1 -> /dev/nvme0n1p1, /dev/vdb -> /dev/vdb1 */
	int digit = l > 0 && disk[l - 1] >= '0' && disk[l - 1] <= '9';
	snprintf(buf, len, "%s%s%d", disk, digit ? "p" : "", n);
}

static int set_tag(const char *add, const char *del)
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
	return lvm_cmd("recording the phase", args);
}

static int run_argv_free(const char *what, char **argv)
{
	int rc = run_cmd(what, argv);
	extfs_argv_free(argv);
	return rc;
}

static int make_filesystem(const struct source_fs *f, const char *dev, const struct opts *o)
{
	if (strcmp(f->fstype, "swap") == 0) {
		char *argv[] = { "mkswap", "-L", (char *)(f->label[0] ? f->label : f->clone_lv), (char *)dev, NULL };
		return run_cmd("making swap", argv);
	}
	if (strncmp(f->fstype, "ext", 3) != 0 || f->block_copy)
		return 0;   /* copied block for block */
	if (!f->have_params) {
		errmsg("'%s': cannot read the source filesystem's parameters", f->src_dev);
		return -1;
	}
	/* the source's parameters: block and inode size, inode ratio, features,
	 * label, reserved blocks, default mount options (or ext4 with -T) */
	struct extfs_mkfs_opts mo = { .device = dev, .size_bytes = f->clone_size, .convert_to_ext4 = converts(f) };
	char **argv;
	int rc = extfs_mkfs_argv(&f->params, &mo, &argv);
	if (rc < 0) {
		errmsg("'%s': %s", f->src_dev, rc == -EXTFS_E_FEATURE ? extfs_unsupported_feature(&f->params)
			: extfs_strerror(-rc));
		return -1;
	}
	if (run_argv_free("making a filesystem", argv) < 0)
		return -1;
	struct extfs_params made;
	if (extfs_read_params(dev, &made) < 0)
		return 0;
	rc = extfs_tune_argv(&f->params, &made, dev, &argv);
	if (rc >= 0 && argv && run_argv_free("setting the filesystem's options", argv) < 0)
		return -1;
	if (rc == 1 && extfs_set_mount_opts(dev, f->params.mount_opts) < 0) {
		errmsg("'%s': cannot set the default mount options '%s'", dev, f->params.mount_opts);
		return -1;
	}
	return 0;
}

/* Copy an ext filesystem through its used-block bitmap, then give it a UUID
 * of its own and grow it to the LV. */
static int copy_used_blocks(const struct source_fs *f, const char *dev)
{
	struct extfs_copy_stats st;
	int rc = extfs_copy_used_blocks(f->src_dev, dev, NULL, &st);
	if (rc < 0) {
		errmsg("copying '%s' block for block: %s", f->src_dev,
		       rc <= -EXTFS_E_BASE ? extfs_strerror(-rc) : strerror(-rc));
		return -1;
	}
	char ***argvs;
	if (extfs_postcopy_argvs(&f->params, dev, f->clone_size, 1, NULL, &argvs) < 0) {
		errmsg("'%s': cannot plan the steps after the block copy", dev);
		return -1;
	}
	for (size_t i = 0; argvs[i] && rc == 0; i++)
		rc = run_cmd("finishing the block copy", argvs[i]);
	extfs_argvs_free(argvs);
	if (rc == 0)
		say("copied %s through its used blocks: %llu MiB", f->mountpoint, (unsigned long long)(st.copied >> 20));
	return rc;
}

struct progress {
	struct copytree_stats *stats;
	const char *name;
	uint64_t total;
	volatile int done;
};

static void *progress_thread(void *arg)
{
	struct progress *p = arg;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!p->done) {
		usleep(250000);
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		double secs = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
		uint64_t bytes = atomic_load(&p->stats->bytes);
		double rate = secs > 0 ? (double)bytes / secs : 0;
		double eta = rate > 0 && p->total > bytes ? (double)(p->total - bytes) / rate : 0;
		fprintf(stderr, "\r%s: %llu files, %llu MiB of %llu MiB, %.1f MiB/s, ETA %.0f s   ",
			p->name, (unsigned long long)atomic_load(&p->stats->files),
			(unsigned long long)(bytes >> 20), (unsigned long long)(p->total >> 20),
			rate / 1048576.0, eta);
	}
	fputc('\n', stderr);
	return NULL;
}

struct report_ctx {
	int verbose;
	const char *fs;
	uint64_t failures;
};

static void copy_report(void *arg, const struct copytree_report *r)
{
	struct report_ctx *c = arg;
	switch (r->kind) {
	case CT_COPIED:
		if (c->verbose)
			printf("%s\n", r->path);
		break;
	case CT_ERROR:
	case CT_FATAL:
		c->failures++;
		errmsg("%s: cannot %s '%s'%s%s: %s", c->fs, r->op, r->path, r->detail ? " " : "",
		       r->detail ? r->detail : "",
		       r->err >= 4096 ? copytree_strerror(r->err) : strerror(r->err));
		break;
	default:
		break;
	}
}

static int copy_one(const struct source_fs *f, const char *dst, const struct exclude *ex,
		    const struct opts *o)
{
	struct copytree_stats stats;
	memset(&stats, 0, sizeof(stats));
	struct report_ctx ctx = { o->verbose, f->mountpoint, 0 };
	/* exclude patterns are paths from the source's root, "./var/..." */
	char match_root[300];
	snprintf(match_root, sizeof(match_root), ".%s", strcmp(f->mountpoint, "/") ? f->mountpoint : "");
	struct copytree_opts co = {
		.src = f->src_dir, .dst = dst, .exclude = ex, .match_root = match_root,
		.flags = COPYTREE_FORCE, .report = copy_report, .arg = &ctx,
	};
	if (o->verbose)
		co.flags |= COPYTREE_VERBOSE;
	struct progress p = { &stats, f->mountpoint, f->used, 0 };
	pthread_t th;
	int show = stdout_is_tty && isatty(2) && !o->verbose;
	if (show)
		pthread_create(&th, NULL, progress_thread, &p);
	int rc = copytree(&co, &stats);
	if (show) {
		p.done = 1;
		pthread_join(th, NULL);
	}
	if (rc < 0 || atomic_load(&stats.failures) > 0) {
		errmsg("copying '%s' failed: %llu entries not copied", f->mountpoint,
		       (unsigned long long)atomic_load(&stats.failures));
		return -1;
	}
	say("copied %s: %llu files, %llu MiB", f->mountpoint, (unsigned long long)atomic_load(&stats.files),
	    (unsigned long long)(atomic_load(&stats.bytes) >> 20));
	return 0;
}

/* Copy a filesystem altkit does not copy file by file: block for block. */
static int copy_blocks(const char *from, const char *to, uint64_t size)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = open(to, O_WRONLY | O_CLOEXEC);
	int rc = 0;
	char *buf = xmalloc(4 << 20);
	if (in < 0 || out < 0) {
		rc = -errno;
		goto done;
	}
	for (uint64_t off = 0; off < size;) {
		ssize_t n = pread(in, buf, 4 << 20, (off_t)off);
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		for (ssize_t w = 0; w < n;) {
			ssize_t k = pwrite(out, buf + w, (size_t)(n - w), (off_t)(off + (uint64_t)w));
			if (k < 0) {
				rc = -errno;
				goto done;
			}
			w += k;
		}
		off += (uint64_t)n;
	}
	if (!rc && fsync(out) < 0)
		rc = -errno;
done:
	free(buf);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

static int mount_clone_fs(const struct source_fs *f, const char *dev)
{
	const char *type = strncmp(f->fstype, "ext", 3) == 0 ? "ext4" : f->fstype;
	int rc;
	if (strcmp(f->mountpoint, "/") == 0) {
		mkdir(ALTINST_MNT, 0755);
		rc = mount(dev, ALTINST_MNT, type, 0, NULL) < 0 ? -errno : 0;
	} else {
		/* inside the clone: a symlink there must not lead the mount out */
		intree_mkdir(ALTINST_MNT, f->mountpoint, 0755);
		rc = intree_mount(ALTINST_MNT, f->mountpoint, dev, type, 0, NULL);
	}
	if (rc < 0) {
		errmsg_errno(rc, "mounting '%s' on '%s%s'", dev, ALTINST_MNT, f->mountpoint);
		return -1;
	}
	return 0;
}

static int phase1(struct source *src, const struct target_disk *t, size_t nt,
		  const struct exclude *ex, const struct opts *o)
{
	char pv[16][64], esp[64], tag[256];
	const char *args[64];
	size_t a;


	/* Everything below writes the targets only. */
	for (size_t i = 0; i < nt; i++) {
		struct gpt_part parts[2] = {
			{ GPT_TYPE_ESP, "altkit-esp", o->esp_size },
			{ GPT_TYPE_LVM, "altkit-lvm", 0 },
		};
		int rc = i == 0 ? gpt_create(t[i].dev, parts, 2) : gpt_create(t[i].dev, parts + 1, 1);
		if (rc < 0) {
			errmsg_errno(rc, "'%s': cannot write a GPT", t[i].name);
			return -1;
		}
		part_dev(t[i].dev, i == 0 ? 2 : 1, pv[i], sizeof(pv[i]));
		wait_for_node(pv[i]);
	}
	part_dev(t[0].dev, 1, esp, sizeof(esp));
	wait_for_node(esp);
	char *mkfat[] = { "mkfs.fat", "-F", "32", "-n", "ESP", esp, NULL };
	if (run_cmd("making the ESP", mkfat) < 0)
		return -1;

	char extent[32];
	snprintf(extent, sizeof(extent), "%llub", (unsigned long long)(src->extent_size ? src->extent_size : 4 << 20));
	a = 0;
	args[a++] = "vgcreate";
	args[a++] = "-y";
	args[a++] = "-s";
	args[a++] = extent;
	args[a++] = ALTINST_VG;
	for (size_t i = 0; i < nt; i++)
		args[a++] = pv[i];
	args[a] = NULL;
	if (lvm_cmd("creating altinst_rootvg", args) < 0)
		return -1;
	char running[64], src_tag[96], root_tag[192], time_tag[64], stamp[32];
	time_t now = time(NULL);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
	altinst_tag(running, sizeof(running), "running", "1");
	altinst_tag(src_tag, sizeof(src_tag), "src", src->uuid);
	altinst_tag(time_tag, sizeof(time_tag), "time", stamp);
	const char *root_lv = "";
	for (size_t i = 0; i < src->nfs; i++)
		if (strcmp(src->fs[i].mountpoint, "/") == 0)
			root_lv = src->fs[i].clone_lv;
	altinst_tag(root_tag, sizeof(root_tag), "rootlv", root_lv);
	const char *tags[] = { "vgchange", "--addtag", running, "--addtag", src_tag, "--addtag", time_tag,
			       "--addtag", root_tag, ALTINST_VG, NULL };
	if (lvm_cmd("recording the clone's origin", tags) < 0)
		return -1;

	for (size_t i = 0; i < src->nfs; i++) {
		struct source_fs *f = &src->fs[i];
		char size[32], dev[300];
		snprintf(size, sizeof(size), "%llub", (unsigned long long)f->clone_size);
		const char *lvc[] = { "lvcreate", "-y", "-W", "y", "-Z", "y", "-n", f->clone_lv, "-L", size, ALTINST_VG, NULL };
		if (lvm_cmd("creating a logical volume", lvc) < 0)
			return -1;
		snprintf(dev, sizeof(dev), "/dev/mapper/%s-%s", ALTINST_VG, f->clone_lv);
		wait_for_node(dev);
		if (make_filesystem(f, dev, o) < 0)
			return -1;
	}

	/* Mount and copy in mount order: each filesystem is copied before the
	 * next one is mounted over its mount point, so that mount point
	 * directories keep their own owner and mode. */
	mkdir(ALTINST_MNT, 0755);
	for (size_t i = 0; i < src->nfs; i++) {
		struct source_fs *f = &src->fs[i];
		char dev[300], dst[600];
		snprintf(dev, sizeof(dev), "/dev/mapper/%s-%s", ALTINST_VG, f->clone_lv);
		if (strcmp(f->fstype, "swap") == 0)
			continue;
		if (!f->mountpoint[0]) {
			say("'%s' is not mounted on the source: created, not copied", f->lv);
			continue;
		}
		if (f->block_copy) {
			/* mounted afterwards: filesystems below it are mounted on it */
			if (copy_used_blocks(f, dev) < 0 || mount_clone_fs(f, dev) < 0)
				return -1;
			continue;
		}
		if (strncmp(f->fstype, "ext", 3) != 0) {
			say("copying '%s' (%s) block for block", f->mountpoint, f->fstype[0] ? f->fstype : "unknown");
			int rc = copy_blocks(f->src_dev, dev, f->size < f->clone_size ? f->size : f->clone_size);
			if (rc < 0) {
				errmsg_errno(rc, "copying '%s' block for block", f->src_dev);
				return -1;
			}
			continue;
		}
		if (mount_clone_fs(f, dev) < 0)
			return -1;
		snprintf(dst, sizeof(dst), "%s%s", ALTINST_MNT, strcmp(f->mountpoint, "/") ? f->mountpoint : "");
		if (copy_one(f, dst, ex, o) < 0)
			return -1;
	}

	/* what phases 2 and 3 need to mount the clone again after a reboot */
	char conf[600];
	snprintf(conf, sizeof(conf), "%s/etc/altkit", ALTINST_MNT);
	mkdir(conf, 0755);
	snprintf(conf, sizeof(conf), "%s/etc/altkit/clone.conf", ALTINST_MNT);
	FILE *cf = fopen(conf, "we");
	if (!cf) {
		errmsg_errno(-errno, "writing '%s'", conf);
		return -1;
	}
	fprintf(cf, "# altkit clone: LV mountpoint fstype source-fs-uuid (written by alt_disk_copy)\n");
	for (size_t i = 0; i < src->nfs; i++) {
		struct source_fs *f = &src->fs[i];
		fprintf(cf, "%s %s %s %s\n", f->clone_lv, f->mountpoint[0] ? f->mountpoint : "-",
			f->clone_fstype[0] ? f->clone_fstype : "-", f->uuid[0] ? f->uuid : "-");
	}
	if (fclose(cf) != 0) {
		errmsg_errno(-errno, "writing '%s'", conf);
		return -1;
	}
	altinst_tag(tag, sizeof(tag), "phase", "1");
	return set_tag(tag, running);
}

/* ---- the clone's files, reached without following symlinks --------------- */

/* Below /alt_inst, never through a symlink of the clone (src/lib/intree.c). */
static int open_in_clone(const char *relpath, int flags, mode_t mode)
{
	return intree_open(ALTINST_MNT, relpath, flags, mode);
}

/* the clone's small text files: an unreadable one reads as empty */
static char *read_all(int fd)
{
	char *text = read_all_fd(fd, NULL);
	return text ? text : xstrdup("");
}

/* ---- waking the clone for phases 2 and 3 --------------------------------- */

struct clone_fs {
	char lv[128], mountpoint[256], fstype[32], src_uuid[64];
};

static int read_clone_conf(struct clone_fs *fs, size_t max, size_t *n)
{
	int fd = open_in_clone("etc/altkit/clone.conf", O_RDONLY, 0);
	if (fd < 0)
		return fd;
	char *text = read_all(fd);
	close(fd);
	*n = 0;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && *n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		struct clone_fs *c = &fs[*n];
		if (line[0] == '#' || sscanf(line, "%127s %255s %31s %63s", c->lv, c->mountpoint, c->fstype, c->src_uuid) != 4)
			continue;
		(*n)++;
	}
	free(text);
	return 0;
}

/* Activate altinst_rootvg and mount it on /alt_inst if it is not. */
static int wake_clone(const struct altinst_state *st)
{
	if (mounts_is_target(ALTINST_MNT))
		return 0;
	const char *act[] = { "vgchange", "-ay", ALTINST_VG, NULL };
	if (lvm_cmd("activating altinst_rootvg", act) < 0)
		return -1;
	char dev[300];
	snprintf(dev, sizeof(dev), "/dev/mapper/%s-%s", ALTINST_VG, st->root_lv);
	wait_for_node(dev);
	mkdir(ALTINST_MNT, 0755);
	if (mount(dev, ALTINST_MNT, "ext4", 0, NULL) < 0 && mount(dev, ALTINST_MNT, "xfs", 0, NULL) < 0) {
		errmsg_errno(-errno, "mounting the clone's root '%s' on %s", dev, ALTINST_MNT);
		return -1;
	}
	struct clone_fs fs[MAX_LVS];
	size_t n;
	if (read_clone_conf(fs, MAX_LVS, &n) < 0) {
		errmsg("'%s/etc/altkit/clone.conf' is missing: was phase 1 completed?", ALTINST_MNT);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (fs[i].mountpoint[0] != '/' || strcmp(fs[i].mountpoint, "/") == 0 ||
		    strncmp(fs[i].fstype, "ext", 3) != 0)
			continue;
		struct source_fs f = { 0 };
		snprintf(f.mountpoint, sizeof(f.mountpoint), "%s", fs[i].mountpoint);
		snprintf(f.fstype, sizeof(f.fstype), "%s", fs[i].fstype);
		snprintf(dev, sizeof(dev), "/dev/mapper/%s-%s", ALTINST_VG, fs[i].lv);
		if (mount_clone_fs(&f, dev) < 0)
			return -1;
	}
	return 0;
}

static int sleep_clone(void)
{
	char why[512];
	if (vgtree_unmount(ALTINST_MNT, why, sizeof(why)) < 0) {
		errmsg("%s", why);
		return -1;
	}
	const char *deact[] = { "vgchange", "-an", ALTINST_VG, NULL };
	return lvm_cmd("deactivating altinst_rootvg", deact);
}

/* ---- phase 2 ------------------------------------------------------------- */

/* What -O resets: the identity a machine must not share with its clone. */
static const char *const identity_files[] = {
	"var/lib/dbus/machine-id",
	"etc/ssh/ssh_host_rsa_key", "etc/ssh/ssh_host_rsa_key.pub",
	"etc/ssh/ssh_host_ecdsa_key", "etc/ssh/ssh_host_ecdsa_key.pub",
	"etc/ssh/ssh_host_ed25519_key", "etc/ssh/ssh_host_ed25519_key.pub",
	"etc/ssh/ssh_host_dsa_key", "etc/ssh/ssh_host_dsa_key.pub",
	"etc/udev/rules.d/70-persistent-net.rules", "etc/udev/rules.d/70-persistent-cd.rules",
	"var/lib/systemd/random-seed",
	NULL,
};

static int phase2(const struct opts *o)
{
	char running[64], done[64];
	altinst_tag(running, sizeof(running), "running", "2");
	altinst_tag(done, sizeof(done), "phase", "2");
	if (set_tag(running, NULL) < 0)
		return -1;
	int rc;
	if (o->resolv && (rc = intree_copy_in(ALTINST_MNT, o->resolv, "etc/resolv.conf", 0644)) < 0) {
		errmsg_errno(rc, "'%s': cannot install it as the clone's /etc/resolv.conf", o->resolv);
		return -1;
	}
	if (o->reset_identity) {
		/* an empty machine-id makes systemd and others make a new one at boot */
		int fd = open_in_clone("etc/machine-id", O_WRONLY | O_TRUNC, 0);
		if (fd >= 0) {
			close(fd);
			say("reset: /etc/machine-id emptied");
		}
		for (int i = 0; identity_files[i]; i++)
			if (intree_remove(ALTINST_MNT, identity_files[i]) == 1)
				say("reset: /%s removed", identity_files[i]);
	}
	if (o->firstboot && (rc = intree_copy_in(ALTINST_MNT, o->firstboot, "etc/altkit/firstboot", 0700)) < 0) {
		errmsg_errno(rc, "'%s': cannot install it as the clone's first-boot script", o->firstboot);
		return -1;
	}
	if (o->script) {
		setenv("ALT_INST", ALTINST_MNT, 1);
		char *argv[] = { (char *)o->script, NULL };
		if (run_status(argv, 0) != 0) {
			errmsg("'%s': the customization script failed; phase 2 is not complete", o->script);
			return -1;
		}
	}
	return set_tag(done, running);
}

/* ---- phase 3 ------------------------------------------------------------- */

/* The ESP of the VG with this UUID (on the first of its disks that has one). */
static int find_esp(const char *vg_uuid, char *dev, size_t len)
{
	struct bootdisk d;
	if (!vg_uuid[0] || bootdisk_of_vg(vg_uuid, &d, 1) != 1)
		return -ENOENT;
	snprintf(dev, len, "%s", d.esp);
	return 0;
}

static void probe_uuid(const char *dev, char *uuid, size_t len)
{
	struct blockdev bd = { 0 };
	snprintf(bd.name, sizeof(bd.name), "%s", dev + 5);
	blockdev_probe(&bd);
	snprintf(uuid, len, "%s", bd.uuid);
}

/* Replace every "UUID=<old>" (and "UUID=\"<old>\"") with the new UUID. */
static char *replace_uuid(char *text, const char *old, const char *new, int *count)
{
	size_t ol = strlen(old), nl = strlen(new);
	for (char *p = text; (p = strstr(p, old));) {
		int anchored = (p - text >= 5 && strncmp(p - 5, "UUID=", 5) == 0) ||
			       (p - text >= 6 && strncmp(p - 6, "UUID=\"", 6) == 0);
		if (!anchored) {
			p += ol;
			continue;
		}
		size_t off = (size_t)(p - text), len = strlen(text);
		text = xrealloc(text, len - ol + nl + 1);
		p = text + off;
		memmove(p + nl, p + ol, len - off - ol + 1);
		memcpy(p, new, nl);
		p += nl;
		(*count)++;
	}
	return text;
}

static int rewrite_uuids(const char *relpath, char *const olds[], char *const news[], size_t n)
{
	int fd = open_in_clone(relpath, O_RDONLY, 0);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	struct stat st;
	fstat(fd, &st);
	char *text = read_all(fd);
	close(fd);
	int count = 0;
	for (size_t i = 0; i < n; i++)
		if (olds[i][0] && news[i][0] && strcmp(olds[i], news[i]) != 0)
			text = replace_uuid(text, olds[i], news[i], &count);
	int rc = count ? intree_write(ALTINST_MNT, relpath, text, strlen(text), st.st_mode & 07777) : 0;
	if (count && rc == 0)
		say("/%s: %d UUID reference%s rewritten", relpath, count, count == 1 ? "" : "s");
	free(text);
	return rc;
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = 0;
	if (out < 0) {
		rc = -errno;
		close(in);
		return rc;
	}
	char buf[1 << 16];
	for (ssize_t n; (n = read(in, buf, sizeof(buf))) != 0;) {
		if (n < 0 || write(out, buf, (size_t)n) != n) {
			rc = -errno;
			break;
		}
	}
	if (!rc && fsync(out) < 0)
		rc = -errno;
	close(in);
	close(out);
	return rc;
}

#define ESP_DIR "EFI/altkit"
static const char *const boot_files[] = { "vmlinuz.efi", "initramfs.img", NULL };

/* The console= words of the running kernel, for a clone of a source whose
 * ESP has no cmdline: a serial console keeps working on the clone. */
static char *running_console_words(void)
{
	struct cmdline cl;
	char buf[512] = "";
	size_t n = 0;
	if (cmdline_read("/proc/cmdline", &cl) < 0)
		return NULL;
	for (size_t i = 0; i < cl.n && n < sizeof(buf); i++)
		if (strcmp(cl.keys[i], "console") == 0 && cl.values[i])
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%sconsole=%s", n ? " " : "", cl.values[i]);
	cmdline_release(&cl);
	return xstrdup(buf);
}

/* Phase 3's boot list: the clone's disk first in BootOrder. 1 when set, 0
 * when this machine has no EFI variables (said), -1 on failure (said). */
static int set_boot_list(const struct altinst_state *st, const char *cmdline, const struct opts *o)
{
	char why[512], disk[32] = "";
	uint16_t num;
	if (efivars_available() < 0) {
		say("no EFI variables here (not started through UEFI): the boot list was not changed; "
		    "the clone boots with 'altkit.vg=%s'", st->uuid);
		return 0;
	}
	int rc = bootlist_boot_vg(st->uuid, cmdline, !o->skip_checks, &num, disk, sizeof(disk), why, sizeof(why));
	if (rc < 0) {
		errmsg("the boot list: %s%s%s; %s (-g skips the checks, -B leaves the list alone); run phase 3 again",
		       disk[0] ? disk : "", disk[0] ? ": " : "", why,
		       rc == BOOTLIST_PARTLY ? "it may be partly changed: see 'bootlist -m normal -o'" : "it was not changed");
		return -1;
	}
	say("the boot list now starts with %s (Boot%04X)", disk, num);
	return 1;
}

/* -r: the system's own reboot, so that its shutdown runs (busybox init,
 * systemd, sysvinit all take this argv). */
static int reboot_now(void)
{
	say("rebooting");
	sync();
	char *argv[] = { "reboot", NULL };
	int rc = run_status(argv, RUN_NULL_IN);
	if (rc != 0) {
		errmsg("'reboot' failed (status %d); reboot by hand to start the clone", rc);
		return -1;
	}
	return 0;
}

static int phase3(const struct altinst_state *st, const struct opts *o)
{
	char running[64], done[64];
	altinst_tag(running, sizeof(running), "running", "3");
	altinst_tag(done, sizeof(done), "phase", "3");
	if (set_tag(running, NULL) < 0)
		return -1;

	/* UUID= references to the source's filesystems now name the clone's */
	struct clone_fs fs[MAX_LVS];
	size_t n = 0;
	if (read_clone_conf(fs, MAX_LVS, &n) < 0) {
		errmsg("the clone has no /etc/altkit/clone.conf: was phase 1 completed?");
		return -1;
	}
	char *olds[MAX_LVS + 1], *news[MAX_LVS + 1];
	for (size_t i = 0; i < n; i++) {
		char dev[300];
		olds[i] = strcmp(fs[i].src_uuid, "-") ? fs[i].src_uuid : (char *)"";
		news[i] = xcalloc(1, 64);
		snprintf(dev, sizeof(dev), "/dev/mapper/%s-%s", ALTINST_VG, fs[i].lv);
		probe_uuid(dev, news[i], 64);
	}
	/* the ESP too */
	char src_esp[64] = "", clone_esp[64] = "";
	if (find_esp(st->source_uuid, src_esp, sizeof(src_esp)) < 0)
		src_esp[0] = '\0';
	if (find_esp(st->uuid, clone_esp, sizeof(clone_esp)) < 0) {
		errmsg("the clone's ESP (partition 1 of its first disk) is missing");
		return -1;
	}
	olds[n] = xcalloc(1, 64);
	news[n] = xcalloc(1, 64);
	if (src_esp[0])
		probe_uuid(src_esp, olds[n], 64);
	probe_uuid(clone_esp, news[n], 64);
	int rc = 0;
	static const char *const uuid_files[] = { "etc/fstab", "etc/crypttab", "etc/default/grub", NULL };
	for (int i = 0; uuid_files[i] && rc == 0; i++)
		if ((rc = rewrite_uuids(uuid_files[i], olds, news, n + 1)) < 0)
			errmsg_errno(rc, "rewriting UUIDs in the clone's /%s", uuid_files[i]);
	for (size_t i = 0; i <= n; i++)
		free(news[i]);
	free(olds[n]);
	if (rc < 0)
		return -1;

	/* The boot files: the source ESP's altkit kernel and initramfs, and a
	 * command line naming the clone's VG (renamed to rootvg when it boots). */
	const char *esp_mnt = "/run/altkit/esp", *src_mnt = "/run/altkit/src-esp";
	mkdir("/run/altkit", 0755);
	mkdir(esp_mnt, 0755);
	mkdir(src_mnt, 0755);
	if (mount(clone_esp, esp_mnt, "vfat", 0, NULL) < 0) {
		errmsg_errno(-errno, "mounting the clone's ESP '%s'", clone_esp);
		return -1;
	}
	/* the source's ESP is often mounted (/boot/efi): read it there */
	char src_dir[300] = "";
	int src_mounted = 0;
	struct stat est;
	struct mount_table mt;
	if (src_esp[0] && stat(src_esp, &est) == 0 && mounts_read(&mt) == 0) {
		const struct mount_entry *m = mounts_find_dev(&mt, major(est.st_rdev), minor(est.st_rdev));
		if (m)
			snprintf(src_dir, sizeof(src_dir), "%s", m->target);
		mounts_release(&mt);
	}
	if (src_esp[0] && !src_dir[0] && mount(src_esp, src_mnt, "vfat", MS_RDONLY, NULL) == 0) {
		snprintf(src_dir, sizeof(src_dir), "%s", src_mnt);
		src_mounted = 1;
	}
	char path[600], from[600];
	snprintf(path, sizeof(path), "%s/EFI", esp_mnt);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s", esp_mnt, ESP_DIR);
	mkdir(path, 0755);
	for (int i = 0; boot_files[i] && rc == 0; i++) {
		snprintf(from, sizeof(from), "%s/%s/%s", src_dir, ESP_DIR, boot_files[i]);
		snprintf(path, sizeof(path), "%s/%s/%s", esp_mnt, ESP_DIR, boot_files[i]);
		if (!src_dir[0] || (rc = copy_file(from, path)) < 0) {
			if (!o->skip_checks) {
				errmsg("the source ESP%s%s has no /%s/%s to boot the clone with", src_esp[0] ? " " : "",
				       src_esp, ESP_DIR, boot_files[i]);
				rc = -1;
			} else {
				rc = 0;
			}
		}
	}
	/* the clone boots with the source's kernel parameters, naming its own VG */
	char cmdline[1024] = "";
	if (rc == 0) {
		char *src_cmdline = NULL;
		snprintf(from, sizeof(from), "%s/%s/cmdline", src_dir, ESP_DIR);
		int sfd = src_dir[0] ? open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (sfd >= 0) {
			src_cmdline = read_all_fd(sfd, NULL);
			close(sfd);
		} else {
			src_cmdline = running_console_words();
		}
		if (src_cmdline)
			src_cmdline[strcspn(src_cmdline, "\n")] = '\0';
		if (bootdisk_clone_cmdline(src_cmdline, st->uuid, st->root_lv, o->console, cmdline,
					   sizeof(cmdline) - 1) < 0) {
			errmsg("the clone's kernel command line is too long");
			rc = -1;
		}
		free(src_cmdline);
	}
	if (rc == 0) {
		size_t len = strlen(cmdline);
		cmdline[len++] = '\n';
		snprintf(path, sizeof(path), "%s/%s/cmdline", esp_mnt, ESP_DIR);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, cmdline, len) != (ssize_t)len || fsync(fd) < 0) {
			errmsg_errno(-errno, "writing '%s'", path);
			rc = -1;
		}
		cmdline[len - 1] = '\0';
		if (fd >= 0)
			close(fd);
	}
	umount(esp_mnt);
	if (src_mounted)
		umount(src_mnt);
	if (rc < 0)
		return -1;
	if (sleep_clone() < 0)
		return -1;
	/* the boot list before the phase counts as done: a failure here leaves
	 * phase 3 to be run again */
	int listed = 0;
	if (!o->no_bootlist && (listed = set_boot_list(st, cmdline, o)) < 0)
		return -1;
	if (set_tag(done, running) < 0)
		return -1;
	if (o->reboot && listed)
		return reboot_now();
	if (o->reboot)
		say("not rebooting: the boot list was not changed");
	return 0;
}

/* File level or used blocks, per filesystem. A used-block copy needs no
 * file-level work (no exclude list, no -T), a target at least as big, and a
 * source nobody writes (offline, read-only); it is then the faster path:
 * it reads each used block once, in order, with no per-file work. */
static int choose_copy_paths(struct source *src, const struct exclude *ex, const struct opts *o, int read_only)
{
	for (size_t i = 0; i < src->nfs; i++) {
		struct source_fs *f = &src->fs[i];
		const char *why_not = NULL;
		if (!f->mountpoint[0] || strncmp(f->fstype, "ext", 3) != 0 || !f->have_params)
			continue;
		if (ex)
			why_not = "an exclude list needs a file-level copy";
		else if (converts(f))
			why_not = "converting to ext4 needs a file-level copy";
		else if (f->clone_size < f->size)
			why_not = "the clone's LV is smaller than the source's";
		else if (!read_only)
			why_not = "the source is mounted read-write (no snapshot)";
		if (o->copy_mode == COPY_BLOCKS && why_not) {
			errmsg("--copy-mode blocks: '%s' cannot be copied block for block: %s", f->mountpoint, why_not);
			return -1;
		}
		f->block_copy = !why_not && o->copy_mode != COPY_FILES;
	}
	return 0;
}

/* -i: the clone's LV names, sizes and types; the source LV of each line is
 * found by its mount point (by name when it has none). */
static int apply_layout(struct source *src, const char *file)
{
	struct layout l;
	struct layout_error err = { 0, "" };
	int rc = layout_load(file, &l, &err);
	if (rc < 0) {
		if (err.line || err.msg[0])
			errmsg("-i '%s' line %u: %s", file, err.line, err.msg);
		else
			errmsg_errno(rc, "-i '%s'", file);
		return -1;
	}
	for (size_t k = 0; k < l.n; k++) {
		const struct layout_entry *e = &l.e[k];
		struct source_fs *f = NULL;
		for (size_t i = 0; i < src->nfs && !f; i++)
			if (strcmp(e->mountpoint, "-") != 0 ? strcmp(src->fs[i].mountpoint, e->mountpoint) == 0
							   : !src->fs[i].mountpoint[0] && strcmp(src->fs[i].lv, e->name) == 0)
				f = &src->fs[i];
		if (!f) {
			errmsg("-i '%s' line %u: no source LV %s '%s'", file, e->line,
			       strcmp(e->mountpoint, "-") ? "is mounted on" : "without a mount point is called",
			       strcmp(e->mountpoint, "-") ? e->mountpoint : e->name);
			layout_release(&l);
			return -1;
		}
		int same = strcmp(e->fstype, f->fstype) == 0 || (!f->fstype[0] && strcmp(e->fstype, "raw") == 0);
		int to_ext4 = strcmp(e->fstype, "ext4") == 0 && (!strcmp(f->fstype, "ext2") || !strcmp(f->fstype, "ext3"));
		if (!same && !to_ext4) {
			errmsg("-i '%s' line %u: fstype '%s': the source's '%s' is %s; it can stay that or become ext4 "
			       "(from ext2/ext3)", file, e->line, e->fstype, f->mountpoint[0] ? f->mountpoint : f->lv,
			       f->fstype[0] ? f->fstype : "raw");
			layout_release(&l);
			return -1;
		}
		snprintf(f->clone_lv, sizeof(f->clone_lv), "%s", e->name);
		if (to_ext4)
			snprintf(f->clone_fstype, sizeof(f->clone_fstype), "ext4");
		if (e->size_kind == LAYOUT_BYTES)
			f->layout_size = e->bytes;
		else if (e->size_kind == LAYOUT_USED_PCT)
			f->layout_size = f->used + f->used * e->pct / 100;
	}
	for (size_t i = 0; i < src->nfs; i++)
		for (size_t j = i + 1; j < src->nfs; j++)
			if (strcmp(src->fs[i].clone_lv, src->fs[j].clone_lv) == 0) {
				errmsg("-i '%s': two LVs would be called '%s' on the clone", file, src->fs[i].clone_lv);
				layout_release(&l);
				return -1;
			}
	layout_release(&l);
	return 0;
}

static void dump_layout(const struct source *src)
{
	printf("# altkit layout of %s (%s): name size fstype mountpoint\n"
	       "# size: SIZE, used+N%% (used data plus N percent) or same\n", src->vg, src->uuid);
	for (size_t i = 0; i < src->nfs; i++) {
		const struct source_fs *f = &src->fs[i];
		layout_write_entry(stdout, f->lv, f->size, f->fstype, f->mountpoint);
	}
}

/* The VG to clone: --source-vg, or the one holding "/". 0 or an exit code. */
static int find_source(const struct opts *o, struct source *src)
{
	int rc;
	memset(src, 0, sizeof(*src));
	if (o->source_vg) {
		rc = lookup_vg(o->source_vg, src);
	} else {
		rc = find_root_vg(src);
		if (rc == -ENOENT) {
			errmsg("'/' is not on a logical volume: name the volume group to clone with --source-vg");
			return EXIT_USAGE;
		}
		src->live = 1;
		if (rc == 0)
			rc = lookup_vg(src->vg, src);
	}
	if (rc < 0) {
		errmsg("source volume group '%s': %s", o->source_vg ? o->source_vg : src->vg,
		       rc == -ENOENT ? "not found" : rc == -EEXIST ? "the name is not unique: use its UUID" : lvm_last_error());
		return EXIT_USAGE;
	}
	if (strcmp(src->vg, ALTINST_VG) == 0) {
		errmsg("source volume group '%s': cannot clone a clone in progress", src->vg);
		return EXIT_USAGE;
	}
	return 0;
}

/* Its LVs and where their filesystems are: mounted (live), or mounted by us
 * read-only (offline, *offline set). 0 or an exit code. */
static int open_source(struct source *src, int *offline)
{
	int rc;
	*offline = 0;
	if ((rc = scan_source(src)) < 0) {
		errmsg("cannot list the logical volumes of '%s': %s", src->vg, lvm_last_error());
		return EXIT_FAIL;
	}
	int has_root = 0;
	for (size_t i = 0; i < src->nfs; i++)
		has_root |= strcmp(src->fs[i].mountpoint, "/") == 0;
	if (!has_root && !src->live) {
		/* offline (from the recovery image): nothing of it is mounted */
		for (size_t i = 0; i < src->nfs; i++)
			if (src->fs[i].mountpoint[0]) {
				errmsg("source volume group '%s': '%s' is mounted on %s but no root is: "
				       "unmount it to clone offline", src->vg, src->fs[i].lv, src->fs[i].mountpoint);
				return EXIT_USAGE;
			}
		say("'%s' is offline: its filesystems are mounted read-only under %s", src->vg, SRC_MNT);
		*offline = 1;
		if (mount_offline_source(src) < 0) {
			unmount_offline_source(src);
			return EXIT_FAIL;
		}
	}
	for (size_t i = 0; i < src->nfs; i++)
		has_root |= strcmp(src->fs[i].mountpoint, "/") == 0;
	if (!has_root) {
		errmsg("source volume group '%s': none of its filesystems is mounted as '/'", src->vg);
		if (*offline)
			unmount_offline_source(src);
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- the command ----------------------------------------------------------- */

static int split_disks(const char *arg, struct opts *o)
{
	char *copy = xstrdup(arg);
	for (char *save = NULL, *tok = strtok_r(copy, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		if (o->ndisks == sizeof(o->disks) / sizeof(o->disks[0])) {
			errmsg("-d: at most %zu disks", o->ndisks);
			free(copy);
			return -1;
		}
		o->disks[o->ndisks++] = xstrdup(tok);
	}
	free(copy);
	return 0;
}

int cmd_alt_disk_copy(int argc, char **argv)
{
	enum { OPT_SOURCE_VG = 256, OPT_NO_SNAPSHOT, OPT_ESP_SIZE, OPT_COPY_MODE, OPT_DUMP_LAYOUT, OPT_GROW };
	static const struct option longopts[] = {
		{ "disks", required_argument, NULL, 'd' },
		{ "phase", required_argument, NULL, 'P' },
		{ "exclude", required_argument, NULL, 'e' },
		{ "convert-ext4", no_argument, NULL, 'T' },
		{ "layout", required_argument, NULL, 'i' },
		{ "dump-layout", no_argument, NULL, OPT_DUMP_LAYOUT },
		{ "script", required_argument, NULL, 's' },
		{ "firstboot", required_argument, NULL, 'x' },
		{ "resolv-conf", required_argument, NULL, 'R' },
		{ "console", required_argument, NULL, 'c' },
		{ "no-bootlist", no_argument, NULL, 'B' },
		{ "reboot", no_argument, NULL, 'r' },
		{ "reset-identity", no_argument, NULL, 'O' },
		{ "skip-checks", no_argument, NULL, 'g' },
		{ "no-size-check", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "debug", no_argument, NULL, 'D' },
		{ "source-vg", required_argument, NULL, OPT_SOURCE_VG },
		{ "no-snapshot", no_argument, NULL, OPT_NO_SNAPSHOT },
		{ "grow", no_argument, NULL, OPT_GROW },
		{ "esp-size", required_argument, NULL, OPT_ESP_SIZE },
		{ "copy-mode", required_argument, NULL, OPT_COPY_MODE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o;
	memset(&o, 0, sizeof(o));
	o.esp_size = 256 << 20;
	const char *phases = "all";
	int c;
	while ((c = getopt_long(argc, argv, "d:P:e:Ti:s:x:R:c:BrOgSVDh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (split_disks(optarg, &o) < 0)
				return EXIT_USAGE;
			break;
		case 'P': phases = optarg; break;
		case 'e': o.exclude_file = optarg; break;
		case 'T': o.convert = 1; break;
		case 'i': o.layout_file = optarg; break;
		case OPT_DUMP_LAYOUT: o.dump_layout = 1; break;
		case 's': o.script = optarg; break;
		case 'x': o.firstboot = optarg; break;
		case 'R': o.resolv = optarg; break;
		case 'c': o.console = optarg; break;
		case 'B': o.no_bootlist = 1; break;
		case 'r': o.reboot = 1; break;
		case 'O': o.reset_identity = 1; break;
		case 'g': o.skip_checks = 1; break;
		case 'S': o.no_size_check = 1; break;
		case 'V': o.verbose = 1; break;
		case 'D': o.debug = 1; break;
		case OPT_SOURCE_VG: o.source_vg = optarg; break;
		case OPT_NO_SNAPSHOT: o.no_snapshot = 1; break;
		case OPT_GROW: o.grow = 1; break;
		case OPT_ESP_SIZE:
			if (parse_size(optarg, &o.esp_size) < 0 || o.esp_size < (32 << 20)) {
				errmsg("--esp-size '%s': expected a size of at least 32M", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_COPY_MODE:
			if (strcmp(optarg, "auto") == 0)
				o.copy_mode = COPY_AUTO;
			else if (strcmp(optarg, "files") == 0)
				o.copy_mode = COPY_FILES;
			else if (strcmp(optarg, "blocks") == 0)
				o.copy_mode = COPY_BLOCKS;
			else {
				errmsg("--copy-mode '%s': expected auto, files or blocks", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			print_usage(stdout, usage_text);
			return close_stdout();
		default:
			fprintf(stderr, "Try 'alt_disk_copy --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		errmsg("'%s': unexpected argument (disks go with -d \"vdb vdc\")", argv[optind]);
		return EXIT_USAGE;
	}
	if (altinst_parse_phases(phases, o.want) < 0) {
		errmsg("-P '%s': expected 1, 2, 3, 12, 23 or all", phases);
		return EXIT_USAGE;
	}
	if (o.debug)
		run_trace = trace;
	stdout_is_tty = isatty(1);

	/* Files named by options must be there before anything is done. */
	const char *files[][2] = { { o.script, "-s" }, { o.firstboot, "-x" }, { o.resolv, "-R" } };
	for (size_t i = 0; i < 3; i++)
		if (files[i][0] && access(files[i][0], R_OK) < 0) {
			errmsg_errno(-errno, "%s '%s'", files[i][1], files[i][0]);
			return EXIT_USAGE;
		}
	if (o.script && access(o.script, X_OK) < 0) {
		errmsg("-s '%s': not executable", o.script);
		return EXIT_USAGE;
	}
	struct exclude *ex = NULL;
	if (o.exclude_file) {
		struct exclude_error ee;
		ex = exclude_new();
		int rc = exclude_load(ex, o.exclude_file, &ee);
		if (rc < 0) {
			if (ee.line)
				errmsg("'%s' line %u: invalid pattern '%s': %s", o.exclude_file, ee.line, ee.pattern, ee.reason);
			else
				errmsg_errno(rc, "-e '%s'", o.exclude_file);
			exclude_free(ex);
			return EXIT_USAGE;
		}
	}

	int rc;
	if (o.dump_layout) {
		static struct source src;
		int offline;
		if ((rc = find_source(&o, &src)) != 0 || (rc = open_source(&src, &offline)) != 0)
			return rc;
		qsort(src.fs, src.nfs, sizeof(src.fs[0]), by_mountpoint);
		dump_layout(&src);
		if (offline)
			unmount_offline_source(&src);
		return close_stdout();
	}
	struct altinst_state st;
	rc = altinst_read(ALTINST_VG, &st);
	if (rc < 0) {
		errmsg("cannot read the volume groups: %s", rc == -ENOENT ? "no 'lvm' program" : lvm_last_error());
		return EXIT_FAIL;
	}
	char why[512];
	if (altinst_check_order(o.want, &st, why, sizeof(why)) < 0) {
		errmsg("-P %s: %s", phases, why);
		return EXIT_USAGE;
	}

	int status = EXIT_OK;
	if (o.want[1]) {
		if (o.ndisks == 0) {
			errmsg("phase 1 needs target disks: -d \"DISK...\"");
			return EXIT_USAGE;
		}
		static struct source src;
		if ((rc = find_source(&o, &src)) != 0)
			return rc;
		struct target_disk t[16];
		for (size_t i = 0; i < o.ndisks; i++) {
			struct target_refusal tr;
			for (size_t j = 0; j < i; j++)
				if (strcmp(o.disks[i], o.disks[j]) == 0) {
					errmsg("'%s' is named twice in -d", o.disks[i]);
					return EXIT_USAGE;
				}
			if (target_disk_check(o.disks[i], src.vg, &t[i], &tr) < 0) {
				errmsg("'%s': %s", o.disks[i], tr.reason);
				return EXIT_FAIL;
			}
		}
		int offline = 0;
		if ((rc = open_source(&src, &offline)) != 0)
			return rc;
		if (o.layout_file && apply_layout(&src, o.layout_file) < 0)
			{ status = EXIT_USAGE; goto release_source; }
		if (o.convert)
			for (size_t i = 0; i < src.nfs; i++)
				if (!strcmp(src.fs[i].fstype, "ext2") || !strcmp(src.fs[i].fstype, "ext3"))
					snprintf(src.fs[i].clone_fstype, sizeof(src.fs[i].clone_fstype), "ext4");
		for (size_t i = 0; i < src.nfs; i++) {
			/* the kernel's device-mapper names are at most 127 bytes */
			if (strlen(ALTINST_VG) + 1 + strlen(src.fs[i].clone_lv) > 127) {
				errmsg("LV '%s': '%s-%s' is too long for a device-mapper name (127 bytes at most); "
				       "give it a shorter name on the clone with -i (see --dump-layout)",
				       src.fs[i].clone_lv, ALTINST_VG, src.fs[i].clone_lv);
				{ status = EXIT_USAGE; goto release_source; }
			}
		}
		qsort(src.fs, src.nfs, sizeof(src.fs[0]), by_mountpoint);
		if (plan_sizes(&src, t, o.ndisks, &o) < 0)
			{ status = EXIT_FAIL; goto release_source; }
		int snapshots = 0;
		/* before the snapshots, so that the clone has its own /alt_inst */
		mkdir(ALTINST_MNT, 0755);
		if (src.live) {
			remove_snapshots(&src);
			if (o.no_snapshot)
				say("--no-snapshot: copying the live tree");
			else if ((snapshots = take_snapshots(&src)) < 0) {
				remove_snapshots(&src);
				{ status = EXIT_FAIL; goto release_source; }
			}
		}
		if (choose_copy_paths(&src, ex, &o, offline || snapshots > 0) < 0) {
			if (snapshots > 0)
				remove_snapshots(&src);
			{ status = EXIT_USAGE; goto release_source; }
		}
		say("phase 1: cloning '%s' (%s) to %zu disk%s", src.vg, src.uuid, o.ndisks, o.ndisks > 1 ? "s" : "");
		rc = phase1(&src, t, o.ndisks, ex, &o);
		if (snapshots > 0)
			remove_snapshots(&src);
release_source:
		if (offline)
			unmount_offline_source(&src);
		if (status != EXIT_OK) {
			exclude_free(ex);
			return status;
		}
		if (rc < 0) {
			errmsg("phase 1 failed; the clone is incomplete: remove it with "
			       "'alt_rootvg_op -X altinst_rootvg'");
			exclude_free(ex);
			return EXIT_FAIL;
		}
		altinst_read(ALTINST_VG, &st);
	}
	exclude_free(ex);
	if (o.want[2] || o.want[3]) {
		if (wake_clone(&st) < 0)
			return EXIT_FAIL;
	}
	if (o.want[2]) {
		say("phase 2: customizing the clone");
		if (phase2(&o) < 0)
			return EXIT_FAIL;
	}
	if (o.want[3]) {
		say("phase 3: making the clone bootable");
		if (phase3(&st, &o) < 0)
			return EXIT_FAIL;
		say("done: %s (%s) is ready; boot it with altkit.vg=%s", ALTINST_VG, st.uuid, st.uuid);
	} else if (o.want[1] || o.want[2]) {
		say("the clone stays mounted on %s for phase %s", ALTINST_MNT, o.want[2] ? "3" : "2 or 3");
	}
	fflush(stdout);
	return status == EXIT_OK ? close_stdout() : status;
}
