/* Minimal TAP for C unit tests of src/lib: each test is a program that prove runs. */
#ifndef ALTKIT_TEST_TAP_H
#define ALTKIT_TEST_TAP_H
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int ok(int cond, const char *name)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	if (!cond)
		tap_failed++;
	return cond;
}

static __attribute__((unused)) int is_str(const char *got, const char *want, const char *name)
{
	int same = (got == want) || (got && want && strcmp(got, want) == 0);
	if (!ok(same, name))
		printf("# got:      '%s'\n# expected: '%s'\n", got ? got : "(null)", want ? want : "(null)");
	return same;
}

static __attribute__((unused)) int is_int(long long got, long long want, const char *name)
{
	if (!ok(got == want, name))
		printf("# got:      %lld\n# expected: %lld\n", got, want);
	return got == want;
}

static int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
#endif
