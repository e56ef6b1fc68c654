/* The target of a file-level copy: a plan of what mke2fs should make (the
 * source's features, geometry and inode ratio guessed back), checked with a
 * dry run of mke2fs's layout (ext2fs_initialize on /dev/null); the smallest
 * size a copy fits in. See extfs.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <e2p/e2p.h>
#include <ext2fs/ext2fs.h>

#include "extfs.h"
#include "extfs_int.h"

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

static int ilog2(uint64_t v)
{
	int l = 0;
	while (v > 1) {
		v >>= 1;
		l++;
	}
	return l;
}

uint64_t extfs_plan_inodes(const struct plan *pl, uint64_t blocks)
{
	if (pl->ratio)
		return blocks * pl->bs / pl->ratio;
	const struct extfs_params *s = pl->src;
	return s->blocks_count ? (uint64_t)s->inodes_count * blocks / s->blocks_count : 0;
}

/* ext2fs_initialize with what mke2fs would pass it: the block and inode
 * counts and the metadata of the filesystem it would make. Nothing is
 * written (the io channel is /dev/null and never flushed). */
int extfs_simulate(const struct plan *pl, uint64_t blocks, struct sim *out)
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
	uint64_t n = extfs_plan_inodes(pl, blocks);
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
	out->overhead = extfs_group_overhead(fs);
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

/* Bytes per inode: the value -i most likely had (a power of two, a multiple
 * of 1 KiB) when it gives the source's inode count again at the source's
 * size; else none (0): the exact count, scaled to the target (-N). */
static void plan_ratio(struct plan *pl, const struct extfs_params *s)
{
	if (!s->inodes_count || !s->rev_level)
		return;
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
		if (extfs_simulate(pl, s->blocks_count, &sm) != 0 || sm.inodes != s->inodes_count)
			pl->ratio = 0;
	}
}

/* The journal: the source's size when it was not mke2fs's default. */
static void plan_journal(struct plan *pl, const struct extfs_params *s)
{
	if (!(pl->compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL) || !s->journal_bytes)
		return;
	struct plan dflt = *pl;
	dflt.journal_blocks = 0;
	uint64_t jb = s->journal_bytes / s->block_size;
	if (jb != journal_for(&dflt, s->blocks_count))
		pl->journal_blocks = jb;
}

/* ext2 or ext3 made ext4: the features of our mke2fs.conf's ext4. */
static void plan_convert(struct plan *pl)
{
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

int extfs_build_plan(const struct extfs_params *s, const struct extfs_mkfs_opts *o,
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

	plan_ratio(pl, s);
	plan_journal(pl, s);
	if (o->convert_to_ext4 && strcmp(s->type, "ext4") != 0)
		plan_convert(pl);
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
	snprintf(pl->type, sizeof(pl->type), "%s", extfs_fs_type(pl->compat, pl->incompat, pl->ro_compat));
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
	int rc = extfs_simulate(pl, blocks, &sm);
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
	int rc = extfs_build_plan(src, &oo, &pl);
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

