/* One message per failure, named after the command the user ran. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "altkit.h"

const char *altkit_cmd = "altkit";

void verrmsg(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", altkit_cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void errmsg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verrmsg(fmt, ap);
	va_end(ap);
}

void errmsg_errno(int err, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "%s: ", altkit_cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err < 0 ? -err : err));
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verrmsg(fmt, ap);
	va_end(ap);
	exit(EXIT_FAIL);
}

int close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		errmsg("write error on standard output: %s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

void print_usage(FILE *out, const char *usage)
{
	fputs(usage, out);
}
