/* Write-behind for data written through the page cache: each range is
 * handed to writeback as soon as it is written, and the range written
 * WRITEBACK_LAG ranges before is waited for. So dirty pages never pile up
 * (a live system's cache is not flooded, the final flush has little left),
 * a write error shows up at the range that failed, and a caller can count
 * data as done when it is on the disk rather than when it was queued: what
 * an honest progress line needs. */
#ifndef ALTKIT_WRITEBACK_H
#define ALTKIT_WRITEBACK_H

#include <stdbool.h>
#include <stdint.h>

#define WRITEBACK_LAG 4

struct writeback {
	int fd;
	bool drop;              /* drop what is on disk from the page cache */
	bool unsupported;       /* no sync_file_range here: all counts at once */
	unsigned n;             /* ranges added */
	uint64_t off[WRITEBACK_LAG], len[WRITEBACK_LAG];
};

/* fd: the file written; drop: forget written pages (a one-pass copy). */
void writeback_init(struct writeback *wb, int fd, bool drop);

/* [off, off+len) of the file was written. Returns the bytes now known to be
 * on the disk (those of the range WRITEBACK_LAG adds ago; all of this one
 * where writeback cannot be steered), or a negative errno when writing
 * them back failed. */
int64_t writeback_add(struct writeback *wb, uint64_t off, uint64_t len);

/* Wait for every range still in flight: the bytes, or a negative errno. */
int64_t writeback_finish(struct writeback *wb);

#endif
