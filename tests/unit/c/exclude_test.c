/* src/lib/copytree/exclude.c: patterns, and its errors as a struct err
 * (exclude_read, exclude_add). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exclude.h"
#include "tap.h"

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");
	fwrite(data, 1, len, f);
	fclose(f);
}

int main(void)
{
	char dir[64], good[96], bad[96], nul[96], missing[96];
	snprintf(dir, sizeof(dir), "/tmp/exclude.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(good, sizeof(good), "%s/good", dir);
	snprintf(bad, sizeof(bad), "%s/bad", dir);
	snprintf(nul, sizeof(nul), "%s/nul", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	write_file(good, "^\\./tmp/\n\n \t\n/cache$\n", 21);
	write_file(bad, "ok\n\n\\(\n", 7);
	write_file(nul, "ok\nbad\0x\n", 9);

	struct err e;
	struct exclude *ex = exclude_new();
	is_int(exclude_read(ex, good, &e), 0, "a good list loads");
	is_int((long long)exclude_count(ex), 2, "blank lines are ignored");
	ok(exclude_match(ex, "./tmp/x"), "a path matches");
	ok(exclude_match(ex, "./var/cache"), "the second pattern matches");
	ok(!exclude_match(ex, "./tmpx"), "another path does not");
	exclude_free(ex);

	char want[512];
	ex = exclude_new();
	is_int(exclude_read(ex, bad, &e), -EXCLUDE_EBADPAT, "a bad pattern: -EXCLUDE_EBADPAT");
	is_int(e.code, -EXCLUDE_EBADPAT, "a bad pattern: e.code");
	snprintf(want, sizeof(want), "'%s' line 3: invalid pattern '\\(': ", bad);
	ok(strncmp(e.msg, want, strlen(want)) == 0 && strlen(e.msg) > strlen(want),
	   "a bad pattern: file, line, pattern, why");
	exclude_free(ex);

	ex = exclude_new();
	is_int(exclude_read(ex, nul, &e), -EXCLUDE_ENUL, "a NUL byte: -EXCLUDE_ENUL");
	snprintf(want, sizeof(want), "'%s' line 2: invalid pattern 'bad': the line holds a NUL byte",
		 nul);
	is_str(e.msg, want, "a NUL byte: the message");
	exclude_free(ex);

	ex = exclude_new();
	is_int(exclude_read(ex, missing, &e), -ENOENT, "a missing list: -ENOENT");
	snprintf(want, sizeof(want), "cannot read exclude list '%s': %s", missing, strerror(ENOENT));
	is_str(e.msg, want, "a missing list: the message");
	is_int(exclude_read(ex, missing, NULL), -ENOENT, "e may be NULL");

	is_int(exclude_add(ex, "a[", &e), -EXCLUDE_EBADPAT, "exclude_add: a bad pattern");
	ok(strncmp(e.msg, "invalid pattern 'a[': ", 22) == 0, "exclude_add: the message");
	is_int(exclude_add(ex, "  ", &e), 0, "exclude_add: a blank pattern is ignored");
	is_int((long long)exclude_count(ex), 0, "exclude_add: nothing was added");
	exclude_free(ex);

	unlink(good);
	unlink(bad);
	unlink(nul);
	rmdir(dir);
	return done_testing();
}
