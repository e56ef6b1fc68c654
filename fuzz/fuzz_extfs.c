/* The ext2/3/4 used-block reader (alt_disk_copy, altkit extfs copy-used) on
 * damaged images: the parameters read, then the used blocks copied to an
 * empty file. Damage must be refused (EXTFS_E_DAMAGED, an I/O error), never
 * read out of bounds or copy past the image. The input is the image as
 * fuzz/sparse.py writes it (1024-byte chunks, at most IMAGE_MAX bytes). */
#include "fuzz.h"
#include "extfs.h"

#define IMAGE_MAX (8u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char src[32], dst[32];
	int sfd = fuzz_sparse_file(data, size, 1024, IMAGE_MAX, src);
	if (sfd < 0)
		return 0;
	int dfd = fuzz_file(data, 0, dst);
	struct extfs_params p;
	struct extfs_copy_stats st;
	struct extfs_copy_opts o = { .flags = EXTFS_COPY_NO_SYNC };
	extfs_read_params(src, &p);
	memset(&st, 0, sizeof(st));
	if (extfs_copy_used_blocks(src, dst, &o, &st) == 0 && st.copied > st.fs_bytes)
		abort();
	close(dfd);
	close(sfd);
	return 0;
}
