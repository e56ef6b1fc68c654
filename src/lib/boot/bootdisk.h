#ifndef ALTKIT_BOOTDISK_H
#define ALTKIT_BOOTDISK_H

#include "err.h"
#include <stddef.h>
#include <stdint.h>

/* A disk altkit can boot: a whole disk with a GPT, an EFI system partition
 * and a volume group. What a Boot#### entry needs to point at it. */

#define BOOTDISK_DIR "EFI\\altkit"              /* on the ESP, as the firmware spells it */
#define BOOTDISK_KERNEL "\\EFI\\altkit\\vmlinuz.efi"
#define BOOTDISK_INITRD "\\EFI\\altkit\\initramfs.img"

struct bootdisk {
	char disk[32];          /* "vdb" */
	char esp[48];           /* "/dev/vdb1" */
	unsigned partno;
	uint64_t start, size;   /* the ESP, in the disk's logical blocks */
	char part_uuid[40];     /* the ESP's partition GUID */
	char vg_name[128];      /* "" when the disk holds no PV */
	char vg_uuid[40];
	unsigned nvgs;          /* 0: no PV; 1: only vg_* has PVs here; more: other VGs too */
};

/* "vdb" or "/dev/vdb" -> *d. -1 with the reason in e ("is a partition,
 * not a whole disk", "has no EFI system partition", ...). Reads only. */
int bootdisk_resolve(const char *arg, struct bootdisk *d, struct err *e);

/* Every disk with a usable ESP (partition GUID, number, size), with its VG
 * ("" when none): one look at the disks. *out is malloc'd; returns how many. */
size_t bootdisk_all(struct bootdisk **out);

/* The disks holding PVs of the VG with this UUID and an ESP, at most max;
 * returns how many. */
size_t bootdisk_of_vg(const char *vg_uuid, struct bootdisk *out, size_t max);

/* The boot files on the disk's ESP (mounted read-only for the moment, or
 * read where it is mounted): the kernel and initrd must be there; *cmdline
 * gets the ESP's EFI/altkit/cmdline ("" when there is none). -1 with the
 * reason in e. */
int bootdisk_read_esp(const struct bootdisk *d, char *cmdline, size_t len, struct err *e);

/* The disk's ESP, open for reading: where it is mounted, or mounted
 * read-only on a directory of our own until bootdisk_esp_close. */
#define BOOTDISK_LOADER_MAX 256         /* a loader's path on the ESP, with its NUL */
struct bootdisk_esp {
	int fd;                 /* the ESP's top directory */
	char dir[300];
	int mounted_here;
};
int bootdisk_esp_open(const struct bootdisk *d, struct bootdisk_esp *m, struct err *e);
void bootdisk_esp_close(struct bootdisk_esp *m);
/* 1 when the disk's ESP is mounted (the running system uses it). */
int bootdisk_esp_mounted(const struct bootdisk *d);
/* 1 when FW_PATH (the firmware's spelling, "\EFI\debian\shimx64.efi") is a
 * regular file on the ESP (no symlinks followed, no "..": 0). */
int bootdisk_esp_has(const struct bootdisk_esp *m, const char *fw_path);
/* The boot loaders altkit knows on the ESP, one per vendor directory
 * (\EFI\<vendor>\shimx64.efi, else grubx64.efi; not EFI\BOOT, the
 * fallback path, nor EFI\altkit), sorted, at most max in out; returns how
 * many there are. */
size_t bootdisk_esp_loaders(const struct bootdisk_esp *m, char (*out)[BOOTDISK_LOADER_MAX], size_t max);

/* The kernel command line to boot the disk: the ESP's cmdline with its
 * altkit.vg= checked against the disk's VG, or, without one, initrd= and
 * altkit.vg= plus the console= words of the running kernel. -1 with e. */
int bootdisk_cmdline(const struct bootdisk *d, const char *esp_cmdline, char *out, size_t len,
		     struct err *e);

/* Pure: the command line of a clone: initrd=, altkit.vg=VG_UUID and
 * root=/dev/rootvg/ROOT_LV, then the source's other words (SRC: its ESP's
 * cmdline, or NULL), with console= replaced by CONSOLE when given.
 * -ENOSPC when it does not fit. */
int bootdisk_clone_cmdline(const char *src, const char *vg_uuid, const char *root_lv,
			   const char *console, char *out, size_t len);
#endif
