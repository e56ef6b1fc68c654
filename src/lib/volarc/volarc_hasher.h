/* SHA-256 of many files beside the image writer: bytes fed are copied into
 * one of a few chunks and hashed by a thread of their own, so that hashing
 * does not hold up libisofs's writer thread (create of a 1.3 GB tree on
 * two cores: 2.3-2.8 s, against 3.0-3.4 s hashing in the writer). */
#ifndef ALTKIT_VOLARC_HASHER_H
#define ALTKIT_VOLARC_HASHER_H
#include <stddef.h>
#include <stdint.h>

struct volarc_hasher;

/* One running hash per entry. NULL when no thread can be started. */
struct volarc_hasher *volarc_hasher_new(size_t nentries);
/* The next len bytes of entry (they are copied: buf may be reused). */
void volarc_hasher_feed(struct volarc_hasher *h, size_t entry, const void *buf, size_t len);
/* Wait until everything fed is hashed, then the sum of entry in hex. */
void volarc_hasher_sum(struct volarc_hasher *h, size_t entry, char out[65]);
void volarc_hasher_free(struct volarc_hasher *h);

#endif
