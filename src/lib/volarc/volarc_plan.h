/* Which bytes of which file go on which volume of a set. */
#ifndef ALTKIT_VOLARC_PLAN_H
#define ALTKIT_VOLARC_PLAN_H
#include <stddef.h>
#include <stdint.h>

#include "volarc_set.h"

struct volarc_plan_opts {
	uint64_t max_bytes;             /* per volume */
	int multivolume;
	uint64_t piece_max;             /* VOLARC_PIECE_MAX (less in tests) */
	/* The exact image size of volume `index` of set, its set directory
	 * set_len bytes long (volarc_iso_measure). */
	int (*measure)(void *ctx, const struct volarc_set *set, unsigned index, size_t set_len, uint64_t *bytes,
		       struct err *e);
	void *ctx;
};

struct volarc_plan_result {
	size_t set_len;                 /* every volume's set directory, padded */
	uint64_t needed;                /* -EFBIG: bytes one volume would need */
};

/* Give every file of set its pieces, set->count its volumes. Without
 * multivolume, one volume or -EFBIG (res->needed says how big it would
 * be). With it, as few volumes as the room allows, filled evenly: each
 * volume but the last gets the same amount of data, a file that does not
 * fit in the room left is split at that point. */
int volarc_plan(struct volarc_set *set, const struct volarc_plan_opts *o, struct volarc_plan_result *res,
		struct err *e);

#endif
