/* src/lib/layout.c: the -i layout format, as a table of texts. */
#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "tap.h"

static const struct {
	const char *text;
	int rc;
	unsigned err_line;
	const char *err_has;
} cases[] = {
	{ "root 256M ext4 /\nvar used+50% ext4 /var\nswap same swap -\n", 0, 0, "" },
	{ "# comment only\n\n   \t\n", 0, 0, "" },
	{ "root 256M ext4 / # trailing comment\n", 0, 0, "" },
	{ "root 256M ext4\n", -22, 1, "expected 4 fields" },
	{ "root 256M ext4 / extra\n", -22, 1, "too many fields" },
	{ "\nroot abc ext4 /\n", -22, 2, "size 'abc': expected SIZE, used+N% or same" },
	{ "root used+x% ext4 /\n", -22, 1, "size 'used+x%'" },
	{ "root used+10 ext4 /\n", -22, 1, "size 'used+10'" },
	{ "root 0 ext4 /\n", -22, 1, "size '0'" },
	{ "root 1G btrfs /\n", -22, 1, "fstype 'btrfs'" },
	{ "root 1G ext4 relative\n", -22, 1, "mountpoint 'relative'" },
	{ "-bad 1G ext4 /\n", -22, 1, "name '-bad'" },
	{ "ro/ot 1G ext4 /\n", -22, 1, "name 'ro/ot'" },
	{ "a 1G ext4 /a\na 1G ext4 /b\n", -22, 2, "name 'a' is listed twice" },
	{ "a 1G ext4 /x\nb 1G ext4 /x\n", -22, 2, "mountpoint '/x' is listed twice" },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct layout l;
		struct err err = { 0, "" };
		char name[160];
		snprintf(name, sizeof(name), "case %zu: %s", i, cases[i].rc ? cases[i].err_has : "parses");
		int rc = layout_parse(cases[i].text, &l, &err);
		is_int(rc, cases[i].rc, name);
		if (rc < 0) {
			char line[32];
			snprintf(line, sizeof(line), "line %u: ", cases[i].err_line);
			is_int(strncmp(err.msg, line, strlen(line)), 0, "  the error names the line");
			if (!ok(strstr(err.msg, cases[i].err_has) != NULL, "  and says what is wrong"))
				printf("# msg: %s\n", err.msg);
		} else {
			layout_release(&l);
		}
	}
	struct layout l;
	struct err err;
	layout_parse("root 256M ext4 /\nvar used+50% ext4 /var\nswap same swap -\n", &l, &err);
	const struct layout_entry *e = layout_find(&l, "/var", "whatever");
	is_str(e ? e->name : NULL, "var", "found by mount point");
	is_int(e ? e->pct : 0, 50, "  used+50%");
	e = layout_find(&l, "", "swap");
	is_str(e ? e->fstype : NULL, "swap", "an LV without mount point is found by name");
	is_int(layout_find(&l, "/home", "home") == NULL, 1, "an LV not listed is not found");
	is_int(layout_find(&l, "/", "root")->bytes, 256 << 20, "sizes in bytes");
	layout_release(&l);
	return done_testing();
}
