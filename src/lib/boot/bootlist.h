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
/* PARTLY is outside the errno range: a function that also returns -ENOENT
 * (bootlist_boot_vg_loader) cannot be misread. */
enum { BOOTLIST_UNCHANGED = -1, BOOTLIST_PARTLY = -1000 };

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

/* What bootlist_set_wants puts in the list for one disk: a load option to
 * write (an existing Boot#### of the same partition and file is reused and
 * updated, never duplicated), or, keep set, the Boot#### num as it is (a
 * distribution's own entry: not rewritten). */
struct bootlist_want {
	struct efiboot_entry entry;
	int keep;
	uint16_t num;
};
int bootlist_set_wants(const struct bootlist_want *w, size_t n, int modes, uint16_t *nums,
		       struct err *e);
void bootlist_want_free(struct bootlist_want *w);

/* What puts disk D in the list, looked up on its ESP before anything is
 * written: altkit's kernel there (EFI/altkit/vmlinuz.efi) -> an entry for it
 * with the ESP's command line (bootdisk_read_esp, bootdisk_cmdline); else the
 * entry the system has for the ESP (as bootlist_loader_of_disk finds it),
 * kept; else, when the ESP holds exactly one loader altkit knows
 * (bootdisk_esp_loaders), a new entry for it described "<vendor> <disk>".
 * -1 with the reason in e (e->code -ENOENT: no entry and no loader). */
int bootlist_want_for_disk(const struct bootdisk *d, struct bootlist_want *w, struct err *e);

/* -i: altkit's entries out of BootOrder (NORMAL) and out of BootNext (SERVICE). */
int bootlist_invalidate(int modes, struct err *e);

/* Remove every entry that boots the VG with this UUID (Boot####, its place in
 * BootOrder, BootNext). *removed gets how many. These are altkit's entries
 * naming it (altkit.vg=), and a distribution's entries (no altkit.vg=) that
 * start the ESP of a disk holding PVs of this VG and of no other VG, except
 * BootCurrent's and those of an ESP that is mounted (the running system's
 * entry is never removed). An entry naming another VG, or on a disk shared
 * with another VG, stays. Call it before the
 * VG is removed: the disks are found through its PVs. */
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

/* For phase 3 on a distribution: the loader (the firmware's spelling, e.g.
 * \EFI\debian\shimx64.efi) and description of the entry that starts
 * disk D's ESP: BootCurrent's when it does, else the first in BootOrder that
 * does, else the lowest Boot#### that does. "Starts" means an active
 * HD()/File() entry of the ESP's partition, not altkit's own kernel, whose
 * file is on the ESP (the ESP is read: where mounted, else mounted read-only
 * for the moment). 0; -ENOENT when no entry does; -EIO when the ESP cannot
 * be read, -ENAMETOOLONG when the path does not fit in LOADER; the reason in e. */
int bootlist_loader_of_disk(const struct bootdisk *d, char *loader, size_t len, char *desc,
			    size_t desclen, struct err *e);

/* Put the VG's disk (the first with an ESP) first in BootOrder with an entry
 * starting LOADER on that disk's ESP, no optional data, described DESC. An
 * existing entry for the same partition and file is reused (its description
 * updated), never duplicated. 0; -ENOENT (nothing changed) when LOADER is not
 * a file on that ESP; BOOTLIST_UNCHANGED or BOOTLIST_PARTLY as for
 * bootlist_set otherwise. *num and disk get what was set (disk: "" when the
 * VG has no disk with an ESP). */
int bootlist_boot_vg_loader(const char *vg_uuid, const char *loader, const char *desc, uint16_t *num,
			    char *disk, size_t disklen, struct err *e);
#endif
