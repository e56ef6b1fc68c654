/* One volume of a set as an ISO 9660 image with Rock Ridge and/or Joliet,
 * made by libisofs: its exact size (for planning) and its bytes. */
#ifndef ALTKIT_VOLARC_ISO_H
#define ALTKIT_VOLARC_ISO_H
#include <stddef.h>
#include <stdint.h>

#include "volarc_input.h"
#include "volarc_set.h"

/* What a volume image is made of. Volume `index` holds every piece the set
 * places on it (at the piece's path), the directories those need (all of
 * the set's directories on volume 1) and the set directory text. */
struct volarc_iso_job {
	const struct volarc_set *set;
	unsigned index;
	const char *set_text;           /* the set directory as written now */
	size_t set_len;
	const struct volarc_input *in;  /* owners and atimes; NULL: none */
	/* Open entry i's file: fd, or -errno with e filled. */
	int (*open)(void *ctx, size_t entry, struct err *e);
	/* The bytes of entry i at offset, in file order (each once). */
	void (*data)(void *ctx, size_t entry, uint64_t offset, const void *buf, size_t len);
	/* Bytes of the image written so far (may be NULL). */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
	volatile int *stop;             /* set (by a signal): give up, -EINTR */
};

/* Set up libisofs once (UTF-8 names, no messages printed). */
int volarc_iso_init(struct err *e);

/* The size in bytes the image of job would have (no file is read). */
int volarc_iso_measure(const struct volarc_iso_job *job, uint64_t *bytes, struct err *e);

/* Write the image to fd (at its current position). A file that cannot be
 * read, or changes while it is read, fails the whole write. */
int volarc_iso_write(const struct volarc_iso_job *job, int fd, struct err *e);

/* "libisofs 1.5.4" */
const char *volarc_iso_version(void);

#endif
