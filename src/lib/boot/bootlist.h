#ifndef ALTKIT_BOOTLIST_H
#define ALTKIT_BOOTLIST_H

#include "err.h"
#include <stddef.h>
#include <stdint.h>

#include "bootdisk.h"
#include "efiboot.h"

/* The firmware boot list: Boot#### load options, BootOrder, BootNext,
 * BootCurrent. Every change is all or nothing: the variables written are
 * put back as they were when a later write fails. The changing functions
 * return 0, or BOOTLIST_UNCHANGED with the reason in e, or BOOTLIST_PARTLY
 * when even putting back failed (e names the variables); never print. */

enum { BOOTLIST_NORMAL = 1, BOOTLIST_SERVICE = 2 };
enum { BOOTLIST_UNCHANGED = -1, BOOTLIST_PARTLY = -2 };

/* Pure: ORDER with FIRST in front (each once), the rest in their old order.
 * out holds n + nfirst; returns its length. */
size_t bootorder_put_first(const uint16_t *order, size_t n, const uint16_t *first, size_t nfirst,
			   uint16_t *out);
/* Pure: ORDER without the numbers in DROP. Returns the new length. */
size_t bootorder_without(const uint16_t *order, size_t n, const uint16_t *drop, size_t ndrop,
			 uint16_t *out);

/* An altkit entry: it boots EFI\altkit\vmlinuz.efi or names altkit.vg=. */
int bootlist_is_altkit(const struct efiboot_entry *e);
/* The VG UUID an entry boots (altkit.vg=), or 0 when it names none. */
int bootlist_entry_vg(const struct efiboot_entry *e, char *uuid, size_t len);

/* The load option that boots disk D with CMDLINE. Free with efiboot_entry_free.
 * -EINVAL when D's ESP has no partition GUID, number or size. */
int bootlist_entry_for(const struct bootdisk *d, const char *cmdline, struct efiboot_entry *e);

/* Read and decode Boot####. -ENOENT, -EINVAL (malformed), or -errno. */
int bootlist_load(uint16_t num, struct efiboot_entry *e);

/* Make sure a Boot#### exists for each entry (an existing one for the same
 * partition and file is reused and updated, never duplicated) and reads back
 * as meant, then put them first in BootOrder (NORMAL) and/or set BootNext to
 * the first (SERVICE). nums gets the entries' numbers. */
int bootlist_set(const struct efiboot_entry *entries, size_t n, int modes, uint16_t *nums,
		 struct err *e);

/* -i: altkit's entries out of BootOrder (NORMAL) and out of BootNext (SERVICE). */
int bootlist_invalidate(int modes, struct err *e);

/* Remove every entry that boots the VG with this UUID (Boot####, its place in
 * BootOrder, BootNext). *removed gets how many. */
int bootlist_drop_vg(const char *vg_uuid, size_t *removed, struct err *e);


/* An entry as people read it: the disk it boots now, the VG by name. */
struct bootlist_line {
	uint16_t num;
	int readable, altkit;
	char disk[32];          /* "-" when no disk here has its partition */
	char vg_name[128];      /* "-" when it names no VG, "?" when that VG is not here */
	char vg_uuid[40];
	char description[128];
};
/* Describe the entries NUMS (disks and VG names looked up once). */
void bootlist_describe(const uint16_t *nums, size_t n, struct bootlist_line *out);
/* "BootOrder", "BootNext", "BootCurrent" as numbers; n = 0 when unset. */
int bootlist_read(const char *var, uint16_t **nums, size_t *n);
/* Put the disk of the VG (the first with an ESP) first in BootOrder, booting
 * CMDLINE. check: the ESP must hold the kernel and initrd. *num and disk get what was set. */
int bootlist_boot_vg(const char *vg_uuid, const char *cmdline, int check, uint16_t *num,
		     char *disk, size_t disklen, struct err *e);
#endif
