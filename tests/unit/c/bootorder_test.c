/* src/lib/bootlist.c: how BootOrder changes (the pure part of bootlist). */
#include <stdint.h>
#include <stdlib.h>

#include "bootlist.h"
#include "tap.h"

/* "3,0,1" <-> arrays */
static size_t parse(const char *s, uint16_t *v)
{
	size_t n = 0;
	for (char *end; *s; s = *end ? end + 1 : end)
		v[n++] = (uint16_t)strtoul(s, &end, 16);
	return n;
}

static void format(const uint16_t *v, size_t n, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, "%s%X", i ? "," : "", v[i]);
	}
}

static const struct {
	const char *title, *order, *first, *want;
} put_first[] = {
	{ "a new entry goes in front", "0,1", "5", "5,0,1" },
	{ "an entry already listed moves to the front", "0,1,3", "3", "3,0,1" },
	{ "two disks, in the order named", "0,1,3", "3,1", "3,1,0" },
	{ "an empty order", "", "3,1", "3,1" },
	{ "already first: unchanged", "3,0", "3", "3,0" },
	{ "a disk named twice is listed once", "0", "3,3", "3,0" },
	{ "duplicates in the old order are kept (not ours to fix)", "0,0,1", "1", "1,0,0" },
};

static const struct {
	const char *title, *order, *drop, *want;
} without[] = {
	{ "one out", "3,0,1", "3", "0,1" },
	{ "several out", "3,0,1,4", "3,1", "0,4" },
	{ "nothing to drop", "0,1", "", "0,1" },
	{ "all out", "3,1", "1,3", "" },
	{ "dropping what is absent", "0", "7", "0" },
};

int main(void)
{
	uint16_t a[16], b[16], out[32];
	char got[128];
	for (size_t i = 0; i < sizeof(put_first) / sizeof(put_first[0]); i++) {
		size_t na = parse(put_first[i].order, a), nb = parse(put_first[i].first, b);
		format(out, bootorder_put_first(a, na, b, nb, out), got, sizeof(got));
		is_str(got, put_first[i].want, put_first[i].title);
	}
	for (size_t i = 0; i < sizeof(without) / sizeof(without[0]); i++) {
		size_t na = parse(without[i].order, a), nb = parse(without[i].drop, b);
		format(out, bootorder_without(a, na, b, nb, out), got, sizeof(got));
		is_str(got, without[i].want, without[i].title);
	}
	return done_testing();
}
