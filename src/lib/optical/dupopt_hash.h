#ifndef ALTKIT_DUPOPT_HASH_H
#define ALTKIT_DUPOPT_HASH_H
#include <stddef.h>
#include <stdint.h>
/* XXH64 (Yann Collet's xxHash, 64-bit variant): a fast non-cryptographic hash,
 * used by dupopt --verify to remember what was written to every chunk. */
uint64_t dupopt_xxh64(const void *data, size_t len, uint64_t seed);
#endif
