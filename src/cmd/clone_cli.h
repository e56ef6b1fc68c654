#ifndef ALTKIT_CLONE_CLI_H
#define ALTKIT_CLONE_CLI_H
#include "clone.h"

/* The report alt_disk_copy gives the clone engine: "alt_disk_copy: ..."
 * lines on stderr, -V paths on stdout, copy errors as errmsg. */
extern const struct clone_report clone_cli_report;
/* -D: trace every command run; progress: a progress line while a
 * filesystem is copied (1, 0, -1: on a terminal only; cmd/progress.h);
 * pkg_lines: show the package manager's output in phase 2 (a terminal,
 * or -V). */
void clone_cli_setup(int debug, int progress, int pkg_lines);
/* One "alt_disk_copy: ..." line on stderr. */
void clone_cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* -r: the system's reboot; -1 after saying it failed. */
int clone_cli_reboot(void);
/* --dump-layout: the source's LVs in the format -i reads, on stdout. */
void clone_cli_dump_layout(const struct clone_source *src);
#endif
