/* Shared by extfs*.c; not for commands. */
#ifndef ALTKIT_EXTFS_INT_H
#define ALTKIT_EXTFS_INT_H

#include <ext2fs/ext2fs.h>

#include "extfs.h"

/* Never used, and commented out of ext2_fs.h; blkid still accepts it in ext3. */
#define RO_COMPAT_BTREE_DIR 0x0004

/* libext2fs error -> our int: -errno, -EXTFS_E_* or the negated com_err code
 * (EXT2_ET_* codes are below 2^31, so they fit). */
int extfs_errcode(errcode_t e);

/* ext2fs_open2 read-only (64-bit bitmaps, no MMP, an external journal device
 * refused with -EXTFS_E_JOURNAL_DEV). extra: more EXT2_FLAG_*. */
int extfs_open_ro(const char *dev, int extra, ext2_filsys *fs);

/* extfs.c */
/* "ext2", "ext3" or "ext4", as blkid names a filesystem with these features. */
const char *extfs_fs_type(uint32_t compat, uint32_t incompat, uint32_t ro_compat);
/* Blocks of per-group metadata: superblock and descriptor copies, reserved
 * descriptor blocks, two bitmaps, the inode table. */
uint64_t extfs_group_overhead(ext2_filsys fs);

/* extfs_plan.c: what mke2fs is to make */
struct plan {
	const struct extfs_params *src;
	char type[8];
	uint32_t rev;
	uint32_t compat, incompat, ro_compat;
	uint32_t bs, cluster, isz;
	uint64_t ratio;                 /* -i; 0: -N scaled from the source */
	double pct;
	uint32_t flex;                  /* -G when not 16; 0: default */
	uint32_t bpg;                   /* -g (clusters per group with bigalloc); 0: default */
	uint64_t journal_blocks;        /* -J size=; 0: mke2fs's default for the size */
	uint16_t desc_size;             /* -E desc_size; 0: default */
	int backups;                    /* -E num_backup_sb; -1: default */
};

/* What mke2fs would make of a plan at a size. */
struct sim {
	uint64_t blocks;                /* after mke2fs drops a too small last group */
	uint32_t inodes;
	uint64_t overhead;              /* per-group metadata blocks */
};

/* The plan for a copy of s as o asks (o->size_bytes: the target's size, or
 * 0). 0 or a negative code. */
int extfs_build_plan(const struct extfs_params *s, const struct extfs_mkfs_opts *o,
		     struct plan *pl);
/* A dry run of mke2fs with the plan at that many blocks. 0 or a negative code. */
int extfs_simulate(const struct plan *pl, uint64_t blocks, struct sim *out);
/* The inode count the plan gives at that many blocks. */
uint64_t extfs_plan_inodes(const struct plan *pl, uint64_t blocks);

#endif
