/* volarc create: plan the volumes of the input, write them under a
 * temporary name beside VOL, then rename: VOL appears whole or not at all. */
#ifndef ALTKIT_VOLARC_CREATE_H
#define ALTKIT_VOLARC_CREATE_H
#include <stdint.h>

#include "volarc_input.h"

struct volarc_create_opts {
	const char *vol;                /* the image file, or the set's directory */
	uint64_t max_bytes;
	int multivolume;                /* VOL is a directory of 001, 002, ... */
	uint64_t piece_max;
	/* volume `index` of `count`: done of total bytes written (may be NULL) */
	void (*progress)(void *ctx, unsigned index, unsigned count, uint64_t done, uint64_t total);
	void *ctx;
	volatile int *stop;             /* set by a signal: give up cleanly */
};

struct volarc_create_result {
	unsigned count;
	uint64_t bytes;                 /* of all volumes */
	uint64_t needed;                /* -EFBIG: what one volume would need */
};

/* in->set.serial, .created and .fs must be set. Nothing is left behind on
 * failure. */
int volarc_create(struct volarc_input *in, const struct volarc_create_opts *o, struct volarc_create_result *res,
		  struct err *e);

#endif
