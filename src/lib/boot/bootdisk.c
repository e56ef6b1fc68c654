/* Disks altkit can boot: their ESP (from sysfs and libblkid), their VG (from
 * LVM) and the boot files on the ESP. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blockdev.h"
#include "bootdisk.h"
#include "cmdline.h"
#include "gpt.h"
#include "lvm.h"
#include "mounts.h"
#include "readall.h"
#include "xalloc.h"

/* The reason in e (may be NULL); fmt is one of the literals below. */
static void why_set(struct err *e, const char *fmt, const char *a, const char *b)
{
	if (e) {
		snprintf(e->msg, sizeof(e->msg), fmt, a, b);
		e->code = -EINVAL;
	}
}

/* What the disks hold: one libblkid pass and one `lvm pvs` for every question. */
struct scan {
	struct blockdev *list;
	size_t n;
	struct lvm_pv *pvs;
	size_t npv;
};

static void scan_open(struct scan *s)
{
	blockdev_list(&s->list, &s->n, 1);
	if (lvm_pvs(NULL, &s->pvs, &s->npv, NULL) < 0) {
		s->pvs = NULL;
		s->npv = 0;
	}
}

static void scan_close(struct scan *s)
{
	free(s->list);
	free(s->pvs);
}

/* The VG on the disk's partitions (the first one found), and whether others are there too. */
static void fill_vg(struct bootdisk *d, const struct scan *s)
{
	d->vg_name[0] = d->vg_uuid[0] = '\0';
	d->nvgs = 0;
	for (size_t p = 0; p < s->npv; p++) {
		const char *pv = strncmp(s->pvs[p].name, "/dev/", 5) == 0 ? s->pvs[p].name + 5 : s->pvs[p].name;
		for (size_t i = 0; i < s->n; i++) {
			if (strcmp(s->list[i].name, pv) != 0 || strcmp(s->list[i].parent, d->disk) != 0 ||
			    !s->pvs[p].vg_uuid[0])
				continue;
			if (!d->vg_uuid[0]) {
				snprintf(d->vg_name, sizeof(d->vg_name), "%s", s->pvs[p].vg_name);
				snprintf(d->vg_uuid, sizeof(d->vg_uuid), "%s", s->pvs[p].vg_uuid);
				d->nvgs = 1;
			} else if (strcmp(d->vg_uuid, s->pvs[p].vg_uuid) != 0) {
				d->nvgs++;  /* a third VG's second PV counts twice: only 1 or more matters */
			}
		}
	}
}

/* Fill d from the disk at list[di]: its first ESP. -ENOENT without one. */
static int fill_esp(struct bootdisk *d, const struct blockdev *list, size_t n, size_t di)
{
	const struct blockdev *disk = &list[di];
	snprintf(d->disk, sizeof(d->disk), "%s", disk->name);
	for (size_t i = 0; i < n; i++) {
		const struct blockdev *p = &list[i];
		if (strcmp(p->parent, disk->name) != 0 || strcasecmp(p->part_type, GPT_TYPE_ESP) != 0)
			continue;
		unsigned bs = disk->block_size ? disk->block_size : 512;
		snprintf(d->esp, sizeof(d->esp), "/dev/%s", p->name);
		d->partno = (unsigned)p->partno;
		d->start = p->part_start * 512 / bs;
		d->size = p->part_sectors * 512 / bs;
		snprintf(d->part_uuid, sizeof(d->part_uuid), "%s", p->part_uuid);
		return 0;
	}
	return -ENOENT;
}

int bootdisk_resolve(const char *arg, struct bootdisk *d, struct err *e)
{
	const char *name = strncmp(arg, "/dev/", 5) == 0 ? arg + 5 : arg;
	struct scan sc;
	size_t di = (size_t)-1;
	memset(d, 0, sizeof(*d));
	if (!*name || strchr(name, '/')) {
		why_set(e, "is not a disk name (expected e.g. vdb or /dev/vdb)", "", "");
		return -1;
	}
	scan_open(&sc);
	const struct blockdev *list = sc.list;
	size_t n = sc.n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			di = i;
	int rc = -1;
	if (di == (size_t)-1)
		why_set(e, "no such disk", "", "");
	else if (list[di].parent[0])
		why_set(e, "is a partition of '%s'; name the whole disk", list[di].parent, "");
	else if (list[di].optical)
		why_set(e, "is an optical drive", "", "");
	else if (strcmp(list[di].pttype, "gpt") != 0)
		why_set(e, "has no GPT partition table%s%s", list[di].pttype[0] ? " (it has " : "",
			list[di].pttype[0] ? "another)" : "");
	else if (fill_esp(d, list, n, di) < 0)
		why_set(e, "has no EFI system partition", "", "");
	else if (!d->part_uuid[0])
		why_set(e, "its EFI system partition has no partition GUID", "", "");
	else {
		fill_vg(d, &sc);
		if (!d->vg_uuid[0])
			why_set(e, "holds no volume group (nothing altkit can boot)", "", "");
		else
			rc = 0;
	}
	scan_close(&sc);
	return rc;
}

size_t bootdisk_all(struct bootdisk **out)
{
	struct scan sc;
	size_t found = 0;
	scan_open(&sc);
	*out = xcalloc(sc.n + 1, sizeof(**out));
	for (size_t di = 0; di < sc.n; di++) {
		struct bootdisk *d = &(*out)[found];
		if (sc.list[di].parent[0] || sc.list[di].optical || fill_esp(d, sc.list, sc.n, di) < 0 ||
		    !d->part_uuid[0] || !d->partno || !d->size) {
			memset(d, 0, sizeof(*d));
			continue;
		}
		fill_vg(d, &sc);
		found++;
	}
	scan_close(&sc);
	return found;
}

size_t bootdisk_of_vg(const char *vg_uuid, struct bootdisk *out, size_t max)
{
	struct bootdisk *all;
	size_t n = bootdisk_all(&all), found = 0;
	for (size_t i = 0; i < n && found < max; i++)
		if (strcmp(all[i].vg_uuid, vg_uuid) == 0)
			out[found++] = all[i];
	free(all);
	return found;
}

/* A file under the ESP's EFI/altkit, opened without following symlinks. */
static int open_boot_file(int espfd, const char *name)
{
	int efi = openat(espfd, "EFI", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (efi < 0)
		return -errno;
	int dir = openat(efi, "altkit", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int e = errno;
	close(efi);
	if (dir < 0)
		return -e;
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	e = errno;
	close(dir);
	return fd < 0 ? -e : fd;
}

static int check_esp_files(int espfd, char *cmdline, size_t len, struct err *e)
{
	static const char *const need[] = { "vmlinuz.efi", "initramfs.img", NULL };
	for (int i = 0; need[i]; i++) {
		int fd = open_boot_file(espfd, need[i]);
		if (fd < 0) {
			why_set(e, "its EFI system partition has no EFI/altkit/%s", need[i], "");
			return -1;
		}
		close(fd);
	}
	cmdline[0] = '\0';
	int fd = open_boot_file(espfd, "cmdline");
	if (fd >= 0) {
		size_t n;
		char *text = read_all_fd(fd, &n);
		close(fd);
		if (!text) {
			why_set(e, "its EFI/altkit/cmdline cannot be read", "", "");
			return -1;
		}
		text[strcspn(text, "\n")] = '\0';
		size_t tl = strlen(text);
		if (tl >= len) {
			free(text);
			err_set(e, -EINVAL, "its EFI/altkit/cmdline is longer than %zu bytes", len - 1);
			return -1;
		}
		memcpy(cmdline, text, tl + 1);
		free(text);
	}
	return 0;
}

/* Where the ESP is mounted, into dir ("" when it is not). */
static void esp_mounted_on(const struct stat *st, char *dir, size_t len)
{
	struct mount_table mt;
	dir[0] = '\0';
	if (mounts_read(&mt) == 0) {
		const struct mount_entry *me = mounts_find_dev(&mt, major(st->st_rdev), minor(st->st_rdev));
		if (me)
			snprintf(dir, len, "%s", me->target);
		mounts_release(&mt);
	}
}

int bootdisk_esp_mounted(const struct bootdisk *d)
{
	struct stat st;
	char dir[300];
	if (stat(d->esp, &st) < 0 || !S_ISBLK(st.st_mode))
		return 0;
	esp_mounted_on(&st, dir, sizeof(dir));
	return dir[0] != '\0';
}

int bootdisk_esp_open(const struct bootdisk *d, struct bootdisk_esp *m, struct err *e)
{
	struct stat st;
	m->fd = -1;
	m->mounted_here = 0;
	m->dir[0] = '\0';
	if (stat(d->esp, &st) < 0) {
		why_set(e, "cannot find its EFI system partition '%s'", d->esp, "");
		return -1;
	}
	esp_mounted_on(&st, m->dir, sizeof(m->dir));
	if (!m->dir[0]) {
		snprintf(m->dir, sizeof(m->dir), "/run/altkit-esp.XXXXXX");
		if (!mkdtemp(m->dir)) {
			snprintf(m->dir, sizeof(m->dir), "/tmp/altkit-esp.XXXXXX");
			if (!mkdtemp(m->dir)) {
				why_set(e, "cannot make a directory to mount '%s' on", d->esp, "");
				return -1;
			}
		}
		if (mount(d->esp, m->dir, "vfat", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
			int saved = errno;
			rmdir(m->dir);
			err_set(e, -EINVAL, "cannot mount its EFI system partition '%s': %s", d->esp, strerror(saved));
			return -1;
		}
		m->mounted_here = 1;
	}
	m->fd = open(m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->fd < 0) {
		err_set(e, -EINVAL, "cannot open '%s': %s", m->dir, strerror(errno));
		bootdisk_esp_close(m);
		return -1;
	}
	return 0;
}

void bootdisk_esp_close(struct bootdisk_esp *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	if (m->mounted_here) {
		umount(m->dir);
		rmdir(m->dir);
		m->mounted_here = 0;
	}
}

int bootdisk_esp_has(const struct bootdisk_esp *m, const char *fw_path)
{
	char path[BOOTDISK_LOADER_MAX];
	const char *p = fw_path;
	while (*p == '\\')
		p++;
	if (!*p || strlen(p) >= sizeof(path))
		return 0;
	snprintf(path, sizeof(path), "%s", p);
	int dir = dup(m->fd);
	if (dir < 0)
		return 0;
	/* each component without following symlinks (vfat has none, but a
	 * mounted ESP may be any file system) */
	char *save, *next, *c = strtok_r(path, "\\", &save);
	while (c) {
		next = strtok_r(NULL, "\\", &save);
		int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (next ? O_DIRECTORY : 0);
		int fd = strcmp(c, "..") == 0 || strcmp(c, ".") == 0 ? -1 : openat(dir, c, flags);
		close(dir);
		if (fd < 0)
			return 0;
		dir = fd;
		c = next;
	}
	struct stat st;
	int regular = fstat(dir, &st) == 0 && S_ISREG(st.st_mode);
	close(dir);
	return regular;
}

/* The boot loaders altkit knows, in the order preferred: shim (Secure Boot)
 * before GRUB itself. */
static const char *const known_loaders[] = { "shimx64.efi", "grubx64.efi", NULL };

size_t bootdisk_esp_loaders(const struct bootdisk_esp *m, char (*out)[BOOTDISK_LOADER_MAX], size_t max)
{
	int efi = openat(m->fd, "EFI", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (efi < 0)
		return 0;
	DIR *dir = fdopendir(efi);
	if (!dir) {
		close(efi);
		return 0;
	}
	size_t found = 0;
	struct dirent *de;
	/* readdir order is the file system's: a sorted list reads the same every time */
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || strcasecmp(de->d_name, "BOOT") == 0 ||
		    strcasecmp(de->d_name, "altkit") == 0 || strlen(de->d_name) > 64)
			continue;
		for (int k = 0; known_loaders[k]; k++) {
			char path[BOOTDISK_LOADER_MAX];
			snprintf(path, sizeof(path), "\\EFI\\%s\\%s", de->d_name, known_loaders[k]);
			if (!bootdisk_esp_has(m, path))
				continue;
			if (found < max) {
				size_t at = found;
				while (at > 0 && strcmp(out[at - 1], path) > 0) {
					memcpy(out[at], out[at - 1], sizeof(out[at]));
					at--;
				}
				memcpy(out[at], path, sizeof(out[at]));
			}
			found++;
			break;
		}
	}
	closedir(dir);
	return found;
}

int bootdisk_read_esp(const struct bootdisk *d, char *cmdline, size_t len, struct err *e)
{
	struct bootdisk_esp m;
	if (bootdisk_esp_open(d, &m, e) < 0)
		return -1;
	int rc = check_esp_files(m.fd, cmdline, len, e);
	bootdisk_esp_close(&m);
	return rc;
}

int bootdisk_cmdline(const struct bootdisk *d, const char *esp_cmdline, char *out, size_t len,
		     struct err *e)
{
	struct cmdline cl;
	if (esp_cmdline && *esp_cmdline) {
		cmdline_parse(esp_cmdline, &cl);
		const char *vg = cmdline_get(&cl, "altkit.vg");
		int rc = 0;
		if (!vg || !*vg) {
			why_set(e, "its EFI/altkit/cmdline has no altkit.vg=", "", "");
			rc = -1;
		} else if (strcmp(vg, d->vg_uuid) != 0) {
			err_set(e, -EINVAL, "its EFI/altkit/cmdline boots volume group %s, but the disk holds %s",
				 vg, d->vg_uuid);
			rc = -1;
		} else if ((size_t)snprintf(out, len, "%s", esp_cmdline) >= len) {
			why_set(e, "its EFI/altkit/cmdline is too long", "", "");
			rc = -1;
		}
		cmdline_release(&cl);
		return rc;
	}
	size_t n = (size_t)snprintf(out, len, "initrd=%s altkit.vg=%s", BOOTDISK_INITRD, d->vg_uuid);
	/* the console the running system uses: a serial console keeps working */
	if (cmdline_read("/proc/cmdline", &cl) == 0) {
		for (size_t i = 0; i < cl.n && n < len; i++)
			if (strcmp(cl.keys[i], "console") == 0 && cl.values[i])
				n += (size_t)snprintf(out + n, len - n, " console=%s", cl.values[i]);
		cmdline_release(&cl);
	}
	if (n >= len) {
		why_set(e, "the kernel command line for it is too long", "", "");
		return -1;
	}
	return 0;
}

int bootdisk_clone_cmdline(const char *src, const char *vg_uuid, const char *root_lv,
			   const char *console, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "initrd=%s altkit.vg=%s root=/dev/rootvg/%s", BOOTDISK_INITRD,
				    vg_uuid, root_lv);
	struct cmdline cl;
	if (src && cmdline_parse(src, &cl) == 0) {
		static const char *const ours[] = { "initrd", "altkit.vg", "root", "BOOT_IMAGE", NULL };
		for (size_t i = 0; i < cl.n && n < len; i++) {
			int skip = console && strcmp(cl.keys[i], "console") == 0;
			for (int k = 0; ours[k]; k++)
				skip |= strcmp(cl.keys[i], ours[k]) == 0;
			if (skip)
				continue;
			/* a value with blanks was quoted on the source's line */
			const char *v = cl.values[i];
			int quote = v && strpbrk(v, " \t");
			n += (size_t)snprintf(out + n, len - n, " %s%s%s%s%s", cl.keys[i], v ? "=" : "",
					      quote ? "\"" : "", v ? v : "", quote ? "\"" : "");
		}
		cmdline_release(&cl);
	}
	if (console && *console && n < len)
		n += (size_t)snprintf(out + n, len - n, " console=%s", console);
	return n < len ? 0 : -ENOSPC;
}
