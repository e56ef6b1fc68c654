/* The programs a clone runs (lvm, mkfs.fat, e2fsprogs, mkswap), listed from
 * the options and the plan and looked up in PATH before anything is
 * written: a missing one is found now, named with the package it comes
 * with, not after the target disks are partitioned. They are the
 * distribution's, declared as the package's dependencies, not shipped. */
#include <errno.h>
#include <string.h>

#include "clone.h"
#include "findprog.h"
#include "lvm.h"
#include "banned.h"

/* Each program a clone runs and the package that has it (the same name on
 * Debian, Ubuntu, RHEL and SUSE). */
static const struct {
	const char *prog, *package;
} helpers[] = {
	{ "lvm", "lvm2" },
	{ "mkfs.fat", "dosfstools" },
	{ "mkswap", "util-linux" },
	{ "mke2fs", "e2fsprogs" },
	{ "tune2fs", "e2fsprogs" },
	{ "e2fsck", "e2fsprogs" },
	{ "resize2fs", "e2fsprogs" },
};

const char *clone_helper_package(const char *prog)
{
	/* ALTKIT_LVM names a path: its last part */
	const char *base = strrchr(prog, '/');
	base = base ? base + 1 : prog;
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (strcmp(helpers[i].prog, base) == 0)
			return helpers[i].package;
	return NULL;
}

int clone_helper_check(const char *prog, struct err *e)
{
	int rc = findprog(prog, NULL, 0);
	if (rc == 0)
		return 0;
	const char *pkg = clone_helper_package(prog);
	int path = strchr(prog, '/') != NULL;
	const char *why = rc == -EACCES ? (path ? "not an executable file" : "no executable file of that name in PATH")
					: (path ? "no such file" : "not found in PATH");
	return err_set(e, rc, "%s is not installed (%s)%s%s", prog, why, pkg ? ": it comes with " : "",
		       pkg ? pkg : "");
}

static void add(const char **list, size_t max, size_t *n, const char *prog)
{
	for (size_t i = 0; i < *n && i < max; i++)
		if (strcmp(list[i], prog) == 0)
			return;
	if (*n < max)
		list[*n] = prog;
	(*n)++;
}

/* Phase 1's programs for one filesystem, as clone_phase1.c and
 * clone_copy.c run them. Before clone_choose_copy_paths has decided (it
 * comes after the snapshots), an ext filesystem may go either way: made
 * by mke2fs (then tune2fs for what mke2fs cannot set), or copied through
 * its used blocks (then e2fsck, tune2fs -U, resize2fs). */
static void fs_helpers(const struct clone_fs *f, enum clone_copy_mode mode, const char **list, size_t max,
		       size_t *n)
{
	if (strcmp(f->fstype, "swap") == 0) {
		add(list, max, n, "mkswap");
		return;
	}
	if (strncmp(f->fstype, "ext", 3) != 0)
		return;   /* copied block for block, by altkit itself */
	int may_block_copy = f->mountpoint[0] && f->have_params && mode != CLONE_COPY_FILES;
	if (!may_block_copy || mode != CLONE_COPY_BLOCKS) {
		add(list, max, n, "mke2fs");
		add(list, max, n, "tune2fs");
	}
	if (may_block_copy) {
		add(list, max, n, "e2fsck");
		add(list, max, n, "tune2fs");
		add(list, max, n, "resize2fs");
	}
}

size_t clone_helpers(const struct clone *c, const char **list, size_t max)
{
	size_t n = 0;
	add(list, max, &n, lvm_program());
	if (!c->o.want[1])
		return n;   /* phases 2 and 3 run lvm alone (-s is the user's) */
	add(list, max, &n, "mkfs.fat");
	for (size_t i = 0; i < c->src.nfs; i++)
		fs_helpers(&c->src.fs[i], c->o.copy_mode, list, max, &n);
	if (c->src.boot_part.part)
		fs_helpers(&c->src.boot_part, c->o.copy_mode, list, max, &n);
	return n;
}

int clone_check_helpers(const struct clone *c, struct err *e)
{
	const char *list[16];
	size_t n = clone_helpers(c, list, sizeof(list) / sizeof(list[0]));
	for (size_t i = 0; i < n && i < sizeof(list) / sizeof(list[0]); i++) {
		int rc = clone_helper_check(list[i], e);
		if (rc < 0)
			return rc;
	}
	return 0;
}
