#ifndef ALTKIT_RUN_H
#define ALTKIT_RUN_H
#include <stddef.h>

/* Run external programs with an argv: never a shell string. */

struct run_result {
	int status;     /* exit status 0..255, or 128+signal when killed */
	char *out;      /* captured stdout (NUL-terminated) when asked for, else NULL */
	size_t out_len;
	char *err;      /* captured stderr when asked for, else NULL */
	size_t err_len;
};

enum {
	RUN_CAPTURE_OUT = 1 << 0,   /* collect stdout into result->out */
	RUN_CAPTURE_ERR = 1 << 1,   /* collect stderr into result->err */
	RUN_QUIET_ERR = 1 << 2,     /* send stderr to /dev/null */
	RUN_NULL_IN = 1 << 3,       /* stdin from /dev/null */
};

/* Trace hook: called with the argv before each run when set (the -D option). */
extern void (*run_trace)(char *const argv[]);

/* Returns 0 when the program ran (its status is in res->status), or a negative
 * errno when it could not be started (-ENOENT: no such program). */
int run_argv(char *const argv[], int flags, struct run_result *res);
void run_result_release(struct run_result *res);

/* Run with stdin from /dev/null and stdout kept unless run_trace is set;
 * 0 when it exits 0, else -EIO (or -errno when it cannot start) with e:
 * "WHAT: 'PROG' failed (exit N): <the last line of its stderr>". */
struct err;
int run_checked(const char *what, char *const argv[], struct err *e);

/* Convenience: run, return the exit status (or negative errno if not started). */
int run_status(char *const argv[], int flags);

/* A program whose output is shown as it comes (a package manager): stdout
 * and stderr merged, handed over line by line, the last lines kept for the
 * message when it fails. Optionally chrooted into root, with env added. */
#define RUN_TAIL_LINES 8
struct run_stream {
	const char *root;               /* chroot here first (NULL: no) */
	char *const *env;               /* the child's whole environment, NULL-ended (NULL: ours) */
	void (*line)(void *arg, const char *line);      /* each line (may be NULL) */
	void *arg;
	char tail[RUN_TAIL_LINES][256]; /* filled: the last lines, oldest first */
	size_t ntail;
};
/* The exit status (128+signal when killed), or a negative errno when it
 * could not be started. stdin is /dev/null. */
int run_stream(char *const argv[], struct run_stream *s);
#endif
