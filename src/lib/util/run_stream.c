/* run_stream (run.h): a long-running program whose every line is shown as it
 * comes, with its last lines kept for the error message. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

static void __attribute__((noreturn)) child(char *const argv[], const struct run_stream *s, int outfd, int execfd)
{
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	dup2(in, 0);
	dup2(outfd, 1);
	dup2(outfd, 2);
	signal(SIGPIPE, SIG_DFL);
	int e = 0;
	if (s->root && (chroot(s->root) < 0 || chdir("/") < 0))
		e = errno;
	if (s->env)
		clearenv();
	for (size_t i = 0; !e && s->env && s->env[i]; i++)
		if (putenv(s->env[i]) < 0)
			e = errno;
	if (!e) {
		execvp(argv[0], argv);
		e = errno;
	}
	(void)!write(execfd, &e, sizeof(e));
	_exit(127);
}

/* One line: to the callback, and into the tail (the oldest dropped). */
static void take_line(struct run_stream *s, const char *line)
{
	if (s->line)
		s->line(s->arg, line);
	if (s->ntail == RUN_TAIL_LINES) {
		memmove(s->tail[0], s->tail[1], sizeof(s->tail[0]) * (RUN_TAIL_LINES - 1));
		s->ntail--;
	}
	snprintf(s->tail[s->ntail++], sizeof(s->tail[0]), "%s", line);
}

/* Lines from fd until EOF; a line longer than the buffer is cut in pieces,
 * \r (progress redraws) ends a line too. */
static void read_lines(int fd, struct run_stream *s)
{
	char buf[4096];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		size_t start = 0;
		for (size_t i = 0; i < len; i++)
			if (buf[i] == '\n' || buf[i] == '\r') {
				buf[i] = '\0';
				if (i > start)
					take_line(s, buf + start);
				start = i + 1;
			}
		memmove(buf, buf + start, len - start);
		len -= start;
		if (len == sizeof(buf) - 1) {
			buf[len] = '\0';
			take_line(s, buf);
			len = 0;
		}
	}
	if (len) {
		buf[len] = '\0';
		take_line(s, buf);
	}
}

int run_stream(char *const argv[], struct run_stream *s)
{
	int outp[2], execp[2], e = 0, st;
	s->ntail = 0;
	if (run_trace)
		run_trace(argv);
	if (pipe2(outp, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(execp, O_CLOEXEC) < 0) {
		e = errno;
		close(outp[0]);
		close(outp[1]);
		return -e;
	}
	pid_t pid = fork();
	if (pid < 0) {
		e = errno;
		close(outp[0]);
		close(outp[1]);
		close(execp[0]);
		close(execp[1]);
		return -e;
	}
	if (pid == 0)
		child(argv, s, outp[1], execp[1]);
	close(outp[1]);
	close(execp[1]);
	read_lines(outp[0], s);
	close(outp[0]);
	ssize_t n = read(execp[0], &e, sizeof(e));
	close(execp[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(e))
		return -e;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
