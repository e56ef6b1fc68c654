/* ext2/3/4 through libext2fs, for alt_disk_copy: read a source's parameters
 * (read-only; mounted, snapshot or image), build the mke2fs and tune2fs argvs
 * that recreate them on a target of any size (optionally as ext4), tell the
 * smallest target the used data fits in, and copy a filesystem block for
 * block, used blocks only, from its block bitmap.
 *
 * Library code: every function returns 0 (or a documented count) or a
 * negative error, never prints. An error is -errno, -EXTFS_E_*, or the
 * negated libext2fs/com_err code; extfs_strerror() names any of them. */
#ifndef ALTKIT_EXTFS_H
#define ALTKIT_EXTFS_H

#include <signal.h>
#include <stdint.h>

enum {
	EXTFS_E_BASE = 8192,
	EXTFS_E_NOT_EXT = EXTFS_E_BASE, /* no ext2/3/4 superblock */
	EXTFS_E_JOURNAL_DEV,            /* an external journal device, not a filesystem */
	EXTFS_E_FEATURE,                /* a feature mke2fs cannot set: extfs_unsupported_feature() */
	EXTFS_E_TOO_SMALL,              /* the target is smaller than the data (or the source) needs */
	EXTFS_E_MOUNTED_RW,             /* mounted read-write: a block copy would be torn */
	EXTFS_E_SAME,                   /* source and target are the same file or device */
	EXTFS_E_CHANGED,                /* the source's superblock changed while it was copied */
	EXTFS_E_NOT_BLOCK_OR_FILE,      /* the target is neither a block device nor a regular file */
	EXTFS_E_DAMAGED,                /* the source's superblock, descriptors or bitmaps do not
					   check: stats->damage says which */
};
/* The symbolic name of a libext2fs error code ("EXT2_ET_GDESC_BAD_BLOCK_MAP"),
 * or NULL for codes not in the table. */
const char *extfs_errname(long code);
/* Text of any error these functions return (err < 0 or > 0). */
const char *extfs_strerror(int err);

/* Mount state of a source when it was read. */
enum extfs_mounted { EXTFS_UNMOUNTED, EXTFS_MOUNTED_RO, EXTFS_MOUNTED_RW };

struct extfs_params {
	char type[8];                   /* "ext2", "ext3" or "ext4", as blkid and mount name it */
	uint32_t rev_level;             /* 0: the original (fixed 128-byte inodes, no features) */
	uint32_t block_size;
	uint32_t cluster_size;          /* = block_size unless bigalloc */
	uint32_t inode_size;
	uint64_t blocks_count;          /* the filesystem's size in blocks */
	uint64_t free_blocks;           /* incl. the reserved ones */
	uint64_t r_blocks_count;        /* reserved for root, exact */
	double reserved_pct;            /* r_blocks_count as -m wants it: see extfs_mkfs_argv */
	uint32_t inodes_count, free_inodes;
	uint64_t inode_ratio;           /* bytes per inode: size / inodes_count */
	uint32_t blocks_per_group, inodes_per_group, groups;
	uint32_t first_data_block;
	uint64_t used_bytes;            /* blocks in use x block size: what a used-block copy reads */
	uint64_t data_bytes;            /* used minus the metadata mke2fs makes (superblocks,
					   descriptors, bitmaps, inode tables, journal): what a
					   file-level copy has to place */
	uint32_t used_inodes;           /* incl. the reserved ones (1..first_ino-1) */
	uint32_t feature_compat, feature_incompat, feature_ro_compat;
	char label[17];                 /* s_volume_name, NUL-terminated */
	uint8_t uuid[16];
	uint32_t default_mntopts;       /* s_default_mount_opts (EXT2_DEFM_*) */
	char mount_opts[65];            /* s_mount_opts: extended default mount options */
	uint16_t errors;                /* 1 continue, 2 remount-ro, 3 panic */
	int16_t max_mnt_count;          /* <= 0: no check by mount count */
	uint32_t checkinterval;         /* seconds; 0: no check by time */
	uint16_t def_resuid, def_resgid;
	uint8_t def_hash_version;       /* htree hash: EXT2_HASH_* */
	uint64_t journal_bytes;         /* the internal journal's size (incl. fast commit area) */
	int journal_external;           /* has_journal with the journal on another device */
	uint16_t raid_stride;
	uint32_t raid_stripe_width;
	uint32_t flex_bg_size;          /* groups per flex group; 0 without flex_bg */
	uint16_t desc_size;             /* group descriptor size (64bit) */
	uint16_t encoding, encoding_flags;      /* casefold */
	uint32_t backup_bgs[2];         /* sparse_super2 */
	uint16_t mmp_update_interval;
	unsigned quota_types;           /* bit 0 usr, 1 grp, 2 prj: the quota inodes present */
	uint16_t state;                 /* s_state: EXT2_VALID_FS, EXT2_ERROR_FS */
	int needs_recovery;             /* the journal holds transactions not yet replayed */
	enum extfs_mounted mounted;
};

/* Read the parameters of DEV (a block device or an image file) without
 * writing anything: it may be mounted (then the free counts come from
 * statfs of its mount point, which are current, unlike the superblock's),
 * a read-only snapshot, or need journal recovery. */
int extfs_read_params(const char *dev, struct extfs_params *p);

/* The superblock's feature names, space-separated in dumpe2fs order. */
void extfs_features_string(uint32_t compat, uint32_t incompat, uint32_t ro_compat,
			   char *buf, size_t len);
/* Default mount options as names, space-separated ("" for none). */
void extfs_mntopts_string(uint32_t mntopts, char *buf, size_t len);
/* "continue", "remount-ro", "panic". */
const char *extfs_errors_string(uint16_t errors);

/* The first feature of p that mke2fs cannot recreate (e.g. "compression"),
 * or NULL. Transient and obsolete flags (needs_recovery, orphan_present,
 * read-only, shared_blocks, dir_prealloc, imagic_inodes, ...) are dropped
 * silently and never named here. */
const char *extfs_unsupported_feature(const struct extfs_params *p);

struct extfs_mkfs_opts {
	const char *device;             /* the target (last-but-one argument) */
	uint64_t size_bytes;            /* the filesystem size to make; 0: the whole device */
	int convert_to_ext4;            /* alt_disk_copy -T: an ext2/ext3 source becomes ext4 */
};

/* The argv (malloc'd, NULL-terminated; extfs_argv_free) of
 *   mke2fs -q -F -t TYPE -b BS [-C CLUSTER] -I ISIZE (-i RATIO | -N COUNT) -m PCT
 *          [-L LABEL] -O none,FEATURE,... [-G FLEX] [-g BPG] [-J size=MIB] [-E OPTS]
 *          -e ERRORS DEVICE [BLOCKS]
 * that recreates src on a target of o->size_bytes (smaller or larger than the
 * source): same block, cluster and inode sizes, bytes per inode, reserved
 * percentage (chosen so that a target of the source's size gets exactly its
 * reserved count), label, features exactly (-O none,...: mke2fs.conf adds
 * nothing), journal size when it is not mke2fs's default for the size,
 * RAID geometry, flex_bg size, casefold encoding, quota types, sparse_super2
 * backups, errors behaviour. mke2fs makes a new UUID.
 * With convert_to_ext4 an ext2/ext3 source gets the ext4 features of
 * initramfs/overlay/etc/mke2fs.conf (has_journal extent huge_file flex_bg
 * metadata_csum 64bit dir_nlink extra_isize, uninit_bg replaced by
 * metadata_csum; never orphan_file or metadata_csum_seed, which e2fsprogs
 * older than 1.47 cannot check) and 256-byte inodes if it had 128-byte ones
 * (nanosecond and post-2038 times, extra_isize). 64bit is also added when
 * the target has more than 2^32 blocks. argv[0] is "mke2fs".
 * -EXTFS_E_FEATURE: see extfs_unsupported_feature(). */
int extfs_mkfs_argv(const struct extfs_params *src, const struct extfs_mkfs_opts *o,
		    char ***argv);

/* What mke2fs cannot set, for tune2fs after it:
 *   tune2fs -o MNTOPTS [-c MAX] [-i INTERVALs] [-u UID] [-g GID]
 *           [-E hash_alg=H,mount_opts=STR] DEVICE
 * With made (the target's parameters read after mke2fs) only what differs is
 * set, else everything that may differ from mke2fs's defaults. *argv is NULL
 * when there is nothing to do. Returns 0, or 1 when src's mount_opts holds a
 * comma (tune2fs cannot pass one): call extfs_set_mount_opts() for it. */
int extfs_tune_argv(const struct extfs_params *src, const struct extfs_params *made,
		    const char *device, char ***argv);
/* Set s_mount_opts of an unmounted filesystem through libext2fs. */
int extfs_set_mount_opts(const char *device, const char *opts);

/* The smallest filesystem, in bytes, that extfs_mkfs_argv(src, o) can make
 * and a file-level copy of src's data and inodes fits in (like resize2fs -P):
 * the metadata mke2fs makes for that size (simulated with ext2fs_initialize),
 * its journal, src's data_bytes plus 2% and its used inodes. */
int extfs_min_size(const struct extfs_params *src, const struct extfs_mkfs_opts *o,
		   uint64_t *bytes);
/* 0 when o->size_bytes is at least extfs_min_size, else -EXTFS_E_TOO_SMALL;
 * *min (may be NULL) gets the minimum either way. */
int extfs_check_fit(const struct extfs_params *src, const struct extfs_mkfs_opts *o,
		    uint64_t *min);

/* Used-block copy. */
enum {
	EXTFS_COPY_DIRECT = 1u << 0,    /* O_DIRECT on both sides (page cache untouched) */
	EXTFS_COPY_NO_SYNC = 1u << 1,   /* no fdatasync of the target at the end */
};

struct extfs_copy_opts {
	unsigned flags;                 /* EXTFS_COPY_* */
	/* Called in the calling thread after each chunk written (every 4 MiB). */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *arg;
	/* When it becomes non-zero the copy stops with -ECANCELED (a signal
	 * handler may set it). NULL: never. */
	const volatile sig_atomic_t *cancel;
};

struct extfs_copy_stats {
	uint64_t fs_bytes;              /* the filesystem's size */
	uint64_t total;                 /* bytes to copy */
	uint64_t copied;                /* bytes copied so far */
	uint64_t runs;                  /* runs of used blocks (after merging small gaps) */
	int whole;                      /* the journal needed recovery, so the bitmaps may
					   be stale: every block was copied */
	uint64_t dst_bytes;             /* the target's size before the copy */
	char same_how[128];             /* -EXTFS_E_SAME: how they meet (samedev) */
	/* -EXTFS_E_DAMAGED: what does not check, and libext2fs's code for it */
	const char *damage;
	long damage_code;
	/* On an I/O error: where, and on which side. */
	uint64_t err_offset;
	int err_dst;                    /* 0: reading src, 1: writing dst */
};

/* Copy the filesystem on src to dst block for block, reading only the blocks
 * its block bitmap marks used (plus the first MiB, so that no stale
 * signature of another kind survives on dst): the result is the same
 * filesystem, same UUID. src is only read; it must not be mounted
 * read-write (-EXTFS_E_MOUNTED_RW): a read-only snapshot, an unmounted
 * device or image, or a read-only mount. When its journal needs recovery
 * every block is copied (stats->whole) and the kernel replays the journal
 * when the copy is mounted. dst (a block device, opened O_EXCL, or a regular
 * file, grown only when empty) must hold at least src's size
 * (-EXTFS_E_TOO_SMALL); free blocks on a block device keep what they held.
 * -EXTFS_E_CHANGED when src's superblock changed during the copy.
 * -EXTFS_E_DAMAGED when src's superblock counts, group descriptors
 * (ext2fs_check_desc) or bitmaps (ext2fs_read_bitmaps) do not check, or it
 * is shorter than its filesystem: nothing is written then.
 * Afterwards see extfs_postcopy_argvs(). o and st may be NULL. */
int extfs_copy_used_blocks(const char *src, const char *dst, const struct extfs_copy_opts *o,
			   struct extfs_copy_stats *st);

/* tune2fs -U random|UUID DEVICE: a new UUID for a block copy. Returns 0, or 1
 * when the filesystem has metadata_csum (or ea_inode) without
 * metadata_csum_seed: then tune2fs rewrites every checksum (time grows with
 * the metadata, about an e2fsck -f) and refuses unless e2fsck -f ran since the
 * last mount, so run extfs_fsck_argv() first. uuid NULL: random. */
int extfs_new_uuid_argv(const struct extfs_params *src, const char *device, const char *uuid,
			char ***argv);
/* e2fsck -f -p DEVICE */
int extfs_fsck_argv(const char *device, char ***argv);
/* resize2fs DEVICE [SIZE]: grow a block copy to fill a larger target
 * (size_bytes 0: the whole device). Needs a fresh e2fsck -f. */
int extfs_resize_argv(const char *device, uint64_t size_bytes, char ***argv);
/* The commands to run in order after extfs_copy_used_blocks(src -> device):
 * [e2fsck -f -p] when tune2fs or resize2fs needs it, [tune2fs -U uuid|random]
 * when new_uuid, [resize2fs] when target_bytes > src's size. A NULL-terminated
 * list of argvs (extfs_argvs_free); it may be empty. */
int extfs_postcopy_argvs(const struct extfs_params *src, const char *device,
			 uint64_t target_bytes, int new_uuid, const char *uuid, char ****argvs);

void extfs_argv_free(char **argv);
void extfs_argvs_free(char ***argvs);

#endif
