/* What every harness needs: the input as a C string, or as a file that the
 * library can open by name (a memfd, so no disk is touched). libFuzzer calls
 * LLVMFuzzerTestOneInput once per input; a harness must leave nothing behind
 * (LeakSanitizer checks every run). */
#ifndef ALTKIT_FUZZ_H
#define ALTKIT_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input up to its first NUL, NUL-terminated (free it). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A memfd holding the input; *path gets "/proc/self/fd/N" (a regular file
 * for every open()). The caller closes the descriptor. */
static inline int fuzz_file(const uint8_t *data, size_t size, char path[32])
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	snprintf(path, 32, "/proc/self/fd/%d", fd);
	return fd;
}

/* Disk images are mostly zeros: a seed holds only the chunks that are not
 * (fuzz/sparse.py makes one from an image), so that the fuzzer spends its
 * mutations on the metadata. The input: the image's size (u64 LE, at most
 * max), then records of a chunk number (u32 LE) and chunk bytes (the last
 * record may be short). Chunks outside the image are left out. */
static inline uint64_t fuzz_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The image as a (sparse) memfd, *path as fuzz_file's; -1 for an input
 * too short to say the size. */
static inline int fuzz_sparse_file(const uint8_t *data, size_t size, size_t chunk, uint64_t max,
				   char path[32])
{
	if (size < 8)
		return -1;
	uint64_t bytes = fuzz_le(data, 8);
	if (bytes > max)
		bytes = max;
	int fd = fuzz_file(data, 0, path);
	if (ftruncate(fd, (off_t)bytes) < 0)
		abort();
	for (size_t off = 8; off + 4 < size; off += 4 + chunk) {
		uint64_t at = fuzz_le(data + off, 4) * chunk;
		size_t len = size - off - 4 < chunk ? size - off - 4 : chunk;
		if (at < bytes && pwrite(fd, data + off + 4, bytes - at < len ? bytes - at : len, (off_t)at) < 0)
			abort();
	}
	return fd;
}
#endif
