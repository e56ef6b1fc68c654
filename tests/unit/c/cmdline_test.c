/* src/lib/cmdline.c and src/lib/size.c: small parsers, as tables. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "gpt.h"
#include "size.h"
#include "tap.h"

static void test_cmdline(void)
{
	struct cmdline cl;
	cmdline_parse("console=ttyS0 quiet altkit.vg=AbC-123 root=/dev/rootvg/root "
		      "opt=\"a b\" altkit.vg=second x=y=z\n", &cl);
	is_str(cmdline_get(&cl, "console"), "ttyS0", "key=value");
	is_str(cmdline_get(&cl, "quiet"), "", "a bare word is present and empty");
	is_str(cmdline_get(&cl, "altkit.vg"), "second", "the last occurrence wins (as the kernel)");
	is_str(cmdline_get(&cl, "opt"), "a b", "double quotes group words");
	is_str(cmdline_get(&cl, "x"), "y=z", "the first '=' splits");
	is_str(cmdline_get(&cl, "missing"), NULL, "a missing key is NULL");
	cmdline_release(&cl);
}

/* altkit.run's value as an argv: words split at spaces, a limit on them */
static const struct {
	const char *value;
	size_t max;
	const char *want;       /* the words joined by '|'; NULL: refused */
} words[] = {
	{ "alt_disk_copy --source-vg rootvg -d vdb", 8, "alt_disk_copy|--source-vg|rootvg|-d|vdb" },
	{ "  bootlist   -m normal -o ", 8, "bootlist|-m|normal|-o" },
	{ "", 8, "" },
	{ "a b c", 2, NULL },
	{ "a b", 2, "a|b" },
};

static void test_words(void)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char **argv = cmdline_words(words[i].value, words[i].max), got[256] = "";
		for (size_t k = 0; argv && argv[k]; k++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? "|" : "", argv[k]);
		char name[128];
		snprintf(name, sizeof(name), "cmdline_words('%s', %zu)", words[i].value, words[i].max);
		is_str(argv ? got : NULL, words[i].want, name);
		free(argv);
	}
}

static const struct {
	const char *text;
	int rc;
	uint64_t bytes;
} sizes[] = {
	{ "512", 0, 512 }, { "4K", 0, 4096 }, { "260M", 0, 260ULL << 20 }, { "2G", 0, 2ULL << 30 },
	{ "1TiB", 0, 1ULL << 40 }, { "3mb", 0, 3ULL << 20 }, { "", -22, 0 }, { "G", -22, 0 },
	{ "12X", -22, 0 }, { "-1", -22, 0 }, { "99999999999999P", -22, 0 }, { "1 G", -22, 0 },
};

static void test_sizes(void)
{
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t b = 0;
		char name[64];
		snprintf(name, sizeof(name), "parse_size('%s')", sizes[i].text);
		int rc = parse_size(sizes[i].text, &b);
		is_int(rc, sizes[i].rc, name);
		if (rc == 0)
			is_int((long long)b, (long long)sizes[i].bytes, "  bytes");
	}
}

static void test_gpt_specs(void)
{
	struct gpt_part p;
	is_int(gpt_part_parse("esp:260M", &p), 0, "esp:260M parses");
	is_str(p.type, GPT_TYPE_ESP, "  as the ESP type");
	is_int((long long)p.size, 260LL << 20, "  260 MiB");
	is_int(gpt_part_parse("lvm:rest", &p), 0, "lvm:rest parses");
	is_int((long long)p.size, 0, "  rest is size 0");
	is_int(gpt_part_parse("swap:1G", &p), -22, "an unknown type is refused");
	is_int(gpt_part_parse("esp", &p), -22, "no size is refused");
	is_int(gpt_part_parse("esp:0", &p), -22, "size 0 is refused");
}

int main(void)
{
	test_cmdline();
	test_words();
	test_sizes();
	test_gpt_specs();
	return done_testing();
}
