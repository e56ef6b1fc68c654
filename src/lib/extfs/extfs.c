/* ext2/3/4 parameters through libext2fs, and the mke2fs/tune2fs argvs that
 * recreate them. See extfs.h. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <e2p/e2p.h>
#include <et/com_err.h>
#include <ext2fs/ext2fs.h>

#include "extfs.h"
#include "extfs_int.h"
#include "xalloc.h"

/* Never used, and commented out of ext2_fs.h; blkid still accepts it in ext3. */
#define RO_COMPAT_BTREE_DIR 0x0004

/* ---- errors ---------------------------------------------------------- */

int extfs_errcode(errcode_t e)
{
	if (e == 0)
		return 0;
	if (e == EXT2_ET_BAD_MAGIC)
		return -EXTFS_E_NOT_EXT;
	if (e > 0 && e < INT_MAX)
		return -(int)e;
	return -EIO;
}

const char *extfs_strerror(int err)
{
	static int tables;
	long e = err < 0 ? -(long)err : err;
	switch (e) {
	case EXTFS_E_NOT_EXT:
		return "not an ext2/3/4 filesystem";
	case EXTFS_E_JOURNAL_DEV:
		return "an external journal device, not a filesystem";
	case EXTFS_E_FEATURE:
		return "a feature mke2fs cannot recreate";
	case EXTFS_E_TOO_SMALL:
		return "too small";
	case EXTFS_E_MOUNTED_RW:
		return "mounted read-write (a block copy needs a snapshot or a read-only mount)";
	case EXTFS_E_SAME:
		return "source and target are the same";
	case EXTFS_E_CHANGED:
		return "the source changed while it was copied";
	case EXTFS_E_NOT_BLOCK_OR_FILE:
		return "neither a block device nor a regular file";
	}
	if (e < 4096)
		return strerror((int)e);
	if (!tables) {
		initialize_ext2_error_table();
		tables = 1;
	}
	return error_message((errcode_t)e);
}

/* ---- opening ---------------------------------------------------------- */

int extfs_open_ro(const char *dev, int extra, ext2_filsys *fs)
{
	struct stat st;
	if (stat(dev, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	/* A file shorter than the primary superblock's end holds none. */
	if (S_ISREG(st.st_mode) && st.st_size < 2048)
		return -EXTFS_E_NOT_EXT;
	errcode_t e = ext2fs_open2(dev, NULL,
				   EXT2_FLAG_64BITS | EXT2_FLAG_SKIP_MMP |
				   EXT2_FLAG_JOURNAL_DEV_OK | extra,
				   0, 0, unix_io_manager, fs);
	if (e == EXT2_ET_SHORT_READ || e == EXT2_ET_CORRUPT_SUPERBLOCK ||
	    e == EXT2_ET_UNEXPECTED_BLOCK_SIZE)
		return -EXTFS_E_NOT_EXT;
	if (e)
		return extfs_errcode(e);
	if (ext2fs_has_feature_journal_dev((*fs)->super)) {
		ext2fs_close_free(fs);
		return -EXTFS_E_JOURNAL_DEV;
	}
	return 0;
}

/* ---- names ------------------------------------------------------------ */

static void append(char *buf, size_t len, const char *word)
{
	size_t n = strlen(buf);
	if (n + 1 >= len)
		return;
	snprintf(buf + n, len - n, "%s%s", n ? " " : "", word);
}

void extfs_features_string(uint32_t compat, uint32_t incompat, uint32_t ro_compat,
			   char *buf, size_t len)
{
	/* dumpe2fs order: compat, incompat, ro_compat; each by bit. */
	const uint32_t f[3] = { compat, incompat, ro_compat };
	buf[0] = 0;
	for (int t = 0; t < 3; t++)
		for (int b = 0; b < 32; b++)
			if (f[t] & (1u << b))
				append(buf, len, e2p_feature2string(t, 1u << b));
}

void extfs_mntopts_string(uint32_t mntopts, char *buf, size_t len)
{
	buf[0] = 0;
	for (int b = 0; b < 32; b++) {
		uint32_t m = 1u << b;
		if (m & EXT3_DEFM_JMODE)
			continue;
		if (mntopts & m)
			append(buf, len, e2p_mntopt2string(m));
	}
	if (mntopts & EXT3_DEFM_JMODE)
		append(buf, len, e2p_mntopt2string(mntopts & EXT3_DEFM_JMODE));
}

const char *extfs_errors_string(uint16_t errors)
{
	switch (errors) {
	case EXT2_ERRORS_CONTINUE:
		return "continue";
	case EXT2_ERRORS_RO:
		return "remount-ro";
	case EXT2_ERRORS_PANIC:
		return "panic";
	}
	return "unknown";
}

/* ---- reading ---------------------------------------------------------- */

/* What blkid (and so mount) calls it: a feature ext3 lacks makes ext4, a
 * journal makes ext3. */
static const char *fs_type(uint32_t compat, uint32_t incompat, uint32_t ro_compat)
{
	const uint32_t ext3_ro = EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER |
				 EXT2_FEATURE_RO_COMPAT_LARGE_FILE |
				 RO_COMPAT_BTREE_DIR;
	const uint32_t ext3_in = EXT2_FEATURE_INCOMPAT_FILETYPE |
				 EXT3_FEATURE_INCOMPAT_RECOVER |
				 EXT2_FEATURE_INCOMPAT_META_BG;
	if ((ro_compat & ~ext3_ro) || (incompat & ~ext3_in))
		return "ext4";
	if (compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL)
		return "ext3";
	return "ext2";
}

/* The -m value, with as few decimals as reproduce r reserved blocks of
 * blocks exactly the way mke2fs computes them (ratio * blocks / 100.0,
 * truncated, the ratio read back with strtod). */
static double reserved_pct(uint64_t r, uint64_t blocks)
{
	if (!blocks || !r)
		return 0;
	double exact = 100.0 * (double)r / (double)blocks;
	char buf[40];
	for (int d = 0; d <= 9; d++) {
		for (int up = 0; up < 2; up++) {
			double scale = pow(10, d);
			double v = up ? ceil(exact * scale) / scale : round(exact * scale) / scale;
			snprintf(buf, sizeof(buf), "%.*f", d, v);
			double x = strtod(buf, NULL);
			if (x <= 50 && (uint64_t)(x * (double)blocks / 100.0) == r)
				return x;
		}
	}
	return exact > 50 ? 50 : exact;
}

/* Blocks of per-group metadata: superblock and descriptor copies, reserved
 * descriptor blocks, two bitmaps, the inode table. */
static uint64_t group_overhead(ext2_filsys fs)
{
	uint64_t sum = 0;
	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		blk64_t sb, od, nd;
		blk_t used = 0;
		ext2fs_super_and_bgd_loc2(fs, g, &sb, &od, &nd, &used);
		sum += used + 2 + fs->inode_blocks_per_group;
	}
	return sum;
}

int extfs_read_params(const char *dev, struct extfs_params *p)
{
	memset(p, 0, sizeof(*p));
	int mflags = 0;
	char mtpt[PATH_MAX] = "";
	if (ext2fs_check_mount_point(dev, &mflags, mtpt, sizeof(mtpt)) != 0)
		mflags = 0;
	int mounted = (mflags & EXT2_MF_MOUNTED) != 0;
	p->mounted = !mounted ? EXTFS_UNMOUNTED :
		     (mflags & EXT2_MF_READONLY) ? EXTFS_MOUNTED_RO : EXTFS_MOUNTED_RW;

	/* A mounted filesystem's metadata may be caught mid-update: its
	 * parameters are still good, so do not fail on a checksum. */
	ext2_filsys fs;
	int rc = extfs_open_ro(dev, mounted ? EXT2_FLAG_IGNORE_CSUM_ERRORS : 0, &fs);
	if (rc)
		return rc;
	struct ext2_super_block *sb = fs->super;

	p->rev_level = sb->s_rev_level;
	p->block_size = fs->blocksize;
	p->cluster_size = EXT2_CLUSTER_SIZE(sb);
	p->inode_size = EXT2_INODE_SIZE(sb);
	p->blocks_count = ext2fs_blocks_count(sb);
	p->r_blocks_count = ext2fs_r_blocks_count(sb);
	p->reserved_pct = reserved_pct(p->r_blocks_count, p->blocks_count);
	p->inodes_count = sb->s_inodes_count;
	p->blocks_per_group = sb->s_blocks_per_group;
	p->inodes_per_group = sb->s_inodes_per_group;
	p->groups = fs->group_desc_count;
	p->first_data_block = sb->s_first_data_block;
	p->feature_compat = sb->s_feature_compat;
	p->feature_incompat = sb->s_feature_incompat;
	p->feature_ro_compat = sb->s_feature_ro_compat;
	snprintf(p->type, sizeof(p->type), "%s",
		 fs_type(p->feature_compat, p->feature_incompat, p->feature_ro_compat));
	memcpy(p->label, sb->s_volume_name, sizeof(sb->s_volume_name));
	p->label[sizeof(sb->s_volume_name)] = 0;
	memcpy(p->uuid, sb->s_uuid, 16);
	p->default_mntopts = sb->s_default_mount_opts;
	memcpy(p->mount_opts, sb->s_mount_opts, sizeof(sb->s_mount_opts));
	p->mount_opts[sizeof(sb->s_mount_opts)] = 0;
	p->errors = sb->s_errors;
	p->max_mnt_count = (int16_t)sb->s_max_mnt_count;
	p->checkinterval = sb->s_checkinterval;
	p->def_resuid = sb->s_def_resuid;
	p->def_resgid = sb->s_def_resgid;
	p->def_hash_version = sb->s_def_hash_version;
	p->raid_stride = sb->s_raid_stride;
	p->raid_stripe_width = sb->s_raid_stripe_width;
	if (ext2fs_has_feature_flex_bg(sb))
		p->flex_bg_size = 1u << sb->s_log_groups_per_flex;
	p->desc_size = ext2fs_has_feature_64bit(sb) ? sb->s_desc_size : 0;
	p->encoding = sb->s_encoding;
	p->encoding_flags = sb->s_encoding_flags;
	p->backup_bgs[0] = sb->s_backup_bgs[0];
	p->backup_bgs[1] = sb->s_backup_bgs[1];
	p->mmp_update_interval = sb->s_mmp_update_interval;
	p->quota_types = (sb->s_usr_quota_inum ? 1u : 0) | (sb->s_grp_quota_inum ? 2u : 0) |
			 (sb->s_prj_quota_inum ? 4u : 0);
	p->state = sb->s_state;
	p->needs_recovery = ext2fs_has_feature_journal_needs_recovery(sb);

	/* Free counts: the group descriptors' (the superblock's lag behind on
	 * a mounted filesystem), or statfs's where it is mounted (current). */
	uint64_t free_clusters = 0, free_inodes = 0;
	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		free_clusters += ext2fs_bg_free_blocks_count(fs, g);
		free_inodes += ext2fs_bg_free_inodes_count(fs, g);
	}
	p->free_blocks = EXT2FS_C2B(fs, free_clusters);
	p->free_inodes = (uint32_t)free_inodes;
	struct statfs sf;
	if (mounted && mtpt[0] && statfs(mtpt, &sf) == 0 && sf.f_bsize == (long)fs->blocksize &&
	    (uint64_t)sf.f_bfree <= p->blocks_count && (uint64_t)sf.f_ffree <= p->inodes_count) {
		p->free_blocks = sf.f_bfree;
		p->free_inodes = (uint32_t)sf.f_ffree;
	}
	if (p->free_blocks > p->blocks_count)
		p->free_blocks = p->blocks_count;
	if (p->free_inodes > p->inodes_count)
		p->free_inodes = p->inodes_count;
	p->used_inodes = p->inodes_count - p->free_inodes;
	p->inode_ratio = p->inodes_count ?
		(p->blocks_count * p->block_size + p->inodes_count / 2) / p->inodes_count : 0;

	/* The journal (an inode; 0 when it is on another device). */
	uint64_t journal_all = 0;
	if (ext2fs_has_feature_journal(sb)) {
		struct ext2_inode ji;
		if (sb->s_journal_inum == 0)
			p->journal_external = 1;
		else if (ext2fs_read_inode(fs, sb->s_journal_inum, &ji) == 0) {
			p->journal_bytes = EXT2_I_SIZE(&ji);
			journal_all = ext2fs_get_stat_i_blocks(fs, &ji) * 512 / fs->blocksize;
		}
	}

	uint64_t used = p->blocks_count - p->free_blocks;
	p->used_bytes = used * p->block_size;
	uint64_t meta = group_overhead(fs) + journal_all +
			(ext2fs_has_feature_resize_inode(sb) ? 1 : 0);
	p->data_bytes = used > meta ? (used - meta) * p->block_size : 0;

	ext2fs_close_free(&fs);
	return 0;
}

/* ---- what mke2fs can set ---------------------------------------------- */

/* misc/mke2fs.c ok_features (1.47.0). */
#define MKE2FS_COMPAT (EXT3_FEATURE_COMPAT_HAS_JOURNAL | EXT2_FEATURE_COMPAT_RESIZE_INODE | \
		       EXT2_FEATURE_COMPAT_DIR_INDEX | EXT2_FEATURE_COMPAT_EXT_ATTR | \
		       EXT4_FEATURE_COMPAT_SPARSE_SUPER2 | EXT4_FEATURE_COMPAT_FAST_COMMIT | \
		       EXT4_FEATURE_COMPAT_STABLE_INODES | EXT4_FEATURE_COMPAT_ORPHAN_FILE)
#define MKE2FS_INCOMPAT (EXT2_FEATURE_INCOMPAT_FILETYPE | EXT3_FEATURE_INCOMPAT_EXTENTS | \
			 EXT2_FEATURE_INCOMPAT_META_BG | EXT4_FEATURE_INCOMPAT_FLEX_BG | \
			 EXT4_FEATURE_INCOMPAT_EA_INODE | EXT4_FEATURE_INCOMPAT_MMP | \
			 EXT4_FEATURE_INCOMPAT_64BIT | EXT4_FEATURE_INCOMPAT_INLINE_DATA | \
			 EXT4_FEATURE_INCOMPAT_ENCRYPT | EXT4_FEATURE_INCOMPAT_CASEFOLD | \
			 EXT4_FEATURE_INCOMPAT_CSUM_SEED | EXT4_FEATURE_INCOMPAT_LARGEDIR)
#define MKE2FS_RO_COMPAT (EXT2_FEATURE_RO_COMPAT_LARGE_FILE | EXT4_FEATURE_RO_COMPAT_HUGE_FILE | \
			  EXT4_FEATURE_RO_COMPAT_DIR_NLINK | EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE | \
			  EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT4_FEATURE_RO_COMPAT_GDT_CSUM | \
			  EXT4_FEATURE_RO_COMPAT_BIGALLOC | EXT4_FEATURE_RO_COMPAT_QUOTA | \
			  EXT4_FEATURE_RO_COMPAT_METADATA_CSUM | EXT4_FEATURE_RO_COMPAT_PROJECT | \
			  EXT4_FEATURE_RO_COMPAT_VERITY)
/* State, not a property of the filesystem's design, or long obsolete: not
 * carried over. Compat features mke2fs cannot set are all of this kind. */
#define DROP_INCOMPAT EXT3_FEATURE_INCOMPAT_RECOVER
#define DROP_RO_COMPAT (EXT4_FEATURE_RO_COMPAT_READONLY | EXT4_FEATURE_RO_COMPAT_SHARED_BLOCKS | \
			EXT4_FEATURE_RO_COMPAT_ORPHAN_PRESENT | RO_COMPAT_BTREE_DIR)

/* The ext4 of initramfs/overlay/etc/mke2fs.conf: base_features and
 * fs_types.ext4.features (which leave out orphan_file and metadata_csum_seed). */
#define CONV_COMPAT (EXT2_FEATURE_COMPAT_RESIZE_INODE | EXT2_FEATURE_COMPAT_DIR_INDEX | \
		     EXT2_FEATURE_COMPAT_EXT_ATTR | EXT3_FEATURE_COMPAT_HAS_JOURNAL)
#define CONV_INCOMPAT (EXT2_FEATURE_INCOMPAT_FILETYPE | EXT3_FEATURE_INCOMPAT_EXTENTS | \
		       EXT4_FEATURE_INCOMPAT_FLEX_BG | EXT4_FEATURE_INCOMPAT_64BIT)
#define CONV_RO_COMPAT (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE | \
			EXT4_FEATURE_RO_COMPAT_HUGE_FILE | EXT4_FEATURE_RO_COMPAT_METADATA_CSUM | \
			EXT4_FEATURE_RO_COMPAT_DIR_NLINK | EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE)

const char *extfs_unsupported_feature(const struct extfs_params *p)
{
	uint32_t in = p->feature_incompat & ~DROP_INCOMPAT & ~MKE2FS_INCOMPAT;
	uint32_t ro = p->feature_ro_compat & ~DROP_RO_COMPAT & ~MKE2FS_RO_COMPAT;
	for (int b = 0; b < 32; b++) {
		if (in & (1u << b))
			return e2p_feature2string(E2P_FEATURE_INCOMPAT, 1u << b);
		if (ro & (1u << b))
			return e2p_feature2string(E2P_FEATURE_RO_INCOMPAT, 1u << b);
	}
	return NULL;
}

/* ---- the target: a plan, and a dry run of mke2fs's layout -------------- */

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

struct sim {
	uint64_t blocks;                /* after mke2fs drops a too small last group */
	uint32_t inodes;
	uint64_t overhead;              /* per-group metadata blocks */
};

static int ilog2(uint64_t v)
{
	int l = 0;
	while (v > 1) {
		v >>= 1;
		l++;
	}
	return l;
}

static uint64_t plan_inodes(const struct plan *pl, uint64_t blocks)
{
	if (pl->ratio)
		return blocks * pl->bs / pl->ratio;
	const struct extfs_params *s = pl->src;
	return s->blocks_count ? (uint64_t)s->inodes_count * blocks / s->blocks_count : 0;
}

/* ext2fs_initialize with what mke2fs would pass it: the block and inode
 * counts and the metadata of the filesystem it would make. Nothing is
 * written (the io channel is /dev/null and never flushed). */
static int simulate(const struct plan *pl, uint64_t blocks, struct sim *out)
{
	struct ext2_super_block param;
	memset(&param, 0, sizeof(param));
	param.s_rev_level = pl->rev;
	ext2fs_blocks_count_set(&param, blocks);
	param.s_log_block_size = (uint32_t)ilog2(pl->bs >> 10);
	param.s_log_cluster_size = (uint32_t)ilog2(pl->cluster >> 10);
	param.s_feature_compat = pl->compat;
	param.s_feature_incompat = pl->incompat;
	param.s_feature_ro_compat = pl->ro_compat;
	if (pl->rev)
		param.s_inode_size = (uint16_t)pl->isz;
	if (pl->incompat & EXT4_FEATURE_INCOMPAT_64BIT)
		param.s_desc_size = pl->desc_size ? pl->desc_size : EXT2_MIN_DESC_SIZE_64BIT;
	if (pl->incompat & EXT4_FEATURE_INCOMPAT_FLEX_BG)
		param.s_log_groups_per_flex = (uint8_t)ilog2(pl->flex ? pl->flex : 16);
	if (pl->bpg) {
		if (pl->ro_compat & EXT4_FEATURE_RO_COMPAT_BIGALLOC)
			param.s_clusters_per_group = pl->bpg;
		else
			param.s_blocks_per_group = pl->bpg;
	}
	uint64_t n = plan_inodes(pl, blocks);
	if (n > 0xffffffffull) {
		if (!(pl->incompat & EXT4_FEATURE_INCOMPAT_64BIT))
			return -EFBIG;
		n = 0xffffffffull;
	}
	param.s_inodes_count = (uint32_t)n;
	if (n * (pl->isz ? pl->isz : 128) >= blocks * pl->bs)
		return -EXTFS_E_TOO_SMALL;
	ext2fs_r_blocks_count_set(&param, (blk64_t)(pl->pct * (double)blocks / 100.0));
	if (pl->compat & EXT4_FEATURE_COMPAT_SPARSE_SUPER2) {
		int nb = pl->backups < 0 ? 2 : pl->backups;
		if (nb >= 1)
			param.s_backup_bgs[0] = 1;
		if (nb >= 2)
			param.s_backup_bgs[1] = ~0u;
	}
	ext2_filsys fs;
	errcode_t e = ext2fs_initialize("/dev/null", EXT2_FLAG_64BITS, &param, unix_io_manager, &fs);
	if (e == EXT2_ET_TOOSMALL || e == EXT2_ET_TOO_MANY_INODES)
		return -EXTFS_E_TOO_SMALL;
	if (e)
		return extfs_errcode(e);
	out->blocks = ext2fs_blocks_count(fs->super);
	out->inodes = fs->super->s_inodes_count;
	out->overhead = group_overhead(fs);
	ext2fs_free(fs);
	return 0;
}

/* mke2fs's journal for a filesystem of that many blocks (0: none). */
static uint64_t journal_for(const struct plan *pl, uint64_t blocks)
{
	if (!(pl->compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL))
		return 0;
	if (pl->journal_blocks)
		return pl->journal_blocks;
	int j = ext2fs_default_journal_size(blocks);
	if (j < 0)
		return 0;
	uint64_t total = (uint64_t)j;
	if (pl->compat & EXT4_FEATURE_COMPAT_FAST_COMMIT)
		total += (uint64_t)j / EXT2_JOURNAL_TO_FC_BLKS_RATIO;
	return total;
}

static int build_plan(const struct extfs_params *s, const struct extfs_mkfs_opts *o,
		      struct plan *pl)
{
	memset(pl, 0, sizeof(*pl));
	pl->src = s;
	if (extfs_unsupported_feature(s))
		return -EXTFS_E_FEATURE;
	pl->rev = s->rev_level;
	pl->compat = s->feature_compat & MKE2FS_COMPAT;
	pl->incompat = s->feature_incompat & ~DROP_INCOMPAT;
	pl->ro_compat = s->feature_ro_compat & ~DROP_RO_COMPAT;
	pl->bs = s->block_size;
	pl->cluster = s->cluster_size;
	pl->isz = s->inode_size;
	pl->pct = s->reserved_pct;
	pl->backups = -1;
	if (pl->incompat & EXT4_FEATURE_INCOMPAT_FLEX_BG && s->flex_bg_size != 16)
		pl->flex = s->flex_bg_size;
	uint32_t def_cpg = s->block_size * 8;
	uint32_t cpg = s->blocks_per_group / (s->cluster_size / s->block_size);
	if (cpg != def_cpg)
		pl->bpg = cpg;
	if ((pl->incompat & EXT4_FEATURE_INCOMPAT_64BIT) && s->desc_size &&
	    s->desc_size != EXT2_MIN_DESC_SIZE_64BIT)
		pl->desc_size = s->desc_size;
	if (pl->compat & EXT4_FEATURE_COMPAT_SPARSE_SUPER2)
		pl->backups = (s->backup_bgs[0] != 0) + (s->backup_bgs[1] != 0);

	/* Bytes per inode: the value -i most likely had (a power of two, a
	 * multiple of 1 KiB) when it gives the source's inode count again at
	 * the source's size; else the exact count, scaled to the target (-N). */
	if (s->inodes_count && s->rev_level) {
		uint64_t bytes = s->blocks_count * s->block_size;
		uint64_t lo = (bytes + s->inodes_count - 1) / s->inodes_count;
		uint64_t p2 = 1;
		while (p2 < lo)
			p2 <<= 1;
		uint64_t cand[3] = { p2, (lo + 1023) / 1024 * 1024, lo };
		for (int i = 0; i < 3 && !pl->ratio; i++) {
			if (cand[i] < EXT2_MIN_BLOCK_SIZE || cand[i] > EXT2_MAX_BLOCK_SIZE * 1024ull)
				continue;
			struct sim sm;
			pl->ratio = cand[i];
			if (simulate(pl, s->blocks_count, &sm) != 0 || sm.inodes != s->inodes_count)
				pl->ratio = 0;
		}
	}

	/* The journal: the source's size when it was not mke2fs's default. */
	if ((pl->compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL) && s->journal_bytes) {
		struct plan dflt = *pl;
		dflt.journal_blocks = 0;
		uint64_t jb = s->journal_bytes / s->block_size;
		if (jb != journal_for(&dflt, s->blocks_count))
			pl->journal_blocks = jb;
	}

	if (o->convert_to_ext4 && strcmp(s->type, "ext4") != 0) {
		pl->compat |= CONV_COMPAT;
		pl->incompat |= CONV_INCOMPAT;
		pl->ro_compat |= CONV_RO_COMPAT;
		if (pl->incompat & EXT2_FEATURE_INCOMPAT_META_BG)
			pl->compat &= ~EXT2_FEATURE_COMPAT_RESIZE_INODE;
		if (pl->rev == EXT2_GOOD_OLD_REV)
			pl->rev = EXT2_DYNAMIC_REV;
		/* ext4's own inode fields (extra_isize: nanoseconds, creation
		 * time, dates past 2038) need more than 128 bytes. */
		if (pl->isz < 256)
			pl->isz = 256;
	}
	if (pl->ro_compat & EXT4_FEATURE_RO_COMPAT_METADATA_CSUM)
		pl->ro_compat &= ~EXT4_FEATURE_RO_COMPAT_GDT_CSUM;
	uint64_t blocks = o->size_bytes / pl->bs;
	if (blocks > 0xffffffffull && !(pl->incompat & EXT4_FEATURE_INCOMPAT_64BIT)) {
		if (!(pl->incompat & EXT3_FEATURE_INCOMPAT_EXTENTS))
			return -EFBIG;
		pl->incompat |= EXT4_FEATURE_INCOMPAT_64BIT;
	}
	if (blocks > 0xffffffffull)
		pl->compat &= ~EXT2_FEATURE_COMPAT_RESIZE_INODE;
	snprintf(pl->type, sizeof(pl->type), "%s", fs_type(pl->compat, pl->incompat, pl->ro_compat));
	return 0;
}

/* Blocks a file-level copy of the source needs beyond the metadata: its
 * data, 2% for directories and extent trees laid out anew, a few for the
 * root directory, lost+found, the resize inode and quota files, the journal,
 * and the clusters ext4 keeps back from everyone, root too, with extents
 * (s_resv_clusters: 2% up to 4096 clusters). Root's reserved blocks
 * (-m) are not kept free: the copy runs as root. */
static uint64_t data_needed(const struct plan *pl, uint64_t blocks)
{
	uint64_t d = (pl->src->data_bytes + pl->bs - 1) / pl->bs;
	uint64_t j = journal_for(pl, blocks);
	uint64_t jmap = j ? j / (pl->bs / 4) + 3 : 0;
	uint64_t resv = 0;
	if (pl->incompat & EXT3_FEATURE_INCOMPAT_EXTENTS) {
		uint64_t ratio = pl->cluster / pl->bs;
		resv = blocks / ratio / 50;
		if (resv > 4096)
			resv = 4096;
		resv *= ratio;
	}
	return d + d / 50 + 64 + j + jmap + resv;
}

static int fits(const struct plan *pl, uint64_t blocks)
{
	struct sim sm;
	int rc = simulate(pl, blocks, &sm);
	if (rc)
		return rc == -EXTFS_E_TOO_SMALL ? 0 : rc;
	if (sm.inodes < pl->src->used_inodes)
		return 0;
	if ((pl->compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL) && !journal_for(pl, sm.blocks))
		return 0;       /* too small for a journal: mke2fs would leave it out */
	return sm.blocks > sm.overhead && sm.blocks - sm.overhead >= data_needed(pl, sm.blocks);
}

int extfs_min_size(const struct extfs_params *src, const struct extfs_mkfs_opts *o,
		   uint64_t *bytes)
{
	struct extfs_mkfs_opts oo = *o;
	oo.size_bytes = 0;
	struct plan pl;
	int rc = build_plan(src, &oo, &pl);
	if (rc)
		return rc;
	uint64_t lo = 0, hi = src->blocks_count ? src->blocks_count : 1024;
	for (;;) {
		rc = fits(&pl, hi);
		if (rc < 0)
			return rc;
		if (rc)
			break;
		lo = hi;
		if (hi > (1ull << 48))
			return -EFBIG;
		hi *= 2;
	}
	/* lo does not fit (or is 0), hi does. */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		rc = fits(&pl, mid);
		if (rc < 0)
			return rc;
		if (rc)
			hi = mid;
		else
			lo = mid;
	}
	*bytes = hi * pl.bs;
	return 0;
}

int extfs_check_fit(const struct extfs_params *src, const struct extfs_mkfs_opts *o,
		    uint64_t *min)
{
	uint64_t m;
	int rc = extfs_min_size(src, o, &m);
	if (rc)
		return rc;
	if (min)
		*min = m;
	return o->size_bytes >= m ? 0 : -EXTFS_E_TOO_SMALL;
}

/* ---- argv building ----------------------------------------------------- */

struct argv_buf {
	char **v;
	size_t n, cap;
};

static void push(struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void push(struct argv_buf *a, const char *fmt, ...)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xrealloc(a->v, a->cap * sizeof(char *));
	}
	va_list ap;
	va_start(ap, fmt);
	char tmp[1];
	int len = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	char *s = xmalloc((size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

/* Append ",word" (or "word") to a comma-separated list. */
static void list_add(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void list_add(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	if (n && n + 1 < len)
		buf[n++] = ',', buf[n] = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

void extfs_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

void extfs_argvs_free(char ***argvs)
{
	if (!argvs)
		return;
	for (char ***p = argvs; *p; p++)
		extfs_argv_free(*p);
	free(argvs);
}

static void fmt_pct(double pct, char *buf, size_t len)
{
	snprintf(buf, len, "%.10g", pct);
}

int extfs_mkfs_argv(const struct extfs_params *src, const struct extfs_mkfs_opts *o,
		    char ***argv)
{
	*argv = NULL;
	struct plan pl;
	int rc = build_plan(src, o, &pl);
	if (rc)
		return rc;
	uint64_t blocks = o->size_bytes / pl.bs;

	/* A journal size of the source's own that the target has no room for
	 * (mke2fs wants it at most half the free blocks): mke2fs's default. */
	if (pl.journal_blocks && blocks) {
		struct sim sm;
		if (simulate(&pl, blocks, &sm) == 0 &&
		    pl.journal_blocks > (sm.blocks - sm.overhead) / 2)
			pl.journal_blocks = 0;
	}

	struct argv_buf a = { 0 };
	char buf[512];
	push(&a, "mke2fs");
	push(&a, "-q");
	push(&a, "-F");
	push(&a, "-t");
	push(&a, "%s", pl.type);
	push(&a, "-b");
	push(&a, "%u", pl.bs);
	if (pl.ro_compat & EXT4_FEATURE_RO_COMPAT_BIGALLOC) {
		push(&a, "-C");
		push(&a, "%u", pl.cluster);
	}
	if (pl.rev == EXT2_GOOD_OLD_REV) {
		push(&a, "-r");
		push(&a, "0");
	} else {
		push(&a, "-I");
		push(&a, "%u", pl.isz);
	}
	if (pl.ratio) {
		push(&a, "-i");
		push(&a, "%llu", (unsigned long long)pl.ratio);
	} else {
		uint64_t n = plan_inodes(&pl, blocks ? blocks : src->blocks_count);
		push(&a, "-N");
		push(&a, "%llu", (unsigned long long)n);
	}
	push(&a, "-m");
	fmt_pct(pl.pct, buf, sizeof(buf));
	push(&a, "%s", buf);
	if (src->label[0]) {
		push(&a, "-L");
		push(&a, "%s", src->label);
	}
	if (pl.rev != EXT2_GOOD_OLD_REV) {
		char feats[512] = "none";
		const uint32_t f[3] = { pl.compat, pl.incompat, pl.ro_compat };
		for (int t = 0; t < 3; t++)
			for (int b = 0; b < 32; b++)
				if (f[t] & (1u << b))
					list_add(feats, sizeof(feats), "%s",
						 e2p_feature2string(t, 1u << b));
		push(&a, "-O");
		push(&a, "%s", feats);
	}
	if (pl.flex) {
		push(&a, "-G");
		push(&a, "%u", pl.flex);
	}
	if (pl.bpg) {
		push(&a, "-g");
		push(&a, "%u", pl.bpg);
	}
	if (pl.journal_blocks) {
		uint64_t mib = (pl.journal_blocks * pl.bs + (1 << 20) - 1) >> 20;
		if (pl.compat & EXT4_FEATURE_COMPAT_FAST_COMMIT)
			mib = mib * EXT2_JOURNAL_TO_FC_BLKS_RATIO / (EXT2_JOURNAL_TO_FC_BLKS_RATIO + 1);
		push(&a, "-J");
		push(&a, "size=%llu", (unsigned long long)(mib ? mib : 1));
	}
	buf[0] = 0;
	if (src->raid_stride)
		list_add(buf, sizeof(buf), "stride=%u", src->raid_stride);
	if (src->raid_stripe_width)
		list_add(buf, sizeof(buf), "stripe_width=%u", src->raid_stripe_width);
	if (pl.backups >= 0)
		list_add(buf, sizeof(buf), "num_backup_sb=%d", pl.backups);
	if (pl.desc_size)
		list_add(buf, sizeof(buf), "desc_size=%u", pl.desc_size);
	if ((pl.incompat & EXT4_FEATURE_INCOMPAT_MMP) && src->mmp_update_interval)
		list_add(buf, sizeof(buf), "mmp_update_interval=%u", src->mmp_update_interval);
	if (pl.incompat & EXT4_FEATURE_INCOMPAT_CASEFOLD) {
		const char *enc = e2p_encoding2str(src->encoding);
		if (enc)
			list_add(buf, sizeof(buf), "encoding=%s", enc);
		if (src->encoding_flags & EXT4_ENC_STRICT_MODE_FL)
			list_add(buf, sizeof(buf), "encoding_flags=strict");
	}
	if ((pl.ro_compat & EXT4_FEATURE_RO_COMPAT_QUOTA) && src->quota_types) {
		char q[64] = "";
		static const char *const qn[3] = { "usrquota", "grpquota", "prjquota" };
		for (int i = 0; i < 3; i++)
			if (src->quota_types & (1u << i))
				snprintf(q + strlen(q), sizeof(q) - strlen(q), "%s%s",
					 q[0] ? ":" : "", qn[i]);
		list_add(buf, sizeof(buf), "quotatype=%s", q);
	}
	if (buf[0]) {
		push(&a, "-E");
		push(&a, "%s", buf);
	}
	if (src->errors >= EXT2_ERRORS_CONTINUE && src->errors <= EXT2_ERRORS_PANIC) {
		push(&a, "-e");
		push(&a, "%s", extfs_errors_string(src->errors));
	}
	push(&a, "%s", o->device ? o->device : "TARGET");
	if (blocks)
		push(&a, "%llu", (unsigned long long)blocks);
	*argv = a.v;
	return 0;
}

/* tune2fs -o: the source's options set, every other known one cleared. */
static void mntopts_spec(uint32_t want, char *buf, size_t len)
{
	buf[0] = 0;
	for (int b = 0; b < 32; b++) {
		uint32_t m = 1u << b;
		if (m & EXT3_DEFM_JMODE)
			continue;
		const char *name = e2p_mntopt2string(m);
		if (strncmp(name, "MNTOPT_", 7) == 0)
			continue;
		list_add(buf, len, "%s%s", want & m ? "" : "^", name);
	}
	if (want & EXT3_DEFM_JMODE)
		list_add(buf, len, "%s", e2p_mntopt2string(want & EXT3_DEFM_JMODE));
	else
		list_add(buf, len, "^%s", e2p_mntopt2string(EXT3_DEFM_JMODE_WBACK));
}

int extfs_tune_argv(const struct extfs_params *src, const struct extfs_params *made,
		    const char *device, char ***argv)
{
	*argv = NULL;
	struct argv_buf a = { 0 };
	char buf[512];
	int comma = 0;
	push(&a, "tune2fs");
	if (!made || made->default_mntopts != src->default_mntopts) {
		mntopts_spec(src->default_mntopts, buf, sizeof(buf));
		push(&a, "-o");
		push(&a, "%s", buf);
	}
	if (made ? made->errors != src->errors && src->errors : 0) {
		push(&a, "-e");
		push(&a, "%s", extfs_errors_string(src->errors));
	}
	int16_t mmc = src->max_mnt_count > 0 ? src->max_mnt_count : -1;
	int16_t made_mmc = made && made->max_mnt_count > 0 ? made->max_mnt_count : -1;
	if (made ? mmc != made_mmc : mmc > 0) {
		push(&a, "-c");
		push(&a, "%d", mmc);
	}
	if (made ? made->checkinterval != src->checkinterval : src->checkinterval != 0) {
		push(&a, "-i");
		push(&a, "%us", src->checkinterval);
	}
	if (made ? made->def_resuid != src->def_resuid : src->def_resuid != 0) {
		push(&a, "-u");
		push(&a, "%u", src->def_resuid);
	}
	if (made ? made->def_resgid != src->def_resgid : src->def_resgid != 0) {
		push(&a, "-g");
		push(&a, "%u", src->def_resgid);
	}
	/* Same size: the exact reserved count, whatever the rounding. */
	if (made && made->blocks_count == src->blocks_count &&
	    made->r_blocks_count != src->r_blocks_count) {
		push(&a, "-r");
		push(&a, "%llu", (unsigned long long)src->r_blocks_count);
	}
	buf[0] = 0;
	if (made ? made->def_hash_version != src->def_hash_version :
		   src->def_hash_version != EXT2_HASH_HALF_MD4) {
		const char *h = e2p_hash2string(src->def_hash_version);
		if (strncmp(h, "HASHALG_", 8) != 0)
			list_add(buf, sizeof(buf), "hash_alg=%s", h);
	}
	if (made ? strcmp(made->mount_opts, src->mount_opts) != 0 : src->mount_opts[0] != 0) {
		if (strchr(src->mount_opts, ','))
			comma = 1;
		else
			list_add(buf, sizeof(buf), "mount_opts=%s", src->mount_opts);
	}
	if (buf[0]) {
		push(&a, "-E");
		push(&a, "%s", buf);
	}
	if (a.n == 1) {
		extfs_argv_free(a.v);
		return comma;
	}
	push(&a, "%s", device);
	*argv = a.v;
	return comma;
}

int extfs_set_mount_opts(const char *device, const char *opts)
{
	if (strlen(opts) >= sizeof(((struct ext2_super_block *)0)->s_mount_opts))
		return -ENAMETOOLONG;
	int mflags = 0;
	errcode_t e = ext2fs_check_if_mounted(device, &mflags);
	if (e)
		return extfs_errcode(e);
	if (mflags & EXT2_MF_MOUNTED)
		return -EBUSY;
	ext2_filsys fs;
	e = ext2fs_open2(device, NULL, EXT2_FLAG_RW | EXT2_FLAG_64BITS | EXT2_FLAG_EXCLUSIVE,
			 0, 0, unix_io_manager, &fs);
	if (e)
		return extfs_errcode(e);
	memset(fs->super->s_mount_opts, 0, sizeof(fs->super->s_mount_opts));
	memcpy(fs->super->s_mount_opts, opts, strlen(opts));
	ext2fs_mark_super_dirty(fs);
	e = ext2fs_close_free(&fs);
	return extfs_errcode(e);
}

/* ---- after a block copy ------------------------------------------------ */

static int csum_rewrite(const struct extfs_params *src)
{
	return !(src->feature_incompat & EXT4_FEATURE_INCOMPAT_CSUM_SEED) &&
	       ((src->feature_ro_compat & EXT4_FEATURE_RO_COMPAT_METADATA_CSUM) ||
		(src->feature_incompat & EXT4_FEATURE_INCOMPAT_EA_INODE));
}

int extfs_new_uuid_argv(const struct extfs_params *src, const char *device, const char *uuid,
			char ***argv)
{
	struct argv_buf a = { 0 };
	push(&a, "tune2fs");
	push(&a, "-U");
	push(&a, "%s", uuid ? uuid : "random");
	push(&a, "%s", device);
	*argv = a.v;
	return csum_rewrite(src);
}

int extfs_fsck_argv(const char *device, char ***argv)
{
	struct argv_buf a = { 0 };
	push(&a, "e2fsck");
	push(&a, "-f");
	push(&a, "-p");
	push(&a, "%s", device);
	*argv = a.v;
	return 0;
}

int extfs_resize_argv(const char *device, uint64_t size_bytes, char ***argv)
{
	struct argv_buf a = { 0 };
	push(&a, "resize2fs");
	push(&a, "%s", device);
	if (size_bytes)
		push(&a, "%lluK", (unsigned long long)(size_bytes >> 10));
	*argv = a.v;
	return 0;
}

int extfs_postcopy_argvs(const struct extfs_params *src, const char *device,
			 uint64_t target_bytes, int new_uuid, const char *uuid, char ****argvs)
{
	char ***list = xcalloc(4, sizeof(char **));
	size_t n = 0;
	int grow = target_bytes / src->block_size > src->blocks_count;
	if ((new_uuid && csum_rewrite(src)) || grow)
		extfs_fsck_argv(device, &list[n++]);
	if (new_uuid)
		extfs_new_uuid_argv(src, device, uuid, &list[n++]);
	if (grow)
		extfs_resize_argv(device, 0, &list[n++]);
	list[n] = NULL;
	*argvs = list;
	return 0;
}
