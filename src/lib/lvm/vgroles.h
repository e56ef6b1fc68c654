#ifndef ALTKIT_VGROLES_H
#define ALTKIT_VGROLES_H

#include "err.h"
#include <stddef.h>

/* The names of root-capable VGs at boot (DESIGN §2): the VG booted becomes
 * rootvg, the one that held rootvg becomes old_rootvg, an old_rootvg in the
 * way becomes old_rootvgN. Every rename is by UUID and every step is decided
 * from the names LVM has now, so a power cut between two renames is completed
 * by the next boot: the LVM metadata is the journal. */

#define ROOTVG "rootvg"
#define OLD_ROOTVG "old_rootvg"
#define ROOTVG_TMP "altkit_booting"     /* the booted VG's name for a moment during a rollback */

struct vgroles_step {
	char uuid[40];
	char from[128], to[128];
};

struct vgroles_plan {
	struct vgroles_step steps[4];
	size_t n;
};

struct vg_name_uuid {
	const char *name, *uuid;
};

/* The role a VG name stands for: "booted" (rootvg), "alternate"
 * (altinst_rootvg), "previous" (old_rootvg, old_rootvgN), or "-". */
const char *vgroles_role(const char *name);

/* Pure: the renames that make BOOT_UUID rootvg, given the VGs that exist.
 * Returns 0, or -ENOENT when no VG has BOOT_UUID. */
int vgroles_plan(const struct vg_name_uuid *vgs, size_t n, const char *boot_uuid,
		 struct vgroles_plan *plan);

/* Read the VGs, plan, and rename one step at a time. step_done, if set, is
 * called after each rename (for messages). Returns 0, -ENOENT, or the LVM
 * error (e says why). */
int vgroles_take_root(const char *boot_uuid,
		      void (*step_done)(const struct vgroles_step *s, void *arg), void *arg, struct err *e);
#endif
