/* The life cycle of an alternate volume group (a clone, an old_rootvg, a VG
 * woken as altinst_rootvg on /alt_inst): customize, put to sleep, and the
 * temporary snapshots alt_disk_copy takes, removed when a run died. */
#ifndef ALTKIT_ALTVG_H
#define ALTKIT_ALTVG_H

#include "err.h"

/* alt_disk_copy's temporary snapshots are called ALTVG_SNAP_PREFIX<LV>. */
#define ALTVG_SNAP_PREFIX "altkit_snap_"

/* Remove the snapshots named ALTVG_SNAP_PREFIX* of the VG with this UUID
 * (NULL: of every VG), unmounting MNT_DIR/<LV> first when mnt_dir is given.
 * done (may be NULL) hears of each: e NULL when removed, else why not. */
void altvg_remove_snapshots(const char *vg_uuid, const char *mnt_dir,
			    void (*done)(void *arg, const char *vg_lv, const struct err *e), void *arg);

/* Unmount /alt_inst and all below it, then deactivate altinst_rootvg.
 * e: "cannot unmount '/alt_inst/var': ..." or "deactivating altinst_rootvg:
 * <lvm's words>". */
int altvg_sleep(struct err *e);

/* Customize the tree on /alt_inst. The command words the messages: it
 * knows which option named the file. */
/* Install resolv as its /etc/resolv.conf, never through a symlink of the
 * tree; 0 or -errno. */
int altvg_install_resolv(const char *resolv);
/* Run script with ALT_INST=/alt_inst: its exit status, or -errno when it
 * could not run. */
int altvg_run_script(const char *script);
#endif
