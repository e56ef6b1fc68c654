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
