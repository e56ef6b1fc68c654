#ifndef ALTKIT_OPTICAL_SRC_H
#define ALTKIT_OPTICAL_SRC_H
#include <stdint.h>
#include <sys/types.h>

/* The volume to duplicate: an optical drive read through libcdio (MMC READ
 * of 2048-byte user data, the size from the disc's TOC), or a volume image in
 * a file or block device read with pread. */

struct optical_src;

struct optical_src_info {
	int is_drive;
	unsigned profile;               /* MMC profile; OPT_PROF_IMAGE for images */
	unsigned sector_size;           /* 2048; 2352 when the disc has audio */
	uint64_t sectors;               /* readable size */
	uint64_t bytes;                 /* images: the file's size in bytes */
	int tracks, audio_tracks, sessions;
	int is_blockdev;
	dev_t dev;                      /* identity: st_rdev of a device, */
	ino_t ino;                      /* else st_dev and st_ino */
};

/* -ENOENT, -EACCES, ..., -ENOMEDIUM (a drive without a disc) */
int optical_src_open(const char *path, struct optical_src **out, struct optical_src_info *info);
void optical_src_close(struct optical_src *s);

/* Read count sectors at lba: 0, or a negative errno: -EIO (the medium could
 * not be read), -ENODATA (past the end of an image file: a truncated image). */
int optical_src_read(struct optical_src *s, uint64_t lba, uint32_t count, void *buf);

/* Images: write back and drop the cached pages, so that the next reads come
 * from the disk rather than from memory (--verify). */
void optical_src_drop_cache(struct optical_src *s);

/* Images: ask the kernel to read count sectors at lba ahead (readahead that
 * does not depend on its guesses). Drives: nothing. */
void optical_src_prefetch(struct optical_src *s, uint64_t lba, uint64_t count);

/* The largest count optical_src_read is asked for at once (sectors). */
uint32_t optical_src_max_read(const struct optical_src *s);

/* Fault injection for tests (the DUPOPT_TEST_FAULTS variable), a comma
 * separated list: "N" sector N never reads, "N:K" it fails K times and then
 * reads, "slow=MS" every read sleeps MS milliseconds; these apply to a
 * source. "verify-flip=N" applies to a copy read back (readback = 1): the
 * first byte of sector N reads inverted. -EINVAL if malformed. */
int optical_src_set_faults(struct optical_src *s, const char *spec, int readback);
#endif
