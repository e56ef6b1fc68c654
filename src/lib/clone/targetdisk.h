#ifndef ALTKIT_TARGETDISK_H
#define ALTKIT_TARGETDISK_H
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Can a disk be given to alt_disk_copy? Every reason it cannot, in words. */

struct target_disk {
	char name[32];          /* "vdb" */
	char dev[48];           /* "/dev/vdb" */
	uint64_t size;          /* bytes */
	unsigned major, minor;
};

/* Check one disk named "vdb" or "/dev/vdb". SOURCE_VG is the name of the VG
 * being cloned (its PVs are refused as "holds the source volume group").
 * Returns 0 (and fills *d) or a negative code with the reason in e:
 * "'vdb': is a partition, not a whole disk", "'vdd': is in use by volume
 * group 'datavg'", ... Reads only. */
int target_disk_check(const char *name, const char *source_vg, struct target_disk *d, struct err *e);
#endif
