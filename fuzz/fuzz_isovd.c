/* dupopt's descriptor patching: the ISO 9660 (primary, Joliet, enhanced)
 * and UDF (anchor, volume descriptor sequences, file set) descriptors of a
 * volume found and patched with a new volume identifier and creation time.
 * The input is the volume as fuzz/sparse.py writes it (2048-byte chunks); a
 * sector past its end cannot be read. */
#include <errno.h>

#include "fuzz.h"
#include "isovd.h"

#define VOLUME_MAX (256ull << 20)

static int read_sector(void *ctx, uint32_t lba, unsigned char *buf)
{
	ssize_t n = pread(*(int *)ctx, buf, ISOVD_SECTOR, (off_t)lba * ISOVD_SECTOR);
	return n == ISOVD_SECTOR ? 0 : n < 0 ? -errno : -EIO;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[32];
	int fd = fuzz_sparse_file(data, size, ISOVD_SECTOR, VOLUME_MAX, path);
	if (fd < 0)
		return 0;
	uint64_t nsectors = (uint64_t)lseek(fd, 0, SEEK_END) / ISOVD_SECTOR;
	struct isovd_plan plan;
	uint32_t bad;
	/* the volume's size as the caller knows it, and one that claims more
	 * sectors than the data has (a drive's capacity that lies) */
	for (int lie = 0; lie < 2; lie++) {
		uint64_t n = nsectors + (lie ? 1000 : 0);
		memset(&plan, 0, sizeof(plan));
		if (isovd_plan(read_sector, &fd, n, lie ? NULL : "FUZZ_VOLUME_2", 1700000000, &plan, &bad) == 0) {
			for (size_t i = 0; i < plan.npatches; i++) {
				const struct isovd_patch *p = &plan.patches[i];
				if (isovd_patch_at(&plan, p->lba) != p || p->nfields > 6)
					abort();
				for (unsigned f = 0; f < p->nfields; f++)
					if (p->fields[f].start >= p->fields[f].end || p->fields[f].end > ISOVD_SECTOR)
						abort();
			}
		}
		isovd_plan_release(&plan);
	}
	close(fd);
	return 0;
}
