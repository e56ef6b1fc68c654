/* src/lib/util/inputfile.c: a user-given file is a regular file of at most
 * N bytes, read whole; anything else is refused at once, FIFOs included. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exclude.h"
#include "inputfile.h"
#include "tap.h"

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");
	fwrite(data, 1, len, f);
	fclose(f);
}

static void test_read(const char *dir)
{
	char path[128];
	char *buf = NULL;
	size_t len = 0;
	struct err e;
	snprintf(path, sizeof(path), "%s/small", dir);
	write_file(path, "ab\0c\n", 5);
	is_int(input_file_read(path, 5, &buf, &len, &e), 0, "a file of exactly max bytes is read");
	is_int((long long)len, 5, "...whole, a NUL byte included");
	ok(buf && memcmp(buf, "ab\0c\n", 6) == 0, "...and NUL-terminated");
	free(buf);
	is_int(input_file_read(path, 4, &buf, &len, &e), -EFBIG, "one byte more than max: -EFBIG");
	is_str(e.msg, "larger than 4 bytes", "...saying the bound");
	is_int(input_file_check(path, 1 << 20, &e), 0, "input_file_check: a small regular file passes");
	is_int(input_file_check("/dev/zero", 1 << 20, &e), -EINVAL, "/dev/zero: refused");
	is_str(e.msg, "a character device, not a regular file", "...as a character device");
	is_int(input_file_check(dir, 1 << 20, &e), -EISDIR, "a directory: -EISDIR");
	is_str(e.msg, "a directory, not a regular file", "...saying so");
	snprintf(path, sizeof(path), "%s/missing", dir);
	is_int(input_file_check(path, 1 << 20, &e), -ENOENT, "a missing file: -ENOENT");
	is_str(e.msg, strerror(ENOENT), "...with strerror's text");
	snprintf(path, sizeof(path), "%s/fifo", dir);
	mkfifo(path, 0600);
	/* without O_NONBLOCK this open would wait for a writer for ever */
	is_int(input_file_read(path, 1 << 20, &buf, &len, &e), -EINVAL, "a FIFO: refused without blocking");
	is_str(e.msg, "a FIFO, not a regular file", "...as a FIFO");
	unlink(path);
	snprintf(path, sizeof(path), "%s/big", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		ftruncate(fd, (2 << 20) + 1);
		close(fd);
	}
	is_int(input_file_check(path, INPUT_MAX_TEXT, &e), -EFBIG, "a file over 1 MiB: refused by its size");
	is_str(e.msg, "larger than 1 MiB", "...in MiB");
	unlink(path);
	snprintf(path, sizeof(path), "%s/small", dir);
	unlink(path);
}

/* Exclude lists go through it: a failed regcomp() is not regfree()d, long
 * lines and multiplying repetitions are refused before regcomp(). */
static void test_exclude(void)
{
	struct err e;
	struct exclude *ex = exclude_new();
	char *line = malloc(300001);
	memset(line, 'a', 300000);
	line[300000] = '\0';
	is_int(exclude_add(ex, line, &e), -EXCLUDE_EBADPAT, "a 300 KB pattern: refused");
	ok(strstr(e.msg, ": longer than 4096 bytes") != NULL, "...as too long");
	free(line);
	is_int(exclude_add(ex, "a\\{1,255\\}\\{1,255\\}\\{1,255\\}", &e), -EXCLUDE_EBADPAT,
	       "nested repetition: refused before regcomp");
	ok(strstr(e.msg, "multiply to more than 1000 copies") != NULL, "...saying why");
	is_int(exclude_add(ex, "\\(\\(x\\{1,20\\}\\)\\{1,20\\}\\)\\{1,20\\}", &e), -EXCLUDE_EBADPAT,
	       "nested repetition of groups: refused");
	is_int(exclude_add(ex, "^\\./a\\{1,255\\}[[:alpha:]]\\{2\\}$", &e), 0, "a bounded repetition is fine (255: RE_DUP_MAX of musl)");
	is_int(exclude_add(ex, "[\\{]x\\{1,10\\}", &e), 0, "\\{ inside brackets is no repetition");
	is_int(exclude_add(ex, "\\(", &e), -EXCLUDE_EBADPAT, "a failed regcomp: an error, no crash");
	is_int((long long)exclude_count(ex), 2, "only the good patterns are kept");
	ok(exclude_match(ex, "./aaxy"), "...and match");
	exclude_free(ex);
	ex = exclude_new();
	is_int(exclude_read(ex, "/dev/zero", &e), -EINVAL, "exclude list /dev/zero: refused");
	is_str(e.msg, "cannot read exclude list '/dev/zero': a character device, not a regular file", "...saying so");
	exclude_free(ex);
}

int main(void)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/tmp/inputfile.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	test_read(dir);
	test_exclude();
	rmdir(dir);
	return done_testing();
}
