/* The progress line (see progress.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "altkit.h"
#include "blockdev.h"
#include "progress.h"
#include "testhook.h"

/* stderr is shared by the line and every other message */
static pthread_mutex_t term = PTHREAD_MUTEX_INITIALIZER;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum progress_mode progress_mode(int asked)
{
	bool tty = isatty(STDERR_FILENO);
	if (asked == 0)
		return PROGRESS_OFF;
	if (tty)
		return PROGRESS_TTY;
	return asked > 0 ? PROGRESS_LINES : PROGRESS_OFF;
}

void progress_begin(struct progress *p, enum progress_mode mode, const char *what, uint64_t total)
{
	memset(p, 0, sizeof(*p));
	p->mode = mode;
	snprintf(p->what, sizeof(p->what), "%s", what ? what : "");
	p->total = total;
	p->every = mode == PROGRESS_TTY ? 0.5 : 5.0;
	const char *ms = testhook(HOOK_PROGRESS_MS);
	if (ms && atoi(ms) > 0)
		p->every = atoi(ms) / 1000.0;
	p->start = p->last = now();
	p->t[0] = p->start;
	p->samples = 1;
}

/* "1:02:03" (or "2:03") for a number of seconds. */
static void hms(double secs, char *buf, size_t len)
{
	unsigned s = secs < 0 ? 0 : secs > 359999 ? 359999 : (unsigned)(secs + 0.5);
	if (s >= 3600)
		snprintf(buf, len, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%u:%02u", s / 60, s % 60);
}

/* Bytes per second over the samples kept (the last PROGRESS_SAMPLES draws). */
static double recent_rate(struct progress *p, double t, uint64_t done)
{
	unsigned oldest = p->samples < PROGRESS_SAMPLES ? 0 : p->samples % PROGRESS_SAMPLES;
	double dt = t - p->t[oldest];
	uint64_t db = done >= p->b[oldest] ? done - p->b[oldest] : 0;
	unsigned i = p->samples % PROGRESS_SAMPLES;
	p->t[i] = t;
	p->b[i] = done;
	p->samples++;
	return dt > 0 ? (double)db / dt : 0;
}

static void draw(struct progress *p, double t, uint64_t done, const char *detail, bool flushing)
{
	char line[512], d[32], tot[32], rate[32], left[32];
	double r = recent_rate(p, t, done);
	size_t n = (size_t)snprintf(line, sizeof(line), "%s: %s%s", altkit_cmd, p->what, p->what[0] ? ": " : "");
	if (detail && *detail && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s, ", detail);
	format_size(done, d, sizeof(d));
	if (n < sizeof(line) && p->total) {
		format_size(p->total, tot, sizeof(tot));
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s of %s (%d%%)", d, tot,
				      done >= p->total ? 100 : (int)(done * 100 / p->total));
	} else if (n < sizeof(line)) {
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s", d);
	}
	if (n < sizeof(line) && flushing) {
		snprintf(line + n, sizeof(line) - n, ", writing to the disk");
	} else if (n < sizeof(line)) {
		format_size((uint64_t)r, rate, sizeof(rate));
		n += (size_t)snprintf(line + n, sizeof(line) - n, ", %s/s", rate);
		if (n < sizeof(line) && p->total > done && r > 0) {
			hms((double)(p->total - done) / r, left, sizeof(left));
			snprintf(line + n, sizeof(line) - n, ", %s left", left);
		}
	}
	pthread_mutex_lock(&term);
	if (p->mode == PROGRESS_TTY) {
		fprintf(stderr, "\r\033[K%s", line);
		p->shown = true;
	} else {
		fprintf(stderr, "%s\n", line);
	}
	fflush(stderr);
	pthread_mutex_unlock(&term);
}

void progress_show(struct progress *p, uint64_t done, const char *detail, bool flushing)
{
	if (p->mode == PROGRESS_OFF)
		return;
	double t = now();
	bool full = p->total && done >= p->total && !p->full_shown;
	if (t - p->last < p->every && !full)
		return;
	p->full_shown |= full;
	p->last = t;
	draw(p, t, done, detail, flushing);
}

static void *watcher(void *arg)
{
	struct progress *p = arg;
	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		long ns = ts.tv_nsec + (long)(p->every * 1e9);
		ts.tv_sec += ns / 1000000000L;
		ts.tv_nsec = ns % 1000000000L;
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
		if (p->stop)
			break;
		uint64_t done = 0;
		char detail[160] = "";
		bool flushing = p->poll(p->arg, &done, &p->total, detail, sizeof(detail));
		p->last = 0;    /* the interval is the wait's */
		progress_show(p, done, detail, flushing);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

void progress_watch(struct progress *p, progress_poll_fn poll, void *arg)
{
	if (p->mode == PROGRESS_OFF)
		return;
	p->poll = poll;
	p->arg = arg;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	p->watching = pthread_create(&p->th, NULL, watcher, p) == 0;
}

void progress_end(struct progress *p)
{
	if (p->watching) {
		pthread_mutex_lock(&p->mu);
		p->stop = true;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
		p->watching = false;
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
	}
	progress_pause(p);
	progress_resume(p);
	p->mode = PROGRESS_OFF;
}

void progress_pause(struct progress *p)
{
	pthread_mutex_lock(&term);
	if (p && p->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->shown = false;
	}
}

void progress_resume(struct progress *p)
{
	(void)p;
	pthread_mutex_unlock(&term);
}
