#ifndef ALTKIT_DUPOPT_H
#define ALTKIT_DUPOPT_H
#include <stddef.h>
#include <stdint.h>

/* The copy engine of dupopt: a reader thread reads the source volume in
 * large chunks (retrying bad sectors, or failing), puts the patched volume
 * descriptors in, remembers a hash of every 32 KiB for --verify, and hands
 * the data to libburn through a burn_source. */

struct burn_source;
struct isovd_plan;
struct optical_src;
struct dupopt_ring;

enum { DUPOPT_HASH_SECTORS = 16 };      /* one hash per 32 KiB */

struct dupopt_copy {
	/* set by the caller */
	struct optical_src *src;
	uint64_t sectors;               /* the volume's size */
	const struct isovd_plan *plan;  /* may be NULL */
	int allow_errors;               /* zeros for unreadable sectors */
	int retries;                    /* extra reads of a failing sector */
	int keep_hashes;                /* for dupopt_verify */

	/* progress: read with __atomic_load_n while the copy runs */
	uint64_t read_sectors;          /* read from the source */
	uint64_t delivered_sectors;     /* handed to libburn */

	/* results */
	uint64_t *bad;                  /* unreadable sectors written as zeros */
	size_t nbad;
	int read_error;                 /* a fatal read error (-errno), 0 if none */
	uint64_t read_error_lba;
	uint64_t *hashes;

	struct dupopt_ring *ring;       /* private */
};

/* Start the reader thread (signals blocked in the calling thread stay
 * blocked in it) and make the burn_source libburn reads from. The caller
 * owns one reference of the source (burn_source_free). */
int dupopt_copy_start(struct dupopt_copy *c, struct burn_source **src);
/* Has the reader failed? (the write should be cancelled) */
int dupopt_copy_failed(struct dupopt_copy *c);
/* Stop and join the reader thread; keeps the results. */
void dupopt_copy_stop(struct dupopt_copy *c);
void dupopt_copy_release(struct dupopt_copy *c);

/* A run of sectors that --verify found different or unreadable. */
struct dupopt_mismatch {
	uint64_t lba, count;
	int unreadable;                 /* the target could not be read there */
};

/* Read the target back (an image or a drive opened with optical_src_open)
 * and compare every sector with what the copy meant to write. progress
 * (may be NULL) is called after every chunk. Returns 0 when all match,
 * 1 when there are mismatches (*out, *nout; free(*out)), or -errno. */
int dupopt_verify(struct dupopt_copy *c, struct optical_src *target,
		  void (*progress)(void *arg, uint64_t done), void *arg,
		  struct dupopt_mismatch **out, size_t *nout);
#endif
