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
#include "progress.h"
#include "layout.h"
#include "run.h"

static struct progress progress;

static void say(void *arg, const char *msg)
{
	(void)arg;
	progress_pause(&progress);
	fprintf(stderr, "alt_disk_copy: %s\n", msg);
	progress_resume(&progress);
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
	progress_pause(&progress);
	printf("%s\n", path);
	progress_resume(&progress);
}

static void warn(void *arg, const char *msg)
{
	(void)arg;
	progress_pause(&progress);
	errmsg("%s", msg);
	progress_resume(&progress);
}

/* The progress line while a filesystem is copied (cmd/progress.h). */
static enum progress_mode progress_line;
static int show_pkg_lines;

static bool poll_copy(void *arg, uint64_t *done, uint64_t *total, char *detail, size_t len)
{
	const struct clone_copying *cp = arg;
	*done = atomic_load(cp->bytes);
	*total = atomic_load(cp->total);
	if (cp->files) {
		uint64_t n = atomic_load(cp->files);
		snprintf(detail, len, "%llu file%s", (unsigned long long)n, n == 1 ? "" : "s");
	}
	return atomic_load(cp->flushing);
}

static void copy_start(void *arg, const struct clone_copying *cp)
{
	(void)arg;
	char what[256];
	snprintf(what, sizeof(what), "copying %s (%s)", cp->mountpoint, cp->how);
	progress_begin(&progress, progress_line, what, atomic_load(cp->total));
	progress_watch(&progress, poll_copy, (void *)cp);
}

static void copy_end(void *arg)
{
	(void)arg;
	progress_end(&progress);
}

static void trace(char *const argv[])
{
	progress_pause(&progress);
	fputs("+", stderr);
	for (int i = 0; argv[i]; i++)
		fprintf(stderr, " %s", argv[i]);
	fputc('\n', stderr);
	progress_resume(&progress);
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

void clone_cli_setup(int debug, int progress_asked, int pkg_lines)
{
	if (debug)
		run_trace = trace;
	progress_line = progress_mode(progress_asked);
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
