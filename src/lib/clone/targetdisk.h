#ifndef ALTKIT_TARGETDISK_H
#define ALTKIT_TARGETDISK_H
#include <stddef.h>
#include <stdint.h>

/* Can a disk be given to alt_disk_copy? Every reason it cannot, in words. */

struct target_disk {
	char name[32];          /* "vdb" */
	char dev[48];           /* "/dev/vdb" */
	uint64_t size;          /* bytes */
	unsigned major, minor;
};

/* Why a disk was refused: filled with the reason ("is a partition, not a
 * whole disk", "is in use by volume group 'datavg'", ...). */
struct target_refusal {
	char reason[256];
};

/* Check one disk named "vdb" or "/dev/vdb". SOURCE_VG is the name of the VG
 * being cloned (its PVs are refused as "holds the source volume group").
 * Returns 0 (and fills *d) or -1 with the reason. Reads only. */
int target_disk_check(const char *name, const char *source_vg, struct target_disk *d,
		      struct target_refusal *why);
#endif
