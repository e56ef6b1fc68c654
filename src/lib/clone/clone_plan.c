/* Planning a clone: pure functions over the source's description (struct
 * clone_source), nothing read or written on disk. What a plan refuses comes
 * back in a struct err; what it decides along the way (an LV shrunk or
 * grown) goes through the report's say. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clone.h"
#include "layout.h"
#include "xalloc.h"

static const uint64_t mib = 1 << 20;

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return to ? (v + to - 1) / to * to : v;
}

int clone_fs_converts(const struct clone_fs *f)
{
	return strcmp(f->clone_fstype, f->fstype) != 0 && strcmp(f->clone_fstype, "ext4") == 0;
}

static int is_copied(const struct clone_fs *f)
{
	return f->mountpoint[0] && strcmp(f->fstype, "swap") != 0;
}

/* The least an LV of the clone can be: what its data needs on a filesystem
 * made with the source's parameters (libext2fs), swap a token size, an LV
 * copied block for block or not copied its full size. */
uint64_t clone_min_size(const struct clone_fs *f)
{
	if (strcmp(f->fstype, "swap") == 0)
		return 16 * mib;
	if (!f->mountpoint[0] || strncmp(f->fstype, "ext", 3) != 0)
		return f->size;
	if (f->have_params) {
		struct extfs_mkfs_opts mo = { .device = f->src_dev, .convert_to_ext4 = clone_fs_converts(f) };
		uint64_t min;
		if (extfs_min_size(&f->params, &mo, &min) == 0)
			return min;
	}
	/* used data + 15% + 16 MiB of metadata room */
	return f->used + f->used / 7 + 16 * mib;
}

void clone_plan_convert(struct clone_source *src)
{
	for (size_t i = 0; i < src->nfs; i++)
		if (!strcmp(src->fs[i].fstype, "ext2") || !strcmp(src->fs[i].fstype, "ext3"))
			snprintf(src->fs[i].clone_fstype, sizeof(src->fs[i].clone_fstype), "ext4");
}

int clone_plan_check_names(const struct clone_source *src, struct err *e)
{
	for (size_t i = 0; i < src->nfs; i++)
		/* the kernel's device-mapper names are at most 127 bytes */
		if (strlen(ALTINST_VG) + 1 + strlen(src->fs[i].clone_lv) > 127)
			return err_set(e, CLONE_E_USAGE, "LV '%s': '%s-%s' is too long for a device-mapper name (127 bytes "
				       "at most); give it a shorter name on the clone with -i (see --dump-layout)",
				       src->fs[i].clone_lv, ALTINST_VG, src->fs[i].clone_lv);
	return 0;
}

/* Mount order: "/" first, then by path so that parents precede children. */
static int by_mountpoint(const void *a, const void *b)
{
	const struct clone_fs *x = a, *y = b;
	if (!x->mountpoint[0] || !y->mountpoint[0])
		return !x->mountpoint[0] - !y->mountpoint[0];
	return strcmp(x->mountpoint, y->mountpoint);
}

void clone_plan_sort(struct clone_source *src)
{
	qsort(src->fs, src->nfs, sizeof(src->fs[0]), by_mountpoint);
}

/* --grow: the room left on the disks goes to the copied filesystems, in
 * proportion to their sizes (swap and LVs not copied keep theirs). */
static void grow_to_fill(struct clone_source *src, uint64_t spare, uint64_t ext, const struct clone_report *rep)
{
	uint64_t base = 0;
	for (size_t i = 0; i < src->nfs; i++)
		if (is_copied(&src->fs[i]))
			base += src->fs[i].clone_size;
	for (size_t i = 0; i < src->nfs && base; i++) {
		struct clone_fs *f = &src->fs[i];
		if (!is_copied(f))
			continue;
		uint64_t more = (uint64_t)((double)spare * (double)f->clone_size / (double)base) / ext * ext;
		f->clone_size += more;
		clone_report_say(rep, "'%s' grows to %llu MiB on the clone (%llu MiB on the source)", f->clone_lv,
		    (unsigned long long)(f->clone_size >> 20), (unsigned long long)(f->size >> 20));
	}
}

/* What the disks hold for LVs: GPT and alignment (2 MiB), PV metadata
 * (1 MiB), the ESP on the first; whole extents. */
static uint64_t capacity_of(const struct target_disk *t, size_t nt, uint64_t esp_size, uint64_t ext)
{
	uint64_t capacity = 0;
	for (size_t i = 0; i < nt; i++) {
		uint64_t overhead = 3 * mib + (i == 0 ? esp_size : 0);
		uint64_t c = t[i].size > overhead ? t[i].size - overhead : 0;
		capacity += c / ext * ext;
	}
	return capacity;
}

/* Shrink every LV by the same share of what it can give up. */
static void shrink(struct clone_source *src, uint64_t want, uint64_t need, uint64_t capacity, uint64_t ext,
		   const struct clone_report *rep)
{
	double share = want > need ? (double)(want - capacity) / (double)(want - need) : 1.0;
	if (share > 1)
		share = 1;
	for (size_t i = 0; i < src->nfs; i++) {
		struct clone_fs *f = &src->fs[i];
		uint64_t min = clone_min_size(f);
		if (min >= f->clone_size)
			continue;
		uint64_t give = (uint64_t)((double)(f->clone_size - min) * share);
		f->clone_size = f->clone_size - round_up(give, ext);
		if (f->clone_size < ext)
			f->clone_size = ext;
		clone_report_say(rep, "'%s' will be %llu MiB on the clone (%llu MiB on the source)", f->clone_lv,
		    (unsigned long long)(f->clone_size / mib), (unsigned long long)(f->size / mib));
	}
}

/* Sizes of the clone's LVs: the source's (or -i's) when they fit, else
 * shrunk towards the used data; --grow fills larger disks. */
int clone_plan_sizes(struct clone_source *src, const struct target_disk *t, size_t nt,
		     const struct clone_opts *o, const struct clone_report *rep, struct err *e)
{
	const uint64_t ext = src->extent_size ? src->extent_size : 4 * mib;
	struct clone_fs *boot = &src->boot_part;
	/* a /boot partition keeps its size: its copy goes beside the ESP */
	boot->clone_size = boot->part ? round_up(boot->size, mib) : 0;
	uint64_t first = o->esp_size + boot->clone_size;
	if (boot->part && nt && t[0].size < first + 3 * mib + ext && !o->no_size_check)
		return err_set(e, -ENOSPC, "'%s': too small: it cannot hold the ESP (%llu MiB), a copy of the "
			       "source's /boot partition (%llu MiB) and a PV", t[0].name,
			       (unsigned long long)(o->esp_size / mib), (unsigned long long)(boot->clone_size / mib));
	uint64_t capacity = capacity_of(t, nt, first, ext), want = 0, need = 0;
	for (size_t i = 0; i < src->nfs; i++) {
		struct clone_fs *f = &src->fs[i];
		f->clone_size = round_up(f->layout_size ? f->layout_size : f->size, ext);
		want += f->clone_size;
		uint64_t min = clone_min_size(f);
		need += round_up(min < f->clone_size ? min : f->clone_size, ext);
	}
	if (want <= capacity) {
		if (o->grow)
			grow_to_fill(src, capacity - want, ext, rep);
		return 0;
	}
	if (need > capacity && !o->no_size_check)
		return err_set(e, -ENOSPC, "'%s': too small: the used data needs at least %llu MiB, the disks hold "
			       "%llu MiB", nt ? t[0].name : "", (unsigned long long)(need / mib),
			       (unsigned long long)(capacity / mib));
	shrink(src, want, need, capacity, ext, rep);
	return 0;
}

/* File level or used blocks for one filesystem: 0, or a usage error when
 * --copy-mode blocks cannot be honoured. */
static int choose_copy_path(struct clone_fs *f, const struct clone_opts *o, int read_only, struct err *e)
{
	const char *why_not = NULL;
	if (!f->mountpoint[0] || strncmp(f->fstype, "ext", 3) != 0 || !f->have_params)
		return 0;
	if (o->exclude)
		why_not = "an exclude list needs a file-level copy";
	else if (clone_fs_converts(f))
		why_not = "converting to ext4 needs a file-level copy";
	else if (f->clone_size < f->size)
		why_not = "the clone's LV is smaller than the source's";
	else if (!read_only)
		why_not = "the source is mounted read-write (no snapshot)";
	if (o->copy_mode == CLONE_COPY_BLOCKS && why_not)
		return err_set(e, CLONE_E_USAGE, "--copy-mode blocks: '%s' cannot be copied block for block: %s",
			       f->mountpoint, why_not);
	f->block_copy = !why_not && o->copy_mode != CLONE_COPY_FILES;
	return 0;
}

/* File level or used blocks, per filesystem. A used-block copy needs no
 * file-level work (no exclude list, no -T), a target at least as big, and a
 * source nobody writes (offline, read-only); it is then the faster path:
 * it reads each used block once, in order, with no per-file work. A live
 * /boot partition has no snapshot: it is read-write. */
int clone_choose_copy_paths(struct clone_source *src, const struct clone_opts *o, int read_only,
			    struct err *e)
{
	int rc;
	for (size_t i = 0; i < src->nfs; i++)
		if ((rc = choose_copy_path(&src->fs[i], o, read_only, e)) < 0)
			return rc;
	return src->boot_part.part ? choose_copy_path(&src->boot_part, o, src->offline, e) : 0;
}

/* The source LV a layout line names: by mount point, by name when "-". */
static struct clone_fs *layout_source(struct clone_source *src, const struct layout_entry *le)
{
	for (size_t i = 0; i < src->nfs; i++)
		if (strcmp(le->mountpoint, "-") != 0 ? strcmp(src->fs[i].mountpoint, le->mountpoint) == 0
						     : !src->fs[i].mountpoint[0] && strcmp(src->fs[i].lv, le->name) == 0)
			return &src->fs[i];
	return NULL;
}

static int apply_entry(struct clone_source *src, const struct layout_entry *le, const char *file, struct err *e)
{
	struct clone_fs *f = layout_source(src, le);
	if (!f)
		return err_set(e, CLONE_E_USAGE, "-i '%s' line %u: no source LV %s '%s'", file, le->line,
			       strcmp(le->mountpoint, "-") ? "is mounted on" : "without a mount point is called",
			       strcmp(le->mountpoint, "-") ? le->mountpoint : le->name);
	int same = strcmp(le->fstype, f->fstype) == 0 || (!f->fstype[0] && strcmp(le->fstype, "raw") == 0);
	int to_ext4 = strcmp(le->fstype, "ext4") == 0 && (!strcmp(f->fstype, "ext2") || !strcmp(f->fstype, "ext3"));
	if (!same && !to_ext4)
		return err_set(e, CLONE_E_USAGE, "-i '%s' line %u: fstype '%s': the source's '%s' is %s; it can stay that "
			       "or become ext4 (from ext2/ext3)", file, le->line, le->fstype,
			       f->mountpoint[0] ? f->mountpoint : f->lv, f->fstype[0] ? f->fstype : "raw");
	snprintf(f->clone_lv, sizeof(f->clone_lv), "%s", le->name);
	if (to_ext4)
		snprintf(f->clone_fstype, sizeof(f->clone_fstype), "ext4");
	if (le->size_kind == LAYOUT_BYTES)
		f->layout_size = le->bytes;
	else if (le->size_kind == LAYOUT_USED_PCT)
		f->layout_size = f->used + f->used * le->pct / 100;
	return 0;
}

/* -i: the clone's LV names, sizes and types. */
int clone_plan_layout(struct clone_source *src, const struct layout *l, const char *file, struct err *e)
{
	int rc;
	for (size_t k = 0; k < l->n; k++)
		if ((rc = apply_entry(src, &l->e[k], file, e)) < 0)
			return rc;
	for (size_t i = 0; i < src->nfs; i++)
		for (size_t j = i + 1; j < src->nfs; j++)
			if (strcmp(src->fs[i].clone_lv, src->fs[j].clone_lv) == 0)
				return err_set(e, CLONE_E_USAGE, "-i '%s': two LVs would be called '%s' on the clone", file,
					       src->fs[i].clone_lv);
	return 0;
}

/* Replace every "UUID=<old>" (and "UUID=\"<old>\"") with the new UUID. */
/* TEXT with the OL bytes at OFF replaced by NEW (NL bytes); realloc'd, and
 * when it shrinks only after the tail has moved. */
static char *splice(char *text, size_t off, size_t ol, const char *new, size_t nl)
{
	size_t len = strlen(text);
	if (nl > ol)
		text = xrealloc(text, len - ol + nl + 1);
	memmove(text + off + nl, text + off + ol, len - off - ol + 1);
	memcpy(text + off, new, nl);
	return nl < ol ? xrealloc(text, len - ol + nl + 1) : text;
}

char *clone_replace_uuid(char *text, const char *old, const char *new, int *count)
{
	size_t ol = strlen(old), nl = strlen(new);
	for (char *p = text; (p = strstr(p, old));) {
		int anchored = (p - text >= 5 && strncmp(p - 5, "UUID=", 5) == 0) ||
			       (p - text >= 6 && strncmp(p - 6, "UUID=\"", 6) == 0);
		if (!anchored) {
			p += ol;
			continue;
		}
		size_t off = (size_t)(p - text);
		text = splice(text, off, ol, new, nl);
		p = text + off + nl;
		(*count)++;
	}
	return text;
}

static int token_char(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-';
}

char *clone_replace_token(char *text, const char *old, const char *new, int *count)
{
	size_t ol = strlen(old), nl = strlen(new);
	if (!ol)
		return text;
	for (char *p = text; (p = strstr(p, old));) {
		if ((p > text && token_char(p[-1])) || token_char(p[ol])) {
			p += ol;
			continue;
		}
		size_t off = (size_t)(p - text);
		text = splice(text, off, ol, new, nl);
		p = text + off + nl;
		(*count)++;
	}
	return text;
}
