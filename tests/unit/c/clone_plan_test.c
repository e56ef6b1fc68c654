/* src/lib/clone/clone_plan.c: the clone's LV sizes as a table. Each row:
 * target disks (MiB) x source LVs (name:size:used:fstype:mountpoint, MiB)
 * x options (-S, --grow, -T, a -i layout) -> the planned sizes in MiB, in
 * mount order, or the refusal ("!message"). 4 MiB extents; a disk loses
 * 3 MiB (GPT, PV metadata), the first also the 256 MiB ESP. Without
 * libext2fs parameters an ext LV needs used + used/7 + 16 MiB. "@boot:..."
 * is a /boot partition outside the VG (its copy goes beside the ESP, its
 * size kept: "@boot=MiB" last). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clone.h"
#include "layout.h"
#include "tap.h"

enum { GROW = 1, NO_SIZE_CHECK = 2, CONVERT = 4 };

#define SYS "root:512:100:ext4:/ var:256:50:ext4:/var swap:128:0:swap:-"

static const struct row {
	const char *what;
	const char *disks;
	const char *lvs;
	int flags;
	const char *layout;
	const char *want;
} rows[] = {
	{ "fits: the source's sizes", "2048", SYS, 0, NULL, "root=512 var=256 swap=128" },
	{ "two disks add up", "512 1024", SYS, 0, NULL, "root=512 var=256 swap=128" },
	{ "--grow: the room goes to the copied filesystems, swap keeps its size", "2048", SYS, GROW, NULL,
	  "root=1104 var=552 swap=128" },
	{ "--grow on a disk that just fits: nothing to give", "1155", SYS, GROW, NULL, "root=512 var=256 swap=128" },
	{ "smaller: every LV gives the same share of its spare room", "700", SYS, 0, NULL,
	  "root=252 var=128 swap=52" },
	{ "too small for the used data: refused", "300", SYS, 0, NULL,
	  "!'vdb': too small: the used data needs at least 224 MiB, the disks hold 40 MiB" },
	{ "too small with -S: shrunk to the least", "300", SYS, NO_SIZE_CHECK, NULL, "root=128 var=72 swap=16" },
	{ "a disk smaller than the ESP holds nothing", "200", SYS, 0, NULL,
	  "!'vdb': too small: the used data needs at least 224 MiB, the disks hold 0 MiB" },
	{ "an LV not mounted is copied whole: it does not shrink", "700",
	  SYS " data:200:0:ext4:-", 0, NULL, "root=136 var=76 swap=16 data=200" },
	{ "-i: sizes, used+N% and same", "2048", SYS, 0,
	  "root 1G ext4 /\nvar used+100% ext4 /var\nswap same swap -\n", "root=1024 var=100 swap=128" },
	{ "-i renames an LV", "2048", SYS, 0, "slash 600M ext4 /\n", "slash=600 var=256 swap=128" },
	{ "-i: a size is rounded up to whole extents", "2048", SYS, 0, "root 601M ext4 /\n",
	  "root=604 var=256 swap=128" },
	{ "-i larger than the disks: shrunk back", "1024", SYS, 0, "root 2G ext4 /\n",
	  "root=596 var=116 swap=40" },
	{ "-i: an ext4 source cannot become ext2", "2048", SYS, 0, "root 1G ext2 /\n",
	  "!-i 'L' line 1: fstype 'ext2': the source's '/' is ext4; it can stay that or become ext4 (from ext2/ext3)" },
	{ "-i: an ext3 source may become ext4", "2048", "root:512:100:ext3:/", 0, "root same ext4 /\n", "root=512" },
	{ "-i: no LV is mounted there", "2048", SYS, 0, "x 1G ext4 /nowhere\n",
	  "!-i 'L' line 1: no source LV is mounted on '/nowhere'" },
	{ "-i: no unmounted LV of that name", "2048", SYS, 0, "nosuch 1G ext4 -\n",
	  "!-i 'L' line 1: no source LV without a mount point is called 'nosuch'" },
	{ "-i: two LVs with one name on the clone", "2048", SYS, 0, "var 1G ext4 /\n",
	  "!-i 'L': two LVs would be called 'var' on the clone" },
	{ "-T: ext3 becomes ext4, sizes as they are", "2048", "root:512:100:ext3:/ boot:128:20:ext2:/boot", CONVERT,
	  NULL, "root=512 boot=128" },
	{ "mount order: / first, parents before children", "4096",
	  "home:64:1:ext4:/home var:64:1:ext4:/var root:64:1:ext4:/ log:64:1:ext4:/var/log", 0, NULL,
	  "root=64 home=64 var=64 log=64" },
	{ "sizes are whole extents", "2048", "root:510:100:ext4:/", 0, NULL, "root=512" },
	{ "a /boot partition keeps its size beside the ESP", "2048", SYS " @boot:300:50:ext4:/boot", 0, NULL,
	  "root=512 var=256 swap=128 @boot=300" },
	{ "a /boot partition's room is not the LVs'", "1200", SYS " @boot:300:50:ext4:/boot", 0, NULL,
	  "root=364 var=184 swap=84 @boot=300" },
	{ "a disk that cannot hold the ESP and the /boot partition's copy", "500", SYS " @boot:300:50:ext4:/boot", 0,
	  NULL, "!'vdb': too small: it cannot hold the ESP (256 MiB), a copy of the source's /boot partition (300 MiB) "
	  "and a PV" },
	{ "a /boot partition's size is rounded up to whole MiB, not extents", "2048", "root:512:100:ext4:/ "
	  "@boot:301:50:ext4:/boot", 0, NULL, "root=512 @boot=301" },
};

static const uint64_t mib = 1 << 20;

static void make_source(const char *spec, struct clone_source *src)
{
	char *copy = strdup(spec);
	memset(src, 0, sizeof(*src));
	src->extent_size = 4 * mib;
	for (char *save = NULL, *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		unsigned long size, used;
		char name[64], type[16], mp[64];
		sscanf(tok, "%63[^:]:%lu:%lu:%15[^:]:%63s", name, &size, &used, type, mp);
		struct clone_fs *f = name[0] == '@' ? &src->boot_part : &src->fs[src->nfs++];
		f->part = name[0] == '@' ? CLONE_BOOT_PART : 0;
		snprintf(f->lv, sizeof(f->lv), "%s", name);
		snprintf(f->clone_lv, sizeof(f->clone_lv), "%s", name);
		snprintf(f->fstype, sizeof(f->fstype), "%s", type);
		snprintf(f->clone_fstype, sizeof(f->clone_fstype), "%s", type);
		snprintf(f->mountpoint, sizeof(f->mountpoint), "%s", strcmp(mp, "-") ? mp : "");
		f->size = size * mib;
		f->used = used * mib;
	}
	free(copy);
}

static size_t make_disks(const char *spec, struct target_disk *t)
{
	size_t n = 0;
	for (const char *p = spec; *p && n < CLONE_MAX_DISKS; n++) {
		char *end;
		memset(&t[n], 0, sizeof(t[n]));
		snprintf(t[n].name, sizeof(t[n].name), "vd%c", (char)('b' + n));
		t[n].size = strtoull(p, &end, 10) * mib;
		p = end + strspn(end, " ");
	}
	return n;
}

/* The plan of a row: "name=MiB ..." or "!message". */
static void plan_row(const struct row *r, char *out, size_t len)
{
	static struct clone_source src;
	struct target_disk t[CLONE_MAX_DISKS];
	struct clone_opts o = { .esp_size = 256 * mib, .grow = !!(r->flags & GROW),
				.no_size_check = !!(r->flags & NO_SIZE_CHECK), .convert = !!(r->flags & CONVERT) };
	struct err e = { 0, "" };
	int rc = 0;
	make_source(r->lvs, &src);
	size_t nt = make_disks(r->disks, t);
	if (r->layout) {
		struct layout l;
		if ((rc = layout_parse(r->layout, &l, &e)) == 0) {
			rc = clone_plan_layout(&src, &l, "L", &e);
			layout_release(&l);
		}
	}
	if (rc == 0 && o.convert)
		clone_plan_convert(&src);
	if (rc == 0 && (rc = clone_plan_check_names(&src, &e)) == 0) {
		clone_plan_sort(&src);
		rc = clone_plan_sizes(&src, t, nt, &o, NULL, &e);
	}
	if (rc < 0) {
		snprintf(out, len, "!%s", e.msg);
		return;
	}
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < src.nfs && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%s=%llu", i ? " " : "", src.fs[i].clone_lv,
				      (unsigned long long)(src.fs[i].clone_size / mib));
	if (src.boot_part.part && n < len)
		snprintf(out + n, len - n, " @boot=%llu", (unsigned long long)(src.boot_part.clone_size / mib));
}

/* Copy paths: used blocks only where no file-level work is needed. */
static void copy_paths(void)
{
	static struct clone_source src;
	struct clone_opts o = { .copy_mode = CLONE_COPY_AUTO };
	struct err e = { 0, "" };
	make_source("root:512:100:ext4:/ old:128:10:ext3:/old", &src);
	for (size_t i = 0; i < src.nfs; i++) {
		src.fs[i].have_params = 1;
		src.fs[i].clone_size = src.fs[i].size;
	}
	is_int(clone_choose_copy_paths(&src, &o, 1, &e), 0, "copy paths: a read-only source");
	is_int(src.fs[0].block_copy, 1, "  is copied through its used blocks");
	clone_choose_copy_paths(&src, &o, 0, &e);
	is_int(src.fs[0].block_copy, 0, "  a read-write one file by file");
	clone_plan_convert(&src);
	o.copy_mode = CLONE_COPY_BLOCKS;
	is_int(clone_choose_copy_paths(&src, &o, 1, &e), CLONE_E_USAGE, "--copy-mode blocks with -T: refused");
	is_str(e.msg, "--copy-mode blocks: '/old' cannot be copied block for block: converting to ext4 needs a "
	       "file-level copy", "  and says why");
	src.fs[0].clone_size = 256 * mib;
	o.copy_mode = CLONE_COPY_AUTO;
	clone_choose_copy_paths(&src, &o, 1, &e);
	is_int(src.fs[0].block_copy, 0, "a smaller LV on the clone: file by file");
}

static void uuids(void)
{
	int count = 0;
	char *t = strdup("UUID=aaaa / ext4\nUUID=\"aaaa\" /x\nLABEL=aaaa /y\nxUUID=aaaab\n");
	t = clone_replace_uuid(t, "aaaa", "bbbbbbbb", &count);
	is_str(t, "UUID=bbbbbbbb / ext4\nUUID=\"bbbbbbbb\" /x\nLABEL=aaaa /y\nxUUID=bbbbbbbbb\n",
	       "replace_uuid: UUID= and UUID=\" only");
	is_int(count, 3, "  counts what it replaced");
	free(t);

	/* GRUB's configuration: a UUID standing alone, never inside a longer word */
	static const struct {
		const char *in, *old, *new, *want;
		int count;
	} tok[] = {
		{ "search --fs-uuid --set=root 95b5-1 \n", "95b5-1", "c10e-2", "search --fs-uuid --set=root c10e-2 \n", 1 },
		{ "search.fs_uuid 95b5-1 root lvmid/VGU-1/LVU-1", "VGU-1", "NEW-9", "search.fs_uuid 95b5-1 root lvmid/NEW-9/LVU-1", 1 },
		{ "root=/dev/mapper/rootvg-root altkit.vg=VGU-1 quiet", "VGU-1", "NEW-9", "root=/dev/mapper/rootvg-root altkit.vg=NEW-9 quiet", 1 },
		{ "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX altkit.vg=VGU-1\"", "VGU-1", "N", "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX altkit.vg=N\"", 1 },
		{ "xVGU-1 VGU-1x VGU-12 -VGU-1 VGU-1-", "VGU-1", "N", "xVGU-1 VGU-1x VGU-12 -VGU-1 VGU-1-", 0 },
		{ "'VGU-1' VGU-1", "VGU-1", "N", "'N' N", 2 },
	};
	for (size_t i = 0; i < sizeof(tok) / sizeof(tok[0]); i++) {
		count = 0;
		t = clone_replace_token(strdup(tok[i].in), tok[i].old, tok[i].new, &count);
		is_str(t, tok[i].want, tok[i].in);
		is_int(count, tok[i].count, "  replacements");
		free(t);
	}
}

int main(void)
{
	char got[512];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		plan_row(&rows[i], got, sizeof(got));
		is_str(got, rows[i].want, rows[i].what);
	}
	copy_paths();
	uuids();
	return done_testing();
}
