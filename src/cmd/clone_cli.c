/* What a clone run says on the terminal (alt_disk_copy): progress lines,
 * the paths -V lists, entries not copied, the -D trace of every command
 * run, and a progress line redrawn while a filesystem is copied. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "altkit.h"
#include "clone_cli.h"
#include "layout.h"
#include "run.h"

static void say(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "alt_disk_copy: %s\n", msg);
}

void clone_cli_say(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say(NULL, msg);
}

static void copied(void *arg, const char *path)
{
	(void)arg;
	printf("%s\n", path);
}

static void warn(void *arg, const char *msg)
{
	(void)arg;
	errmsg("%s", msg);
}

/* A progress line, redrawn on a terminal while a filesystem is copied. */
struct progress {
	struct copytree_stats *stats;
	const char *name;
	uint64_t total;
	volatile int done, shown;
	pthread_t th;
};

static void *progress_thread(void *arg)
{
	struct progress *p = arg;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!p->done) {
		usleep(250000);
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		double secs = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
		uint64_t bytes = atomic_load(&p->stats->bytes);
		double rate = secs > 0 ? (double)bytes / secs : 0;
		double eta = rate > 0 && p->total > bytes ? (double)(p->total - bytes) / rate : 0;
		fprintf(stderr, "\r%s: %llu files, %llu MiB of %llu MiB, %.1f MiB/s, ETA %.0f s   ",
			p->name, (unsigned long long)atomic_load(&p->stats->files),
			(unsigned long long)(bytes >> 20), (unsigned long long)(p->total >> 20),
			rate / 1048576.0, eta);
	}
	fputc('\n', stderr);
	return NULL;
}

static struct progress progress;
static int show_progress, show_pkg_lines;

static void copy_start(void *arg, const char *mountpoint, struct copytree_stats *stats, uint64_t total)
{
	(void)arg;
	progress = (struct progress){ .stats = stats, .name = mountpoint, .total = total };
	progress.shown = show_progress && pthread_create(&progress.th, NULL, progress_thread, &progress) == 0;
}

static void copy_end(void *arg)
{
	(void)arg;
	if (progress.shown) {
		progress.done = 1;
		pthread_join(progress.th, NULL);
	}
}

static void trace(char *const argv[])
{
	fputs("+", stderr);
	for (int i = 0; argv[i]; i++)
		fprintf(stderr, " %s", argv[i]);
	fputc('\n', stderr);
}

/* The package manager's own output, as it comes. */
static void pkg_line(void *arg, const char *line)
{
	(void)arg;
	if (show_pkg_lines) {
		printf("%s\n", line);
		fflush(stdout);
	}
}

const struct clone_report clone_cli_report = { say, copied, warn, copy_start, copy_end, pkg_line, NULL };

void clone_cli_setup(int debug, int progress_line, int pkg_lines)
{
	if (debug)
		run_trace = trace;
	show_progress = progress_line;
	show_pkg_lines = pkg_lines;
}

/* -r: the system's own reboot, so that its shutdown runs (busybox init,
 * systemd, sysvinit all take this argv). */
int clone_cli_reboot(void)
{
	clone_cli_say("rebooting");
	sync();
	char *argv[] = { "reboot", NULL };
	int rc = run_status(argv, RUN_NULL_IN);
	if (rc != 0) {
		errmsg("'reboot' failed (status %d); reboot by hand to start the clone", rc);
		return -1;
	}
	return 0;
}

void clone_cli_dump_layout(const struct clone_source *src)
{
	printf("# altkit layout of %s (%s): name size fstype mountpoint\n"
	       "# size: SIZE, used+N%% (used data plus N percent) or same\n", src->vg, src->uuid);
	for (size_t i = 0; i < src->nfs; i++) {
		const struct clone_fs *f = &src->fs[i];
		layout_write_entry(stdout, f->lv, f->size, f->fstype, f->mountpoint);
	}
}
