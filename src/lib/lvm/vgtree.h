#ifndef ALTKIT_VGTREE_H
#define ALTKIT_VGTREE_H
#include <stddef.h>

#include "err.h"

/* The system tree a volume group holds, mounted on a directory: its root LV,
 * then what its own /etc/fstab mounts from the same VG, each mount point
 * reached inside the tree (src/lib/intree.c). The VG must be active.
 * Return 0 or a negative code with the reason in e; never print. */

/* ROOT_LV: the LV to mount as / (NULL: "root" if it holds etc/fstab, else the
 * first LV that does). flags: MS_RDONLY or 0. ext* mounted read-only are not
 * journal-replayed (noload): the VG's data stays as it is. */
int vgtree_mount(const char *vg, const char *root_lv, const char *dir, unsigned long flags,
		 struct err *e);

/* Does an fstab device SPEC name LV of VG, with filesystem UUID and LABEL?
 * /dev/VG/LV and /dev/mapper/VG-LV (doubled '-' undone) match with the VG's
 * name here or "rootvg" (the name it has on its own system: a clone or an
 * old_rootvg is rootvg there); UUID= and LABEL= by value. */
int vgtree_fstab_names(const char *spec, const char *vg, const char *lv, const char *uuid, const char *label);

/* Unmount DIR and everything below it, deepest first. */
int vgtree_unmount(const char *dir, struct err *e);
#endif
