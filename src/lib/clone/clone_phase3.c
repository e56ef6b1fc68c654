/* Phase 3: make the clone bootable. UUID= references to the source's
 * filesystems (and ESP) are rewritten to the clone's; the clone's ESP gets
 * the source's altkit kernel and initramfs and a command line naming the
 * clone's VG, or, for a distribution's GRUB, the source ESP's files
 * (clone_boot.c); the clone goes to sleep; the boot list puts it first. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "altvg.h"
#include "blockdev.h"
#include "bootdisk.h"
#include "bootlist.h"
#include "clone.h"
#include "cmdline.h"
#include "efivars.h"
#include "espcopy.h"
#include "intree.h"
#include "lvmdevices.h"
#include "mounts.h"
#include "readall.h"
#include "update.h"
#include "xalloc.h"

#define ESP_DIR "EFI/altkit"
#define ESP_MNT "/run/altkit/esp"
static const char *const boot_files[] = { "vmlinuz.efi", "initramfs.img", NULL };

static void probe_uuid(const char *dev, char *uuid, size_t len)
{
	struct blockdev bd = { 0 };
	snprintf(bd.name, sizeof(bd.name), "%s", dev + 5);
	blockdev_probe(&bd);
	snprintf(uuid, len, "%s", bd.uuid);
}

int clone_rewrite_ids(const struct clone *c, const char *root, const char *relpath, const struct clone_ids *ids,
		      char *(*replace)(char *, const char *, const char *, int *))
{
	int fd = intree_open(root, relpath, O_RDONLY, 0);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	struct stat st;
	fstat(fd, &st);
	/* an unreadable one reads as empty */
	char *text = read_all_fd(fd, NULL);
	close(fd);
	if (!text)
		text = xstrdup("");
	int count = 0;
	for (size_t i = 0; i < ids->n; i++)
		if (ids->old[i][0] && ids->new[i][0] && strcmp(ids->old[i], ids->new[i]) != 0)
			text = replace(text, ids->old[i], ids->new[i], &count);
	int rc = count ? intree_write(root, relpath, text, strlen(text), st.st_mode & 07777) : 0;
	if (count && rc == 0)
		clone_say(c, "/%s: %d UUID reference%s rewritten", relpath, count, count == 1 ? "" : "s");
	free(text);
	return rc;
}

/* UUID= references to the source's filesystems and ESP now name the
 * clone's; ids gets the pairs. */
static int rewrite_all_uuids(struct clone *c, const struct clone_esps *d, struct clone_ids *ids, struct err *e)
{
	static const char *const uuid_files[] = { "etc/fstab", "etc/crypttab", "etc/default/grub", NULL };
	struct clone_conf_fs fs[CLONE_MAX_LVS];
	size_t n = 0;
	int rc;
	if (clone_read_conf(fs, CLONE_MAX_LVS, &n) < 0)
		return err_set(e, -ENOENT, "the clone has no /etc/altkit/clone.conf: was phase 1 completed?");
	for (size_t i = 0; i < n; i++) {
		char dev[300], disk[32];
		snprintf(disk, sizeof(disk), "%s", d->clone.disk);
		snprintf(ids->old[i], 64, "%s", strcmp(fs[i].src_uuid, "-") ? fs[i].src_uuid : "");
		ids->new[i][0] = '\0';
		if (clone_conf_dev(c, &fs[i], disk, sizeof(disk), dev, sizeof(dev)) == 0)
			probe_uuid(dev, ids->new[i], 64);
	}
	ids->old[n][0] = ids->new[n][0] = '\0';
	if (d->have_src)
		probe_uuid(d->src.esp, ids->old[n], 64);
	probe_uuid(d->clone.esp, ids->new[n], 64);
	ids->n = n + 1;
	for (int i = 0; uuid_files[i]; i++)
		if ((rc = clone_rewrite_ids(c, ALTINST_MNT, uuid_files[i], ids, clone_replace_uuid)) < 0)
			return err_errno(e, rc, "rewriting UUIDs in the clone's /%s", uuid_files[i]);
	return 0;
}

/* Where the source's LVM reads a devices file, the clone's lists the
 * clone's PVs too (else the clone's LVM ignores its own VG once booted);
 * the source's stay, as old_rootvg's then. Nothing is added to the
 * source's: its LVM keeps not seeing the clone. */
static int add_clone_pvs(const struct clone *c, struct err *e)
{
	static const char rel[] = "etc/lvm/devices/system.devices";
	char dir[300];
	struct stat st;
	/* a regular file inside the tree, reached through no symlink */
	int fd = intree_open(ALTINST_MNT, rel, O_RDONLY | O_NONBLOCK, 0);
	if (fd == -ENOENT)
		return 0;
	int ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	if (fd >= 0)
		close(fd);
	if (!ok)
		return err_set(e, -EINVAL, "the clone's /%s is not a regular file in its tree", rel);
	snprintf(dir, sizeof(dir), "%s/etc/lvm", ALTINST_MNT);
	int added, rc = lvmdevices_add_vg(dir, c->st.uuid, &added, e);
	if (rc < 0) {
		err_prefix(e, "the clone's LVM devices file");
		return rc;
	}
	if (added)
		clone_say(c, "/%s: the clone's PV%s added", rel, added == 1 ? "" : "s");
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = out < 0 ? -errno : esp_copy_fd(in, out);
	close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* The console= words of the running kernel, for a clone of a source whose
 * ESP has no cmdline: a serial console keeps working on the clone. */
static char *running_console_words(void)
{
	struct cmdline cl;
	char buf[512] = "";
	size_t n = 0;
	if (cmdline_read("/proc/cmdline", &cl) < 0)
		return NULL;
	for (size_t i = 0; i < cl.n && n < sizeof(buf); i++)
		if (strcmp(cl.keys[i], "console") == 0 && cl.values[i])
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%sconsole=%s", n ? " " : "", cl.values[i]);
	cmdline_release(&cl);
	return xstrdup(buf);
}

/* The kernel and initramfs from the source's ESP (at src_dir) to the clone's. */
static int copy_boot_files(const struct clone *c, const char *src_dir, const char *src_esp, struct err *e)
{
	char path[600], from[600];
	snprintf(path, sizeof(path), "%s/EFI", ESP_MNT);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s", ESP_MNT, ESP_DIR);
	mkdir(path, 0755);
	for (int i = 0; boot_files[i]; i++) {
		snprintf(from, sizeof(from), "%s/%s/%s", src_dir, ESP_DIR, boot_files[i]);
		snprintf(path, sizeof(path), "%s/%s/%s", ESP_MNT, ESP_DIR, boot_files[i]);
		if ((!src_dir[0] || copy_file(from, path) < 0) && !c->o.skip_checks)
			return err_set(e, -ENOENT, "the source ESP%s%s has no /%s/%s to boot the clone with",
				       src_esp[0] ? " " : "", src_esp, ESP_DIR, boot_files[i]);
	}
	return 0;
}

/* The clone boots with the source's kernel parameters, naming its own VG. */
static int write_cmdline(struct clone *c, const char *src_dir, struct err *e)
{
	char *src_cmdline = NULL, path[600];
	char *cmdline = c->cmdline;
	snprintf(path, sizeof(path), "%s/%s/cmdline", src_dir, ESP_DIR);
	int fd = src_dir[0] ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (fd >= 0) {
		src_cmdline = read_all_fd(fd, NULL);
		close(fd);
	} else {
		src_cmdline = running_console_words();
	}
	if (src_cmdline)
		src_cmdline[strcspn(src_cmdline, "\n")] = '\0';
	int rc = bootdisk_clone_cmdline(src_cmdline, c->st.uuid, c->st.root_lv, c->o.console, cmdline,
					sizeof(c->cmdline) - 1);
	free(src_cmdline);
	if (rc < 0)
		return err_set(e, -ENOSPC, "the clone's kernel command line is too long");
	size_t len = strlen(cmdline);
	cmdline[len++] = '\n';
	snprintf(path, sizeof(path), "%s/%s/cmdline", ESP_MNT, ESP_DIR);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, cmdline, len) != (ssize_t)len || fsync(fd) < 0)
		rc = err_errno(e, -errno, "writing '%s'", path);
	cmdline[len - 1] = '\0';
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The boot files: for altkit's own path the source ESP's kernel and
 * initramfs and a command line naming the clone's VG (renamed to rootvg when
 * it boots); for a distribution's GRUB every file of the source's ESP. */
static int fill_esp(struct clone *c, const struct clone_esps *d, const struct clone_ids *ids, struct err *e)
{
	struct bootdisk_esp sm = { .fd = -1 };
	const char *esp = d->clone.esp;
	int rc;
	mkdir("/run/altkit", 0755);
	mkdir(ESP_MNT, 0755);
	if (mount(esp, ESP_MNT, "vfat", 0, NULL) < 0)
		return err_errno(e, -errno, "mounting the clone's ESP '%s'", esp);
	/* the source's ESP: where it is mounted, else read-only for the moment */
	int have_src = d->have_src && bootdisk_esp_open(&d->src, &sm, NULL) == 0;
	const char *src_dir = have_src ? sm.dir : "";
	/* -P 3 on its own: how the clone boots is read now */
	rc = c->boot.kind ? 0 : clone_detect_boot(c, have_src ? &sm : NULL, ALTINST_MNT, c->st.source_uuid, e);
	if (rc == 0 && c->boot.kind == CLONE_BOOT_GRUB)
		rc = clone_boot_grub_files(c, src_dir, ESP_MNT, ids, e);
	else if (rc == 0 && (rc = copy_boot_files(c, src_dir, have_src ? d->src.esp : "", e)) == 0)
		rc = write_cmdline(c, src_dir, e);
	umount(ESP_MNT);
	if (have_src)
		bootdisk_esp_close(&sm);
	return rc;
}

/* The clone's disk first in BootOrder. 1 when set, 0 when this machine has
 * no EFI variables (said), negative on failure. */
static int set_boot_list(struct clone *c, const struct clone_esps *d, struct err *e)
{
	char disk[32] = "";
	struct err why = { 0, "" };
	uint16_t num;
	if (efivars_available() < 0) {
		clone_say(c, "no EFI variables here (not started through UEFI): the boot list was not changed; "
			  "the clone boots with 'altkit.vg=%s'", c->st.uuid);
		return 0;
	}
	int rc = c->boot.kind == CLONE_BOOT_GRUB ? clone_boot_grub_entry(c, d, &num, disk, sizeof(disk), &why)
		 : bootlist_boot_vg(c->st.uuid, c->cmdline, !c->o.skip_checks, &num, disk, sizeof(disk), &why);
	if (rc < 0)
		return err_set(e, rc, "the boot list: %s%s%s; %s (-g skips the checks, -B leaves the list alone); "
			       "run phase 3 again", disk[0] ? disk : "", disk[0] ? ": " : "", why.msg,
			       rc == BOOTLIST_PARTLY ? "it may be partly changed: see 'bootlist -m normal -o'"
			       : "it was not changed");
	clone_say(c, "the boot list now starts with %s (Boot%04X)", disk, num);
	return 1;
}

int clone_phase3(struct clone *c, struct err *e)
{
	static struct clone_ids ids;
	struct clone_esps d;
	char running[64], done[64];
	int rc;
	altinst_tag(running, sizeof(running), "running", "3");
	altinst_tag(done, sizeof(done), "phase", "3");
	c->boot_listed = 0;
	if (c->o.console && ((rc = clone_boot_of_clone(c, e)) < 0 || (rc = clone_check_boot_options(c, e)) < 0))
		return rc;
	if ((rc = clone_set_tag(running, NULL, e)) < 0)
		return rc;
	/* what a phase 2 that crashed while installing packages left */
	update_cleanup(ALTINST_MNT);
	/* the disks with the source's and the clone's ESP, looked up once */
	d.have_src = c->st.source_uuid[0] && bootdisk_of_vg(c->st.source_uuid, &d.src, 1) == 1;
	if (bootdisk_of_vg(c->st.uuid, &d.clone, 1) != 1)
		return err_set(e, -ENOENT, "the clone's ESP (partition 1 of its first disk) is missing");
	if ((rc = rewrite_all_uuids(c, &d, &ids, e)) < 0 || (rc = add_clone_pvs(c, e)) < 0 ||
	    (rc = fill_esp(c, &d, &ids, e)) < 0 || (rc = altvg_sleep(e)) < 0)
		return rc;
	/* the boot list before the phase counts as done: a failure here leaves
	 * phase 3 to be run again */
	if (!c->o.no_bootlist && (rc = set_boot_list(c, &d, e)) < 0)
		return rc;
	c->boot_listed = rc > 0;
	return clone_set_tag(done, running, e);
}
