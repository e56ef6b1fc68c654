/* The life cycle of alternate volume groups (altvg.h), shared by
 * alt_disk_copy, alt_rootvg_op and altkit-init. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "altinst.h"
#include "altvg.h"
#include "intree.h"
#include "lvm.h"
#include "run.h"
#include "vgtree.h"

void altvg_remove_snapshots(const char *vg_uuid, const char *mnt_dir,
			    void (*done)(void *arg, const char *vg_lv, const struct err *e), void *arg)
{
	char select[256];
	struct lvm_lv *lvs;
	size_t n;
	if (vg_uuid)
		snprintf(select, sizeof(select), "vg_uuid=%s && lv_name=~^%s", vg_uuid, ALTVG_SNAP_PREFIX);
	else
		snprintf(select, sizeof(select), "lv_name=~^%s", ALTVG_SNAP_PREFIX);
	if (lvm_lvs(select, &lvs, &n, NULL) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		char dir[400], name[300];
		struct err e;
		if (mnt_dir) {
			snprintf(dir, sizeof(dir), "%s/%s", mnt_dir, lvs[i].name + strlen(ALTVG_SNAP_PREFIX));
			umount(dir);
		}
		snprintf(name, sizeof(name), "%s/%s", lvs[i].vg_name, lvs[i].name);
		const char *args[] = { "lvremove", "-y", name, NULL };
		int rc = lvm_run(args, &e);
		if (done)
			done(arg, name, rc < 0 ? &e : NULL);
	}
	free(lvs);
}

int altvg_sleep(struct err *e)
{
	int rc = vgtree_unmount(ALTINST_MNT, e);
	if (rc < 0)
		return rc;
	const char *deact[] = { "vgchange", "-an", ALTINST_VG, NULL };
	if ((rc = lvm_run(deact, e)) < 0)
		err_prefix(e, "deactivating altinst_rootvg");
	return rc;
}

int altvg_install_resolv(const char *resolv)
{
	return intree_copy_in(ALTINST_MNT, resolv, "etc/resolv.conf", 0644);
}

int altvg_run_script(const char *script)
{
	setenv("ALT_INST", ALTINST_MNT, 1);
	char *argv[] = { (char *)script, NULL };
	return run_status(argv, 0);
}
