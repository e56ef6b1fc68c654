/* Mount the system a VG holds, the way its own fstab says, inside one tree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blockdev.h"
#include "intree.h"
#include "lvm.h"
#include "mounts.h"
#include "vgtree.h"

#define ROOT_VG_NAME "rootvg"   /* what a system's fstab calls its own VG */

struct vgtree_lv {
	char name[128], dev[300], type[32], uuid[64], label[64];
};

static int mount_one(const struct vgtree_lv *lv, const char *root, const char *rel, unsigned long flags)
{
	int ext = strncmp(lv->type, "ext", 3) == 0;
	const char *type = ext ? "ext4" : lv->type;
	const char *data = (flags & MS_RDONLY) && ext && strcmp(lv->type, "ext2") != 0 ? "noload" :
			   (flags & MS_RDONLY) && strcmp(lv->type, "xfs") == 0 ? "norecovery" : NULL;
	if (!rel)
		return mount(lv->dev, root, type, flags, data) < 0 ? -errno : 0;
	return intree_mount(root, rel, lv->dev, type, flags, data);
}

/* "/dev/mapper/VG-LV": '-' inside either name is doubled. Fills vg and lv. */
static int split_dm_name(const char *name, char *vg, char *lv, size_t len)
{
	char *out = vg;
	size_t k = 0;
	for (const char *p = name; *p; p++) {
		if (p[0] == '-' && p[1] == '-') {
			p++;
		} else if (p[0] == '-' && out == vg) {
			vg[k] = '\0';
			out = lv;
			k = 0;
			continue;
		}
		if (k + 1 >= len)
			return -1;
		out[k++] = *p;
	}
	out[k] = '\0';
	return out == lv ? 0 : -1;
}

static int vg_is(const char *name, size_t n, const char *vg)
{
	return (strlen(vg) == n && strncmp(name, vg, n) == 0) ||
	       (strlen(ROOT_VG_NAME) == n && strncmp(name, ROOT_VG_NAME, n) == 0);
}

int vgtree_fstab_names(const char *spec, const char *vg, const char *lv, const char *uuid, const char *label)
{
	char dvg[128], dlv[128];
	if (strncmp(spec, "UUID=", 5) == 0)
		return uuid[0] && strcmp(spec + 5, uuid) == 0;
	if (strncmp(spec, "LABEL=", 6) == 0)
		return label[0] && strcmp(spec + 6, label) == 0;
	if (strncmp(spec, "/dev/mapper/", 12) == 0)
		return split_dm_name(spec + 12, dvg, dlv, sizeof(dvg)) == 0 && vg_is(dvg, strlen(dvg), vg) &&
		       strcmp(dlv, lv) == 0;
	if (strncmp(spec, "/dev/", 5) != 0)
		return 0;
	const char *name = spec + 5, *slash = strchr(name, '/');
	return slash && !strchr(slash + 1, '/') && vg_is(name, (size_t)(slash - name), vg) &&
	       strcmp(slash + 1, lv) == 0;
}

static const struct vgtree_lv *fstab_lv(const struct vgtree_lv *lvs, size_t n, const char *vg, const char *spec)
{
	for (size_t i = 0; i < n; i++)
		if (vgtree_fstab_names(spec, vg, lvs[i].name, lvs[i].uuid, lvs[i].label))
			return &lvs[i];
	return NULL;
}

static int has_fstab(const char *dir)
{
	int fd = intree_open(dir, "etc/fstab", O_RDONLY, 0);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int mount_root(const struct vgtree_lv *lvs, size_t n, const char *root_lv, const char *dir,
		      unsigned long flags, struct err *e)
{
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < n; i++) {
			const struct vgtree_lv *l = &lvs[i];
			int want = pass == 0 ? root_lv && strcmp(l->name, root_lv) == 0 :
				   pass == 1 ? !root_lv && strcmp(l->name, "root") == 0 : !root_lv;
			if (!want || !l->type[0] || strcmp(l->type, "swap") == 0)
				continue;
			/* looked at read-only (no journal replayed): only the
			 * root found is mounted as asked */
			if (mount_one(l, dir, NULL, MS_RDONLY) < 0)
				continue;
			int found = has_fstab(dir);
			if (found && (flags & MS_RDONLY))
				return 0;
			umount(dir);
			if (found) {
				int rc = mount_one(l, dir, NULL, flags);
				if (rc < 0)
					return err_errno(e, rc, "cannot mount its root '%s'", l->name);
				return 0;
			}
		}
	return err_set(e, -ENOENT, "no logical volume holds a root filesystem with /etc/fstab%s%s%s",
		       root_lv ? " (looked at " : "", root_lv ? root_lv : "", root_lv ? ")" : "");
}

int vgtree_mount(const char *vg, const char *root_lv, const char *dir, unsigned long flags,
		 struct err *e)
{
	char select[192];
	struct lvm_lv *raw;
	size_t n;
	snprintf(select, sizeof(select), "vg_name=%s", vg);
	int rc = lvm_lvs(select, &raw, &n, e);
	if (rc < 0)
		return err_prefix(e, "cannot list its logical volumes");
	struct vgtree_lv *lvs = calloc(n + 1, sizeof(*lvs));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (raw[i].attr[0] != '-' && raw[i].attr[0] != 'o')
			continue;       /* no snapshots, pools or hidden LVs */
		struct vgtree_lv *l = &lvs[k++];
		struct blockdev bd = { 0 };
		snprintf(l->name, sizeof(l->name), "%s", raw[i].name);
		snprintf(l->dev, sizeof(l->dev), "%s", raw[i].dm_path);
		snprintf(bd.name, sizeof(bd.name), "%s", l->dev + 5);
		blockdev_probe(&bd);
		snprintf(l->type, sizeof(l->type), "%s", bd.type);
		snprintf(l->uuid, sizeof(l->uuid), "%s", bd.uuid);
		snprintf(l->label, sizeof(l->label), "%s", bd.label);
	}
	free(raw);
	mkdir(dir, 0755);
	if ((rc = mount_root(lvs, k, root_lv, dir, flags, e)) < 0) {
		free(lvs);
		return rc;
	}
	int fd = intree_open(dir, "etc/fstab", O_RDONLY, 0);
	FILE *fst = fd >= 0 ? fdopen(fd, "r") : NULL;
	char line[1024];
	while (fst && rc == 0 && fgets(line, sizeof(line), fst)) {
		char spec[512], mp[256], type[32];
		if (line[0] == '#' || sscanf(line, "%511s %255s %31s", spec, mp, type) != 3 || mp[0] != '/' ||
		    strcmp(mp, "/") == 0)
			continue;
		const struct vgtree_lv *l = fstab_lv(lvs, k, vg, spec);
		if (!l || !l->type[0] || strcmp(l->type, "swap") == 0)
			continue;
		if (!(flags & MS_RDONLY))
			intree_mkdir(dir, mp, 0755);
		rc = mount_one(l, dir, mp, flags);
		if (rc < 0)
			err_errno(e, rc, "cannot mount its '%s' (%s) on '%s%s'", mp, l->name, dir, mp);
	}
	if (fst)
		fclose(fst);
	free(lvs);
	if (rc < 0)
		vgtree_unmount(dir, NULL);
	return rc;
}

int vgtree_unmount(const char *dir, struct err *e)
{
	struct mount_table mt;
	size_t dl = strlen(dir);
	if (mounts_read(&mt) < 0) {
		return err_set(e, -EIO, "cannot read the mount table");
	}
	int rc = 0;
	for (size_t i = mt.n; i-- > 0 && rc == 0;) {
		const char *tg = mt.e[i].target;
		if (strncmp(tg, dir, dl) != 0 || (tg[dl] != '/' && tg[dl] != '\0'))
			continue;
		if (umount(tg) < 0) {
			rc = err_errno(e, -errno, "cannot unmount '%s'", tg);
		}
	}
	mounts_release(&mt);
	return rc;
}
