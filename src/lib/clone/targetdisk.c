/* Target disk checks, from sysfs, the mount table and LVM's PV report. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lvm.h"
#include "mounts.h"
#include "samedev.h"
#include "targetdisk.h"

/* "'vdb': <reason>" */
static int refuse(struct err *e, const char *disk, const char *fmt, const char *arg)
{
	char reason[600];
	snprintf(reason, sizeof(reason), fmt, arg);
	return err_set(e, -EBUSY, "'%s': %s", disk, reason);
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	int ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The first entry of a sysfs "holders" directory, or "" */
static void first_holder(const char *dir, char *out, size_t len)
{
	DIR *d = opendir(dir);
	out[0] = '\0';
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.') {
			snprintf(out, len, "%s", e->d_name);
			break;
		}
	closedir(d);
}

/* The disk and each of its partitions: name and major:minor. */
struct node {
	char name[64];
	unsigned major, minor;
};

static size_t disk_nodes(const char *disk, struct node *nodes, size_t max)
{
	char path[512], buf[64];
	size_t n = 0;
	snprintf(path, sizeof(path), "/sys/block/%s/dev", disk);
	if (read_line(path, buf, sizeof(buf)) == 0 &&
	    sscanf(buf, "%u:%u", &nodes[0].major, &nodes[0].minor) == 2) {
		snprintf(nodes[0].name, sizeof(nodes[0].name), "%s", disk);
		n = 1;
	}
	snprintf(path, sizeof(path), "/sys/block/%s", disk);
	DIR *d = opendir(path);
	for (struct dirent *e; d && n < max && (e = readdir(d));) {
		if (strncmp(e->d_name, disk, strlen(disk)) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/%s/dev", disk, e->d_name);
		if (read_line(path, buf, sizeof(buf)) == 0 &&
		    sscanf(buf, "%u:%u", &nodes[n].major, &nodes[n].minor) == 2) {
			snprintf(nodes[n].name, sizeof(nodes[n].name), "%s", e->d_name);
			n++;
		}
	}
	if (d)
		closedir(d);
	return n;
}

/* What sysfs says: a whole disk, writable, with a medium. */
static int check_sysfs(const char *arg, const char *name, struct target_disk *d, struct err *e)
{
	char path[512], buf[128];
	if (!*name || strchr(name, '/') || strlen(name) >= sizeof(d->name))
		return refuse(e, arg, "is not a disk name", "");
	snprintf(path, sizeof(path), "/sys/class/block/%s", name);
	if (access(path, F_OK) < 0)
		return refuse(e, arg, "no such disk", "");
	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
	if (access(path, F_OK) == 0)
		return refuse(e, arg, "is a partition, not a whole disk", "");
	if (strncmp(name, "dm-", 3) == 0 || strncmp(name, "loop", 4) == 0 || strncmp(name, "sr", 2) == 0)
		return refuse(e, arg, "is not a disk (device-mapper, loop or optical device)", "");
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->dev, sizeof(d->dev), "/dev/%s", name);

	snprintf(path, sizeof(path), "/sys/block/%s/ro", name);
	if (read_line(path, buf, sizeof(buf)) == 0 && strcmp(buf, "1") == 0)
		return refuse(e, arg, "is read-only", "");
	snprintf(path, sizeof(path), "/sys/block/%s/size", name);
	if (read_line(path, buf, sizeof(buf)) == 0)
		d->size = strtoull(buf, NULL, 10) * 512;
	if (d->size == 0)
		return refuse(e, arg, "has no medium (size 0)", "");
	return 0;
}

static int same_node(dev_t rdev, const struct node *nodes, size_t nn)
{
	for (size_t j = 0; j < nn; j++)
		if (major(rdev) == nodes[j].major && minor(rdev) == nodes[j].minor)
			return (int)j;
	return -1;
}

/* In a VG: a PV on the disk, on one of its partitions, or on anything that
 * reaches them (a loop device backed by a file there, a dm or md device
 * stacked on them): samedev compares what the paths finally reach. */
static int check_pvs(const char *arg, const char *dev, const char *source_vg, struct err *e)
{
	struct lvm_pv *pvs;
	size_t npv;
	int rc = 0;
	if (lvm_pvs(NULL, &pvs, &npv, NULL) < 0)
		return 0;
	for (size_t i = 0; i < npv && rc == 0; i++) {
		if (samedev(dev, pvs[i].name, NULL, 0, NULL) != 1)
			continue;
		if (!pvs[i].vg_name[0])
			rc = refuse(e, arg, "holds an LVM physical volume (%s) outside any volume group; run 'lvm pvremove' first", pvs[i].name);
		else if (source_vg && strcmp(pvs[i].vg_name, source_vg) == 0)
			rc = refuse(e, arg, "holds the source volume group '%s'", pvs[i].vg_name);
		else
			rc = refuse(e, arg, "is in use by volume group '%s'", pvs[i].vg_name);
	}
	free(pvs);
	return rc;
}

/* Mounted, held (device-mapper, md) or a swap area in use. */
static int check_users(const char *arg, const char *name, const struct node *nodes, size_t nn, struct err *e)
{
	char path[512];
	struct mount_table mt;
	if (mounts_read(&mt) == 0) {
		for (size_t j = 0; j < nn; j++) {
			const struct mount_entry *m = mounts_find_dev(&mt, nodes[j].major, nodes[j].minor);
			if (m) {
				char what[600];
				snprintf(what, sizeof(what), "'%s' on %s", nodes[j].name, m->target);
				mounts_release(&mt);
				return refuse(e, arg, "is mounted (%s)", what);
			}
		}
		mounts_release(&mt);
	}
	for (size_t j = 0; j < nn; j++) {
		char holder[64];
		if (j == 0)
			snprintf(path, sizeof(path), "/sys/block/%s/holders", name);
		else
			snprintf(path, sizeof(path), "/sys/block/%s/%s/holders", name, nodes[j].name);
		first_holder(path, holder, sizeof(holder));
		if (holder[0])
			return refuse(e, arg, "is in use by %s", holder);
	}
	/* A swap area in use does not show as a mount. */
	FILE *f = fopen("/proc/swaps", "re");
	char line[512];
	int rc = 0;
	while (f && rc == 0 && fgets(line, sizeof(line), f)) {
		char dev[256];
		struct stat st;
		int j;
		if (sscanf(line, "%255s", dev) != 1 || stat(dev, &st) < 0)
			continue;
		if ((j = same_node(st.st_rdev, nodes, nn)) >= 0)
			rc = refuse(e, arg, "is in use as swap (%s)", nodes[j].name);
	}
	if (f)
		fclose(f);
	return rc;
}

int target_disk_check(const char *arg, const char *source_vg, struct target_disk *d, struct err *e)
{
	const char *name = strncmp(arg, "/dev/", 5) == 0 ? arg + 5 : arg;
	int rc;
	memset(d, 0, sizeof(*d));
	if ((rc = check_sysfs(arg, name, d, e)) < 0)
		return rc;
	struct node nodes[128];
	size_t nn = disk_nodes(name, nodes, 128);
	if (nn == 0)
		return refuse(e, arg, "cannot be read from sysfs", "");
	d->major = nodes[0].major;
	d->minor = nodes[0].minor;
	if ((rc = check_pvs(arg, d->dev, source_vg, e)) < 0)
		return rc;
	return check_users(arg, name, nodes, nn, e);
}
