/* The progress line of every long run (copytree, alt_disk_copy, extfs
 * copy-used, dupopt, volarc): the one home of its format and its rules.
 *
 * On a terminal: one line, redrawn in place every half second, cleared at
 * the end. Asked for off a terminal (--progress): a plain line every 5
 * seconds. Otherwise nothing. (The ALTKIT_PROGRESS_MS test hook sets the
 * interval.)
 *
 * The figures are what the library reports as done, which for data written
 * through the page cache means on the disk (lib/util/writeback.h), not
 * queued. The rate and the time left come from the last few seconds rather
 * than the whole run, so a stall or a speed-up shows at once. */
#ifndef ALTKIT_PROGRESS_H
#define ALTKIT_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum progress_mode {
	PROGRESS_OFF,
	PROGRESS_TTY,           /* a line redrawn in place */
	PROGRESS_LINES,         /* a plain line now and then */
};

#define PROGRESS_SAMPLES 12

/* What a watcher reads each time it draws: the bytes done, the total when it
 * became known (*total holds the one known so far), and a detail ("3 files,
 * 1 dir") put before them; true while the data is all written and the run
 * waits for it to reach the disk. */
typedef bool (*progress_poll_fn)(void *arg, uint64_t *done, uint64_t *total, char *detail, size_t len);

struct progress {
	enum progress_mode mode;
	char what[200];                 /* "copying /var"; "" for nothing */
	uint64_t total;                 /* bytes expected; 0: not known */
	double every, start, last;
	double t[PROGRESS_SAMPLES];     /* recent (time, bytes) samples */
	uint64_t b[PROGRESS_SAMPLES];
	unsigned samples;
	bool shown;                     /* a terminal line is on the screen */
	bool full_shown;                /* the line at 100% was drawn */
	/* the watcher thread */
	progress_poll_fn poll;
	void *arg;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool watching, stop;
};

/* The mode for asked = 1 (--progress), 0 (--no-progress), -1 (the default:
 * on a terminal only). */
enum progress_mode progress_mode(int asked);

/* Start a line: "<cmd>: <what>: ..." (what may be NULL), total bytes (0 when
 * not known: no percentage, no time left). */
void progress_begin(struct progress *p, enum progress_mode mode, const char *what, uint64_t total);

/* done bytes so far; detail (or NULL) goes before them. Drawn at most once
 * per interval, and once when done reaches the total. flushing: all
 * written, waiting for the disk. */
void progress_show(struct progress *p, uint64_t done, const char *detail, bool flushing);

/* A thread that calls poll and draws, until progress_end. */
void progress_watch(struct progress *p, progress_poll_fn poll, void *arg);

/* Stop the watcher and clear the line. */
void progress_end(struct progress *p);

/* Around any other message on stderr while a line may be shown: clears the
 * line and holds the terminal; the next draw puts the line back. */
void progress_pause(struct progress *p);
void progress_resume(struct progress *p);

#endif
