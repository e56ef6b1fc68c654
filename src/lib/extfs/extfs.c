/* ext2/3/4 through libext2fs: errors, opening, names, and the parameters of
 * an existing filesystem (extfs_read_params); the mke2fs plan is in
 * extfs_plan.c, the argvs in extfs_argv.c. See extfs.h. */
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
	case EXTFS_E_DAMAGED:
		return "its superblock, group descriptors or bitmaps do not check: run e2fsck -fn "
		       "on it; alt_disk_copy --copy-mode files copies it file by file";
	}
	if (e < 4096)
		return strerror((int)e);
	if (!tables) {
		initialize_ext2_error_table();
		tables = 1;
	}
	return error_message((errcode_t)e);
}

const char *extfs_errname(long code)
{
#define N(c) { c, #c }
	static const struct { long code; const char *name; } names[] = {
		N(EXT2_ET_GDESC_BAD_BLOCK_MAP), N(EXT2_ET_GDESC_BAD_INODE_MAP),
		N(EXT2_ET_GDESC_BAD_INODE_TABLE), N(EXT2_ET_BLOCK_BITMAP_CSUM_INVALID),
		N(EXT2_ET_INODE_BITMAP_CSUM_INVALID), N(EXT2_ET_BLOCK_BITMAP_READ),
		N(EXT2_ET_INODE_BITMAP_READ), N(EXT2_ET_BAD_DESC_SIZE), N(EXT2_ET_SB_CSUM_INVALID),
		N(EXT2_ET_CORRUPT_SUPERBLOCK),
		N(EXT2_ET_SHORT_READ), N(EXT2_ET_BAD_BLOCK_NUM), N(EXT2_ET_UNIMPLEMENTED),
		N(EXT2_ET_GDESC_READ),
	};
#undef N
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return NULL;
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
const char *extfs_fs_type(uint32_t compat, uint32_t incompat, uint32_t ro_compat)
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

uint64_t extfs_group_overhead(ext2_filsys fs)
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

/* What the superblock says, as it is. */
static void params_from_super(struct extfs_params *p, ext2_filsys fs)
{
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
		 extfs_fs_type(p->feature_compat, p->feature_incompat, p->feature_ro_compat));
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
}

/* Free counts: the group descriptors' (the superblock's lag behind on a
 * mounted filesystem), or statfs's where it is mounted at mtpt (current). */
static void params_free_counts(struct extfs_params *p, ext2_filsys fs, int mounted,
			       const char *mtpt)
{
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
}

/* The journal (an inode; 0 when it is on another device), and the bytes
 * in use that are data rather than metadata. */
static void params_usage(struct extfs_params *p, ext2_filsys fs)
{
	struct ext2_super_block *sb = fs->super;
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
	uint64_t meta = extfs_group_overhead(fs) + journal_all +
			(ext2fs_has_feature_resize_inode(sb) ? 1 : 0);
	p->data_bytes = used > meta ? (used - meta) * p->block_size : 0;
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
	params_from_super(p, fs);
	params_free_counts(p, fs, mounted, mtpt);
	params_usage(p, fs);
	ext2fs_close_free(&fs);
	return 0;
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

