#ifndef ALTKIT_ISOVD_H
#define ALTKIT_ISOVD_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Volume descriptors of ISO 9660 (primary, Joliet/supplementary, enhanced)
 * and UDF (primary, logical volume, implementation use, file set): find them,
 * and make patched copies of their sectors that carry a new volume identifier
 * and a new volume creation time. Pure: the caller reads the sectors. */

#define ISOVD_SECTOR 2048
#define ISOVD_ID_MAX 32         /* ISO 9660 volume identifier, d-characters */

/* Read one 2048-byte sector; 0 or a negative errno. */
typedef int (*isovd_read_fn)(void *ctx, uint32_t lba, unsigned char *buf);

struct isovd_patch {
	uint32_t lba;
	const char *what;               /* "ISO 9660 primary volume descriptor" */
	unsigned char old[ISOVD_SECTOR];
	unsigned char data[ISOVD_SECTOR];       /* what to write instead */
	/* the byte ranges that change, [start, end), for reports and tests */
	unsigned nfields;
	struct { uint16_t start, end; const char *name; } fields[6];
};

struct isovd_plan {
	int has_iso;                    /* an ISO 9660 primary descriptor at 16 */
	int has_joliet;
	int has_udf;
	int md5_tags;                   /* libisofs checksum tags (xorriso -md5) */
	char volume_id[ISOVD_ID_MAX + 1];       /* the source's (PVD, else UDF) */
	uint32_t iso_volume_sectors;    /* ISO 9660 volume space size, 0 if none */
	uint16_t iso_block_size;        /* the PVD's logical block size (kept on -EMEDIUMTYPE) */
	size_t npatches;
	struct isovd_patch *patches;    /* sorted by lba */
};

/* Check a new volume identifier: 1 to 32 ISO 9660 d-characters (A-Z, 0-9,
 * _). 0, -ENAMETOOLONG, -EINVAL (*bad: the offending character, 0 if empty). */
int isovd_check_id(const char *id, char *bad);

/* Find the descriptors of the volume (nsectors long) and plan the patches:
 * new_id NULL keeps the identifiers (only the creation time changes). A
 * sector that cannot be read fails the plan with its errno (*bad_lba set);
 * a volume with neither ISO 9660 nor UDF gives an empty plan. A primary
 * descriptor whose logical block size is not 2048 fails with -EMEDIUMTYPE
 * (plan->iso_block_size says what it is). */
int isovd_plan(isovd_read_fn rd, void *ctx, uint64_t nsectors, const char *new_id,
	       time_t when, struct isovd_plan *plan, uint32_t *bad_lba);
void isovd_plan_release(struct isovd_plan *plan);

/* The patch for sector lba, or NULL. */
const struct isovd_patch *isovd_patch_at(const struct isovd_plan *plan, uint32_t lba);

/* UDF helpers, exposed for tests: CRC-ITU-T (x^16+x^12+x^5+1, initial 0) and
 * the descriptor tag checksum; isovd_udf_tag_fix recomputes both. */
uint16_t isovd_crc16(const unsigned char *p, size_t n);
int isovd_udf_tag_valid(const unsigned char *d, uint32_t lba);
void isovd_udf_tag_fix(unsigned char *d);
#endif
