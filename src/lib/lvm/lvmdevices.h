#ifndef ALTKIT_LVMDEVICES_H
#define ALTKIT_LVMDEVICES_H
#include "err.h"

/* LVM's devices file (lvm2 2.03.12 and later): where a system has
 * <LVM system dir>/devices/system.devices, its LVM uses only the PVs listed
 * there (RHEL 9 makes one at install; Debian when an admin does). A clone's
 * PVs are new devices: the clone's own file must list them, and at boot the
 * initramfs's copy of the file (baked in when the source made it) must too,
 * or LVM ignores the VG that boots. */

/* SYSTEM_DIR (the LVM system directory, NULL: $LVM_SYSTEM_DIR or /etc/lvm)
 * has a devices/system.devices file. */
int lvmdevices_in_use(const char *system_dir);

/* Add the PVs of the VG with this UUID to SYSTEM_DIR's devices file (it must
 * exist) through `lvmdevices --adddev`, each unless the file names its PVID
 * already. *added counts those added. 0, or a negative code with e. */
int lvmdevices_add_vg(const char *system_dir, const char *vg_uuid, int *added, struct err *e);
#endif
