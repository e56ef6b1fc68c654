/* The clone engine behind alt_disk_copy: what a clone is (its source, its
 * targets, its options, its state) and the phases that make it.
 *
 *   clone_source.c  find, scan and open the source VG; snapshots
 *   clone_plan.c    pure planning: sizes, copy paths, -i layout, UUIDs
 *   clone_copy.c    copying one filesystem (files, used blocks, raw blocks)
 *   clone_phase1.c  partition, VG, LVs, mkfs, mount, copy
 *   clone_phase2.c  customize
 *   clone_phase3.c  boot: ESP files, UUID rewrite, boot list
 *   clone_boot.c    which boot path the source has; a distribution's GRUB
 *   clone_helpers.c the programs a run executes, checked before it writes
 *   clone.c         the phase table
 *
 * Library code: it never prints. Errors come back in a struct err; what a
 * run says along the way goes through the callbacks of struct clone_report.
 */
#ifndef ALTKIT_CLONE_H
#define ALTKIT_CLONE_H
#include <stddef.h>
#include <stdint.h>

#include "altinst.h"
#include "bootdisk.h"
#include "copytree.h"
#include "err.h"
#include "extfs.h"
#include "pkgreq.h"
#include "targetdisk.h"

#define CLONE_MAX_LVS 64
#define CLONE_MAX_DISKS 16
#define CLONE_SRC_MNT "/run/altkit/source"

struct exclude;

/* One LV of the source and what it becomes on the clone. */
struct clone_fs {
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
	int part;               /* a /boot partition outside the VG: its number on
				 * the clone's first disk; 0 for an LV */
};

/* A /boot partition of the source goes between the clone's ESP and PV. */
#define CLONE_BOOT_PART 2
/* How clone.conf names it (no LV can: ':' is not allowed in LV names). */
#define CLONE_CONF_PART "partition:"

struct clone_source {
	char vg[128], uuid[40];
	uint64_t extent_size;
	int live;               /* cloning the running system's VG */
	int offline;            /* mounted read-only by us under CLONE_SRC_MNT */
	int snapshots;          /* copying from snapshots we took */
	struct clone_fs fs[CLONE_MAX_LVS];
	size_t nfs;
	struct clone_fs boot_part;      /* /boot outside the VG when .part != 0 */
};

enum clone_copy_mode { CLONE_COPY_AUTO, CLONE_COPY_FILES, CLONE_COPY_BLOCKS };

struct clone_opts {
	int want[ALTINST_PHASES + 1];   /* the phases to run */
	const struct exclude *exclude;  /* -e, or NULL */
	const char *script, *firstboot, *resolv, *console, *source_vg, *layout_file;
	const struct pkgreq *update;    /* -l -w -b -F -f -I, or NULL */
	int convert, no_bootlist, reboot, reset_identity, skip_checks, no_size_check;
	int no_snapshot, verbose, grow;
	uint64_t esp_size;
	enum clone_copy_mode copy_mode;
};

/* What a run says along the way; the command prints it. Any may be NULL. */
/* A filesystem being copied, for a progress line: read the counters from
 * another thread. files is NULL for a used-block copy. */
struct clone_copying {
	const char *mountpoint;
	const char *how;                        /* "files", "used blocks" */
	const atomic_uint_fast64_t *total;      /* bytes expected (0: not known yet) */
	const atomic_uint_fast64_t *bytes;      /* on the disk so far */
	const atomic_uint_fast64_t *files;
	const atomic_int *flushing;             /* the final flush waits */
};

struct clone_report {
	/* a progress line ("phase 1: cloning ...", "copied /: ...") */
	void (*say)(void *arg, const char *msg);
	/* -V: a path copied */
	void (*copied)(void *arg, const char *path);
	/* an error the run goes on after (an entry not copied: the copy
	 * fails at its end; a snapshot not removed) */
	void (*warn)(void *arg, const char *msg);
	/* a copy of a filesystem starts (the counters fill as it runs) / ends */
	void (*copy_start)(void *arg, const struct clone_copying *cp);
	void (*copy_end)(void *arg);
	/* phase 2: a line of the package manager's output */
	void (*pkg_line)(void *arg, const char *line);
	void *arg;
};

/* How the source boots (clone_boot.c): through altkit's own EFI stub
 * kernel (EFI/altkit on its ESP), or through its distribution's shim +
 * GRUB (EFI/<vendor>/grub.cfg, /boot/grub/grub.cfg passing altkit.vg=). */
enum clone_boot_kind { CLONE_BOOT_UNKNOWN, CLONE_BOOT_ALTKIT, CLONE_BOOT_GRUB };
struct clone_boot {
	enum clone_boot_kind kind;
	char vendor[64];        /* GRUB: the ESP's EFI/<vendor> with grub.cfg */
};

struct clone {
	struct clone_opts o;
	struct clone_boot boot;
	struct clone_source src;
	struct target_disk t[CLONE_MAX_DISKS];
	size_t nt;
	struct altinst_state st;        /* altinst_rootvg's state */
	const struct clone_report *rep;
	/* results */
	int failed_phase;               /* the phase that failed, 0 if none */
	int boot_listed;                /* phase 3 put the clone first in the boot list */
	char cmdline[1024];             /* phase 3: the clone's kernel command line */
};

/* A refusal that is a usage error (the command exits 2), not a failure. */
enum { CLONE_E_USAGE = -3000 };

/* A line of the clone's /etc/altkit/clone.conf, written by phase 1. */
struct clone_conf_fs {
	char lv[128], mountpoint[256], fstype[32], src_uuid[64];
};
int clone_read_conf(struct clone_conf_fs *fs, size_t max, size_t *n);
/* The clone's device of a clone.conf line: /dev/mapper/altinst_rootvg-LV,
 * or for CLONE_CONF_PART"N" partition N of the clone's first disk (the one
 * with its ESP; looked up here when *disk is empty, "vdb" kept in disk). */
int clone_conf_dev(const struct clone *c, const struct clone_conf_fs *fs, char *disk, size_t disklen, char *dev,
		   size_t len);

/* Everything phase 1 does before it writes: find and open the source,
 * check the disks, plan the sizes (-i, -T), find every program the run
 * executes (clone_check_helpers), take snapshots, choose the copy paths.
 * On failure nothing is left mounted or taken. */
int clone_prepare(struct clone *c, char *const disks[], size_t ndisks, struct err *e);
/* Run the phases in c->o.want from the phase table; on failure
 * c->failed_phase says which. Releases what clone_prepare took. */
int clone_run(struct clone *c, struct err *e);

/* A progress line through c->rep->say. */
void clone_say(const struct clone *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same through a report alone (the plan's functions have no clone). */
void clone_report_say(const struct clone_report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- clone_source.c ---- */
/* The VG to clone: o.source_vg, or the one holding "/". 0, or
 * CLONE_E_USAGE or another negative code, with e. */
int clone_find_source(struct clone *c, struct err *e);
/* Its LVs and where their filesystems are: mounted (live), or mounted by us
 * read-only (offline). 0, or CLONE_E_USAGE / another code, with e. */
int clone_open_source(struct clone *c, struct err *e);
/* Undo what clone_open_source mounted (offline only). */
void clone_close_source(struct clone *c);
/* Live source: remove stale snapshots, then take new ones unless
 * --no-snapshot or the VG has no room. 0 or a negative code with e. */
int clone_take_snapshots(struct clone *c, struct err *e);
void clone_remove_snapshots(struct clone *c);

/* ---- clone_plan.c: pure, nothing is changed on disk ---- */
/* The least an LV of the clone can be. */
uint64_t clone_min_size(const struct clone_fs *f);
/* -T: ext2/ext3 become ext4 on the clone. */
void clone_plan_convert(struct clone_source *src);
/* -i: apply a parsed layout (file names the layout in messages). */
struct layout;
int clone_plan_layout(struct clone_source *src, const struct layout *l, const char *file, struct err *e);
/* The clone's LV names fit device-mapper's limit. */
int clone_plan_check_names(const struct clone_source *src, struct err *e);
/* Mount order: "/" first, then parents before children. */
void clone_plan_sort(struct clone_source *src);
/* Sizes of the clone's LVs on disks of these sizes (t[0] has the ESP). */
int clone_plan_sizes(struct clone_source *src, const struct target_disk *t, size_t nt,
		     const struct clone_opts *o, const struct clone_report *rep, struct err *e);
/* File level or used blocks, per filesystem. */
int clone_choose_copy_paths(struct clone_source *src, const struct clone_opts *o, int read_only,
			    struct err *e);
/* Replace every "UUID=<old>" (and "UUID=\"<old>\"") with new; text is
 * realloc'd, *count counts the replacements. */
char *clone_replace_uuid(char *text, const char *old, const char *new, int *count);
/* Replace every old that stands alone: not preceded or followed by a letter,
 * digit or '-' (a UUID in "--fs-uuid X", "lvmid/VG/LV", "altkit.vg=X"). */
char *clone_replace_token(char *text, const char *old, const char *new, int *count);
/* An ext2/ext3 source made ext4 on the clone (-T, or -i). */
int clone_fs_converts(const struct clone_fs *f);

/* /dev/vdb, 2 -> /dev/vdb2; /dev/nvme0n1, 2 -> /dev/nvme0n1p2 */
void clone_part_dev(const char *disk, int n, char *buf, size_t len);

/* ---- clone_copy.c ---- */
int clone_copy_files(const struct clone *c, const struct clone_fs *f, const char *dst, struct err *e);
int clone_copy_used_blocks(const struct clone *c, const struct clone_fs *f, const char *dev, struct err *e);
int clone_copy_blocks(const char *from, const char *to, uint64_t size);
/* Device nodes appear a moment after lvcreate or a partition table write. */
void clone_wait_for_node(const char *dev);
/* Mount a clone LV on its mount point below /alt_inst. */
int clone_mount_fs(const char *mountpoint, const char *fstype, const char *dev, struct err *e);

/* ---- clone_phase3.c ---- */
/* Identities of the source and what they are on the clone: file system
 * UUIDs, the ESP's, and for a distribution's boot loader the VG and LV UUIDs. */
#define CLONE_MAX_IDS (2 * CLONE_MAX_LVS + 2)
struct clone_ids {
	char old[CLONE_MAX_IDS][64], new[CLONE_MAX_IDS][64];
	size_t n;
};
/* Rewrite ROOT/RELPATH with REPLACE (clone_replace_uuid or _token) for each
 * pair; a missing file is 0. Says what it changed. */
int clone_rewrite_ids(const struct clone *c, const char *root, const char *relpath, const struct clone_ids *ids,
		      char *(*replace)(char *, const char *, const char *, int *));

/* ---- clone_boot.c ---- */
/* Phase 3's disks: the source's and the clone's, each the first of its VG's
 * disks with an ESP. */
struct clone_esps {
	struct bootdisk src, clone;
	int have_src;
};
/* Before anything is written: how the source boots (c->boot), from its ESP
 * and its root tree ROOT_DIR. Refuses a source without an ESP, a boot loader
 * altkit does not know, and a GRUB that passes no altkit.vg= of the source. */
int clone_check_boot(struct clone *c, const char *root_dir, struct err *e);
/* The same from the source's ESP (NULL when none) and a root tree (the
 * clone's, in phase 3) whose grub.cfg must pass altkit.vg=VG_UUID. */
struct bootdisk_esp;
int clone_detect_boot(struct clone *c, const struct bootdisk_esp *esp, const char *root_dir, const char *vg_uuid,
		      struct err *e);
/* The same for phases 2 and 3 run on their own: from the source's ESP and
 * the clone's tree on /alt_inst (a no-op when c->boot is known). */
int clone_boot_of_clone(struct clone *c, struct err *e);
/* Options only altkit's own boot path can honour (-x, -c): refused, as a
 * usage error, for a clone that boots through a distribution's GRUB. */
int clone_check_boot_options(const struct clone *c, struct err *e);
/* Phase 3 for GRUB: the source ESP's files (at SRC_DIR) onto the clone's
 * (mounted on ESP_DIR), its EFI/<vendor>/grub.cfg stubs and the clone's
 * /boot/grub/grub.cfg and /etc/default/grub.d/altkit.cfg naming the clone's
 * file systems, VG and LVs. */
int clone_boot_grub_files(struct clone *c, const char *src_dir, const char *esp_dir,
			  const struct clone_ids *ids, struct err *e);
/* The clone's boot entry: its own copy of the loader the source's entry
 * starts, described with its disk. */
int clone_boot_grub_entry(struct clone *c, const struct clone_esps *d, uint16_t *num, char *disk, size_t disklen,
			  struct err *e);
/* ---- clone_helpers.c ---- */
/* The programs this run will execute, each once, in the order they first
 * run: lvm (ALTKIT_LVM's path when set), then phase 1's: mkfs.fat, and
 * mkswap or e2fsprogs' tools as the planned filesystems need them (after
 * clone_prepare's plan; before it, c->src is empty). Up to max go into
 * list (static strings); returns how many there are. */
size_t clone_helpers(const struct clone *c, const char **list, size_t max);
/* The package a helper comes with ("lvm2", "dosfstools", "e2fsprogs",
 * "util-linux"), or NULL for a program altkit does not know. */
const char *clone_helper_package(const char *prog);
/* prog found as execvp would find it: 0, or -ENOENT / -EACCES with e:
 * "mkfs.fat is not installed (not found in PATH): it comes with dosfstools". */
int clone_helper_check(const char *prog, struct err *e);
/* clone_helper_check for each of clone_helpers(c): 0 or the first one
 * missing. */
int clone_check_helpers(const struct clone *c, struct err *e);

/* ---- the phases ---- */
int clone_phase1(struct clone *c, struct err *e);
int clone_phase2(struct clone *c, struct err *e);
int clone_phase3(struct clone *c, struct err *e);

/* clone.c: the phase table. */
struct clone_phase {
	int number;
	const char *name;       /* "customizing the clone" */
	int (*run)(struct clone *c, struct err *e);
};
/* Record a phase in altinst_rootvg's tags (add and/or delete). */
int clone_set_tag(const char *add, const char *del, struct err *e);
#endif
