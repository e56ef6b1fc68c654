/* fork/exec with an argv, collecting output through pipes with poll so that
 * neither stdout nor stderr can fill up and block the child. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "run.h"
#include "xalloc.h"

void (*run_trace)(char *const argv[]);

struct buf {
	char *data;
	size_t len, cap;
};

static void buf_read(struct buf *b, int fd, int *open_fd)
{
	if (b->cap - b->len < 4096) {
		b->cap = b->cap ? b->cap * 2 : 8192;
		b->data = xrealloc(b->data, b->cap);
	}
	ssize_t n = read(fd, b->data + b->len, b->cap - b->len - 1);
	if (n > 0) {
		b->len += (size_t)n;
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(fd);
		*open_fd = -1;
	}
}

static int open_null(int flags)
{
	return open("/dev/null", flags | O_CLOEXEC);
}

/* In the child: stdin, stdout and stderr as flags and the pipes say, then
 * exec; when exec fails, its errno goes up execfd. */
static void __attribute__((noreturn)) child_exec(char *const argv[], int flags, int outfd,
						 int errfd, int execfd)
{
	int fd;
	if (flags & RUN_NULL_IN) {
		fd = open_null(O_RDONLY);
		dup2(fd, 0);
	}
	if (outfd >= 0)
		dup2(outfd, 1);
	if (errfd >= 0)
		dup2(errfd, 2);
	else if (flags & RUN_QUIET_ERR) {
		fd = open_null(O_WRONLY);
		dup2(fd, 2);
	}
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	int e = errno;
	(void)!write(execfd, &e, sizeof(e));
	_exit(127);
}

/* Read both pipes (-1: not captured) until both are closed. */
static void collect(int ofd, int efd, struct buf *out, struct buf *err)
{
	while (ofd >= 0 || efd >= 0) {
		struct pollfd p[2] = { { ofd, POLLIN, 0 }, { efd, POLLIN, 0 } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (ofd >= 0 && p[0].revents)
			buf_read(out, ofd, &ofd);
		if (efd >= 0 && p[1].revents)
			buf_read(err, efd, &efd);
	}
}

/* What was captured, as a NUL-terminated string ("" when nothing came). */
static char *captured(struct buf *b, size_t *len)
{
	if (b->data)
		b->data[b->len] = '\0';
	*len = b->len;
	return b->data ? b->data : xstrdup("");
}

int run_argv(char *const argv[], int flags, struct run_result *res)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, execp[2];
	struct buf out = { 0 }, err = { 0 };

	memset(res, 0, sizeof(*res));
	if (run_trace)
		run_trace(argv);
	if ((flags & RUN_CAPTURE_OUT) && pipe2(outp, O_CLOEXEC) < 0)
		return -errno;
	if ((flags & RUN_CAPTURE_ERR) && pipe2(errp, O_CLOEXEC) < 0)
		return -errno;
	/* The child writes errno here when exec fails; EOF means exec worked. */
	if (pipe2(execp, O_CLOEXEC) < 0)
		return -errno;

	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(argv, flags, outp[1], errp[1], execp[1]);
	close(execp[1]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[1] >= 0)
		close(errp[1]);
	collect(outp[0], errp[0], &out, &err);

	int exec_errno = 0, st;
	ssize_t n = read(execp[0], &exec_errno, sizeof(exec_errno));
	close(execp[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(exec_errno)) {
		free(out.data);
		free(err.data);
		return -exec_errno;
	}
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (flags & RUN_CAPTURE_OUT)
		res->out = captured(&out, &res->out_len);
	if (flags & RUN_CAPTURE_ERR)
		res->err = captured(&err, &res->err_len);
	return 0;
}

void run_result_release(struct run_result *res)
{
	if (!res)
		return;
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}

int run_status(char *const argv[], int flags)
{
	struct run_result r;
	int rc = run_argv(argv, flags & ~(RUN_CAPTURE_OUT | RUN_CAPTURE_ERR), &r);
	return rc < 0 ? rc : r.status;
}

int run_checked(const char *what, char *const argv[], struct err *e)
{
	struct run_result r;
	/* its chatter is shown with -D only; its errors always */
	int rc = run_argv(argv, RUN_CAPTURE_ERR | RUN_NULL_IN | (run_trace ? 0 : RUN_CAPTURE_OUT), &r);
	if (rc < 0)
		return err_errno(e, rc, "%s: cannot run '%s'", what, argv[0]);
	if (r.status != 0) {
		/* its last words: the last line of its stderr */
		char *last = r.err ? r.err + strlen(r.err) : NULL;
		while (last && last > r.err && (last[-1] == '\n' || last[-1] == ' '))
			*--last = '\0';
		const char *line = last ? strrchr(r.err, '\n') : NULL;
		err_set(e, -EIO, "%s: '%s' failed (exit %d)%s%s", what, argv[0], r.status,
			r.err && *r.err ? ": " : "", line ? line + 1 : (r.err ? r.err : ""));
		run_result_release(&r);
		return -EIO;
	}
	run_result_release(&r);
	return 0;
}
