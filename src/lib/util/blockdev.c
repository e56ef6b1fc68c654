/* Enumerate block devices from sysfs and probe them with libblkid. */
#include <blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "blockdev.h"
#include "xalloc.h"

static int read_sysfs(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, len - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static uint64_t read_u64(const char *path)
{
	char buf[32];
	return read_sysfs(path, buf, sizeof(buf)) == 0 ? strtoull(buf, NULL, 10) : 0;
}

static int skip_disk(const char *name)
{
	static const char *const skip[] = { "loop", "ram", "zram", "dm-", "md", "nbd", NULL };
	for (int i = 0; skip[i]; i++)
		if (strncmp(name, skip[i], strlen(skip[i])) == 0)
			return 1;
	return name[0] == '.';
}

static int by_name(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of a directory that satisfy keep(); NULL-terminated. */
static char **sorted_names(const char *dir, int (*keep)(const char *dir, const char *name))
{
	DIR *d = opendir(dir);
	size_t n = 0, cap = 16;
	char **names = xcalloc(cap, sizeof(*names));
	if (!d)
		return names;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || !keep(dir, e->d_name))
			continue;
		if (n + 1 >= cap)
			names = xrealloc(names, (cap *= 2) * sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	names[n] = NULL;
	qsort(names, n, sizeof(*names), by_name);
	return names;
}

static void free_names(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

static int keep_disk(const char *dir, const char *name)
{
	return !skip_disk(name);
}

static int keep_partition(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s/partition", dir, name);
	return access(path, F_OK) == 0;
}

static void fill_common(struct blockdev *bd, const char *sysdir)
{
	char path[512];
	/* sysfs "size" is always in 512-byte units, whatever the sector size */
	snprintf(path, sizeof(path), "%s/size", sysdir);
	bd->size = read_u64(path) * 512;
}

int blockdev_probe(struct blockdev *bd)
{
	char dev[64];
	const char *v;
	snprintf(dev, sizeof(dev), "/dev/%s", bd->name);
	blkid_probe pr = blkid_new_probe_from_filename(dev);
	if (!pr)
		return errno ? -errno : -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	if (blkid_do_safeprobe(pr) == 0) {
		if (!blkid_probe_lookup_value(pr, "TYPE", &v, NULL))
			snprintf(bd->type, sizeof(bd->type), "%s", v);
		if (!blkid_probe_lookup_value(pr, "LABEL", &v, NULL))
			snprintf(bd->label, sizeof(bd->label), "%s", v);
		if (!blkid_probe_lookup_value(pr, "UUID", &v, NULL))
			snprintf(bd->uuid, sizeof(bd->uuid), "%s", v);
		if (!blkid_probe_lookup_value(pr, "PTTYPE", &v, NULL))
			snprintf(bd->pttype, sizeof(bd->pttype), "%s", v);
		if (!blkid_probe_lookup_value(pr, "PART_ENTRY_TYPE", &v, NULL))
			snprintf(bd->part_type, sizeof(bd->part_type), "%s", v);
		if (!blkid_probe_lookup_value(pr, "PART_ENTRY_UUID", &v, NULL))
			snprintf(bd->part_uuid, sizeof(bd->part_uuid), "%s", v);
	}
	blkid_free_probe(pr);
	return 0;
}

int blockdev_list(struct blockdev **list, size_t *n, int probe)
{
	const char *sysblock = "/sys/block";
	char **disks = sorted_names(sysblock, keep_disk);
	size_t cnt = 0, cap = 8;
	struct blockdev *out = xcalloc(cap, sizeof(*out));

	for (size_t i = 0; disks[i]; i++) {
		char dir[512], path[600];
		snprintf(dir, sizeof(dir), "%s/%s", sysblock, disks[i]);
		char **parts = sorted_names(dir, keep_partition);
		for (size_t j = 0; j == 0 || parts[j - 1]; j++) {
			if (cnt + 1 >= cap)
				out = xrealloc(out, (cap *= 2) * sizeof(*out));
			struct blockdev *bd = &out[cnt++];
			memset(bd, 0, sizeof(*bd));
			if (j == 0) {
				snprintf(bd->name, sizeof(bd->name), "%s", disks[i]);
				fill_common(bd, dir);
				snprintf(path, sizeof(path), "%s/device/model", dir);
				read_sysfs(path, bd->model, sizeof(bd->model));
				snprintf(path, sizeof(path), "%s/removable", dir);
				bd->removable = read_u64(path) != 0;
				bd->optical = strncmp(disks[i], "sr", 2) == 0;
				snprintf(path, sizeof(path), "%s/queue/logical_block_size", dir);
				bd->block_size = (unsigned)read_u64(path);
				if (bd->block_size == 0)
					bd->block_size = 512;
			} else {
				char pdir[1100];
				snprintf(bd->name, sizeof(bd->name), "%s", parts[j - 1]);
				snprintf(bd->parent, sizeof(bd->parent), "%s", disks[i]);
				snprintf(pdir, sizeof(pdir), "%s/%s", dir, parts[j - 1]);
				fill_common(bd, pdir);
				snprintf(path, sizeof(path), "%s/partition", pdir);
				bd->partno = (int)read_u64(path);
				snprintf(path, sizeof(path), "%s/start", pdir);
				bd->part_start = read_u64(path);
				bd->part_sectors = bd->size / 512;
			}
			/* An empty optical drive has size 0: nothing to probe. */
			if (probe && bd->size > 0)
				blockdev_probe(bd);
		}
		free_names(parts);
	}
	free_names(disks);
	*list = out;
	*n = cnt;
	return 0;
}

void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int u = 0;
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 100)
		snprintf(buf, len, "%.0f %s", v, units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
}

int blockdev_find_label(const char *label, struct blockdev *out)
{
	struct blockdev *list;
	size_t n;
	int rc = -ENOENT;
	blockdev_list(&list, &n, 1);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(list[i].label, label) == 0) {
			*out = list[i];
			rc = 0;
			break;
		}
	}
	free(list);
	return rc;
}

/* VALUE of "KEY=VALUE" or "KEY=\"VALUE\"" in spec, or NULL. */
static const char *spec_value(const char *spec, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);
	if (strncmp(spec, key, kl) != 0 || spec[kl] != '=')
		return NULL;
	const char *v = spec + kl + 1;
	size_t vl = strlen(v);
	if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
		v++;
		vl -= 2;
	}
	snprintf(buf, len, "%.*s", (int)vl, v);
	return buf;
}

int blockdev_find_spec(const char *spec, struct blockdev *out)
{
	char uuid[64], label[64], partuuid[64], path[4096];
	const char *want_uuid = spec_value(spec, "UUID", uuid, sizeof(uuid));
	const char *want_label = spec_value(spec, "LABEL", label, sizeof(label));
	const char *want_part = spec_value(spec, "PARTUUID", partuuid, sizeof(partuuid));
	const char *want_name = NULL;
	if (!want_uuid && !want_label && !want_part) {
		if (strncmp(spec, "/dev/", 5) != 0 || !realpath(spec, path) || strncmp(path, "/dev/", 5) != 0)
			return -ENOENT;
		want_name = path + 5;
	}
	struct blockdev *list;
	size_t n;
	int rc = -ENOENT;
	blockdev_list(&list, &n, 1);
	for (size_t i = 0; i < n && rc < 0; i++) {
		const struct blockdev *b = &list[i];
		if (want_uuid ? strcasecmp(b->uuid, want_uuid) == 0 : want_label ? strcmp(b->label, want_label) == 0 :
		    want_part ? strcasecmp(b->part_uuid, want_part) == 0 : strcmp(b->name, want_name) == 0) {
			*out = *b;
			rc = 0;
		}
	}
	free(list);
	return rc;
}
