/* The argvs of the e2fsprogs tools that recreate a filesystem: mke2fs from
 * a plan (extfs_plan.c), tune2fs for what mke2fs cannot set, and the
 * commands after a block copy (e2fsck, tune2fs -U, resize2fs). See extfs.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <e2p/e2p.h>
#include <ext2fs/ext2fs.h>

#include "extfs.h"
#include "extfs_int.h"
#include "xalloc.h"

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

/* -t -b [-C] -r 0|-I -i|-N -m [-L]: the type and the geometry. */
static void mkfs_geometry(struct argv_buf *a, const struct plan *pl,
			  const struct extfs_params *src, uint64_t blocks)
{
	char buf[64];
	push(a, "-t");
	push(a, "%s", pl->type);
	push(a, "-b");
	push(a, "%u", pl->bs);
	if (pl->ro_compat & EXT4_FEATURE_RO_COMPAT_BIGALLOC) {
		push(a, "-C");
		push(a, "%u", pl->cluster);
	}
	if (pl->rev == EXT2_GOOD_OLD_REV) {
		push(a, "-r");
		push(a, "0");
	} else {
		push(a, "-I");
		push(a, "%u", pl->isz);
	}
	if (pl->ratio) {
		push(a, "-i");
		push(a, "%llu", (unsigned long long)pl->ratio);
	} else {
		uint64_t n = extfs_plan_inodes(pl, blocks ? blocks : src->blocks_count);
		push(a, "-N");
		push(a, "%llu", (unsigned long long)n);
	}
	push(a, "-m");
	fmt_pct(pl->pct, buf, sizeof(buf));
	push(a, "%s", buf);
	if (src->label[0]) {
		push(a, "-L");
		push(a, "%s", src->label);
	}
}

/* -O every feature [-G] [-g] [-J size=]. */
static void mkfs_features(struct argv_buf *a, const struct plan *pl)
{
	if (pl->rev != EXT2_GOOD_OLD_REV) {
		char feats[512] = "none";
		const uint32_t f[3] = { pl->compat, pl->incompat, pl->ro_compat };
		for (int t = 0; t < 3; t++)
			for (int b = 0; b < 32; b++)
				if (f[t] & (1u << b))
					list_add(feats, sizeof(feats), "%s",
						 e2p_feature2string(t, 1u << b));
		push(a, "-O");
		push(a, "%s", feats);
	}
	if (pl->flex) {
		push(a, "-G");
		push(a, "%u", pl->flex);
	}
	if (pl->bpg) {
		push(a, "-g");
		push(a, "%u", pl->bpg);
	}
	if (pl->journal_blocks) {
		uint64_t mib = (pl->journal_blocks * pl->bs + (1 << 20) - 1) >> 20;
		if (pl->compat & EXT4_FEATURE_COMPAT_FAST_COMMIT)
			mib = mib * EXT2_JOURNAL_TO_FC_BLKS_RATIO / (EXT2_JOURNAL_TO_FC_BLKS_RATIO + 1);
		push(a, "-J");
		push(a, "size=%llu", (unsigned long long)(mib ? mib : 1));
	}
}

/* The -E list (empty when nothing differs from mke2fs's defaults). */
static void mkfs_extended(char *buf, size_t len, const struct plan *pl,
			  const struct extfs_params *src)
{
	buf[0] = 0;
	if (src->raid_stride)
		list_add(buf, len, "stride=%u", src->raid_stride);
	if (src->raid_stripe_width)
		list_add(buf, len, "stripe_width=%u", src->raid_stripe_width);
	if (pl->backups >= 0)
		list_add(buf, len, "num_backup_sb=%d", pl->backups);
	if (pl->desc_size)
		list_add(buf, len, "desc_size=%u", pl->desc_size);
	if ((pl->incompat & EXT4_FEATURE_INCOMPAT_MMP) && src->mmp_update_interval)
		list_add(buf, len, "mmp_update_interval=%u", src->mmp_update_interval);
	if (pl->incompat & EXT4_FEATURE_INCOMPAT_CASEFOLD) {
		const char *enc = e2p_encoding2str(src->encoding);
		if (enc)
			list_add(buf, len, "encoding=%s", enc);
		if (src->encoding_flags & EXT4_ENC_STRICT_MODE_FL)
			list_add(buf, len, "encoding_flags=strict");
	}
	if ((pl->ro_compat & EXT4_FEATURE_RO_COMPAT_QUOTA) && src->quota_types) {
		char q[64] = "";
		static const char *const qn[3] = { "usrquota", "grpquota", "prjquota" };
		for (int i = 0; i < 3; i++)
			if (src->quota_types & (1u << i))
				snprintf(q + strlen(q), sizeof(q) - strlen(q), "%s%s",
					 q[0] ? ":" : "", qn[i]);
		list_add(buf, len, "quotatype=%s", q);
	}
}

int extfs_mkfs_argv(const struct extfs_params *src, const struct extfs_mkfs_opts *o,
		    char ***argv)
{
	*argv = NULL;
	struct plan pl;
	int rc = extfs_build_plan(src, o, &pl);
	if (rc)
		return rc;
	uint64_t blocks = o->size_bytes / pl.bs;

	/* A journal size of the source's own that the target has no room for
	 * (mke2fs wants it at most half the free blocks): mke2fs's default. */
	if (pl.journal_blocks && blocks) {
		struct sim sm;
		if (extfs_simulate(&pl, blocks, &sm) == 0 &&
		    pl.journal_blocks > (sm.blocks - sm.overhead) / 2)
			pl.journal_blocks = 0;
	}

	struct argv_buf a = { 0 };
	char buf[512];
	push(&a, "mke2fs");
	push(&a, "-q");
	push(&a, "-F");
	mkfs_geometry(&a, &pl, src, blocks);
	mkfs_features(&a, &pl);
	mkfs_extended(buf, sizeof(buf), &pl, src);
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
