#ifndef ALTKIT_BLOCKDEV_H
#define ALTKIT_BLOCKDEV_H
#include <stdint.h>
#include <stddef.h>

/* What /sys/block and libblkid say about the machine's disks. */

struct blockdev {
	char name[32];          /* kernel name: "vda", "sr0", "vda1" */
	char parent[32];        /* whole disk of a partition, "" for a disk */
	uint64_t size;          /* bytes */
	char model[64];         /* from the device's sysfs, "" when unknown */
	int optical;            /* an sr device */
	int removable;
	int partno;             /* 0 for a whole disk */
	/* from libblkid (empty when nothing was found) */
	char type[32];          /* "ext4", "LVM2_member", "vfat", "iso9660", ... */
	char label[64];
	char uuid[64];
	char pttype[16];        /* "gpt", "dos" on whole disks */
	char part_type[40];     /* GPT partition type GUID on partitions */
	char part_uuid[40];     /* GPT partition GUID (PARTUUID) on partitions */
	/* partitions: start and size in 512-byte units (sysfs); disks: the
	 * logical block size that EFI device paths count in */
	uint64_t part_start, part_sectors;
	unsigned block_size;
};

/* Disks (not loop/ram/zram/dm) and their partitions, disks first then each
 * disk's partitions in order. *list is malloc'd. probe=1 also runs libblkid. */
int blockdev_list(struct blockdev **list, size_t *n, int probe);

/* Fill the libblkid fields for /dev/<name>; -errno when it cannot be opened. */
int blockdev_probe(struct blockdev *bd);

/* Human size: "2.0 GiB", "260 MiB". */
void format_size(uint64_t bytes, char *buf, size_t len);

/* Find the device with the given filesystem label; returns 0 and fills *out,
 * or -ENOENT. */
int blockdev_find_label(const char *label, struct blockdev *out);

/* The disk or partition an fstab spec names: UUID=, LABEL=, PARTUUID=
 * (quoted or not) or a /dev path (symlinks such as /dev/disk/by-uuid/
 * resolved). 0 and *out, or -ENOENT. */
int blockdev_find_spec(const char *spec, struct blockdev *out);
#endif
