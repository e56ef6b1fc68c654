#ifndef ALTKIT_SIZE_H
#define ALTKIT_SIZE_H
#include <stdint.h>
/* "512", "4K", "260M", "2G", "1T" (powers of 1024; optional "iB"/"B") -> bytes.
 * Returns 0 or -EINVAL (garbage, overflow). */
int parse_size(const char *s, uint64_t *bytes);
#endif
