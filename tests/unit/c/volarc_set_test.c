/* src/lib/volarc_set.c: the set directory a volume carries is untrusted
 * input; every way it can lie is refused with the reason. And what create
 * writes reads back as it was, at the same length with or without sums. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "volarc_set.h"

#define SUM "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define HEAD "{\"format\":\"altkit-volarc-set\",\"version\":1,\"serial\":\"S1\",\"volume\":1,\"volumes\":2," \
	     "\"created\":1700000000,\"trees\":\"joliet,rockridge\",\"entries\":["
#define DIR_A "{\"name\":\"a\",\"type\":\"dir\",\"mode\":493,\"mtime\":0,\"mtime_ns\":0}"
#define FILE_(name, extra, pieces) \
	"{\"name\":\"" name "\",\"type\":\"file\",\"mode\":420,\"mtime\":5,\"mtime_ns\":7,\"size\":10," \
	"\"sha256\":\"" SUM "\"" extra ",\"pieces\":[" pieces "]}"
#define SPLIT "[1,0,4,\".volarc/pieces/000002.001\"],[2,4,6,\".volarc/pieces/000002.002\"]"
#define SET(entries) HEAD entries "]}"

static const struct {
	const char *what, *text;
	const char *error;      /* NULL: it parses */
} cases[] = {
	{ "a file split over two volumes", SET(DIR_A "," FILE_("a/f", ",\"start\":1", SPLIT)), NULL },
	{ "trailing blanks (the padding)", SET(DIR_A "," FILE_("a/f", ",\"start\":1", SPLIT)) "   \n  ", NULL },
	{ "'../x'", SET(FILE_("../x", ",\"start\":1", SPLIT)), "entry '../x': unsafe name" },
	{ "an absolute name", SET(FILE_("/etc/x", ",\"start\":1", SPLIT)), "entry '/etc/x': unsafe name" },
	{ "an empty component", SET(FILE_("a//f", ",\"start\":1", SPLIT)), "entry 'a//f': unsafe name" },
	{ "a '.' component", SET(FILE_("a/./f", ",\"start\":1", SPLIT)), "entry 'a/./f': unsafe name" },
	{ "volarc's own directory", SET(FILE_(".volarc/x", ",\"start\":1", SPLIT)), "volarc's own directory" },
	{ "a gap between pieces",
	  SET(FILE_("f", ",\"start\":1", "[1,0,4,\"p1\"],[2,5,5,\"p2\"]")), "its pieces do not add up" },
	{ "pieces short of the size", SET(FILE_("f", ",\"start\":1", "[1,0,4,\"p1\"],[2,4,5,\"p2\"]")),
	  "its pieces do not add up" },
	{ "a piece past the size", SET(FILE_("f", ",\"start\":1", "[1,0,4,\"p1\"],[2,4,7,\"p2\"]")),
	  "its pieces do not add up" },
	{ "a piece on volume 3 of 2", SET(FILE_("f", ",\"start\":1", "[1,0,4,\"p1\"],[3,4,6,\"p2\"]")),
	  "not in the set" },
	{ "pieces out of volume order", SET(FILE_("f", ",\"start\":2", "[2,0,4,\"p1\"],[1,4,6,\"p2\"]")),
	  "out of order" },
	{ "a piece path with '..'", SET(FILE_("f", ",\"start\":1", "[1,0,10,\"../p\"]")), "unsafe path" },
	{ "a piece of three numbers", SET(FILE_("f", ",\"start\":1", "[1,0,10]")), "is not [volume" },
	{ "no pieces", SET(FILE_("f", ",\"start\":1", "")), "no pieces" },
	{ "the start is not the first piece's volume", SET(FILE_("f", ",\"start\":2", SPLIT)), "start volume" },
	{ "no start", SET(FILE_("f", "", SPLIT)), "bad size, sha256 or start" },
	{ "entries out of order", SET(FILE_("b", ",\"start\":1", SPLIT) "," DIR_A), "out of order or repeated" },
	{ "an entry twice", SET(DIR_A "," DIR_A), "out of order or repeated" },
	{ "a type that is not file or dir",
	  SET("{\"name\":\"l\",\"type\":\"link\",\"mode\":0,\"mtime\":0,\"mtime_ns\":0}"), "neither file nor dir" },
	{ "a mode over 07777", SET("{\"name\":\"a\",\"type\":\"dir\",\"mode\":4096,\"mtime\":0,\"mtime_ns\":0}"),
	  "bad mode or time" },
	{ "nanoseconds over a second",
	  SET("{\"name\":\"a\",\"type\":\"dir\",\"mode\":493,\"mtime\":0,\"mtime_ns\":1000000000}"), "bad mode or time" },
	{ "an uppercase checksum",
	  SET("{\"name\":\"f\",\"type\":\"file\",\"mode\":420,\"mtime\":0,\"mtime_ns\":0,\"size\":1,\"sha256\":\"ABC\","
	      "\"start\":1,\"pieces\":[[1,0,1,\"f\"]]}"), "bad size, sha256" },
	{ "a negative size",
	  SET("{\"name\":\"f\",\"type\":\"file\",\"mode\":420,\"mtime\":0,\"mtime_ns\":0,\"size\":-1,\"sha256\":\"" SUM
	      "\",\"start\":1,\"pieces\":[[1,0,1,\"f\"]]}"), "bad size, sha256" },
	{ "volume 3 of 2", "{\"format\":\"altkit-volarc-set\",\"version\":1,\"serial\":\"S1\",\"volume\":3,"
	  "\"volumes\":2,\"created\":0,\"trees\":\"joliet\",\"entries\":[]}", "bad serial, volume index" },
	{ "a serial with a lowercase letter", "{\"format\":\"altkit-volarc-set\",\"version\":1,\"serial\":\"s1\","
	  "\"volume\":1,\"volumes\":1,\"created\":0,\"trees\":\"joliet\",\"entries\":[]}", "bad serial" },
	{ "unknown trees", "{\"format\":\"altkit-volarc-set\",\"version\":1,\"serial\":\"S1\",\"volume\":1,"
	  "\"volumes\":1,\"created\":0,\"trees\":\"udf\",\"entries\":[]}", "trees" },
	{ "created near the int64 maximum", "{\"format\":\"altkit-volarc-set\",\"version\":1,\"serial\":\"S1\","
	  "\"volume\":1,\"volumes\":1,\"created\":9223372036854775000,\"trees\":\"joliet\",\"entries\":[]}",
	  "created 9223372036854775000: not a time from 1970 to 9999" },
	{ "created before 1970", "{\"format\":\"altkit-volarc-set\",\"version\":1,\"serial\":\"S1\","
	  "\"volume\":1,\"volumes\":1,\"created\":-1,\"trees\":\"joliet\",\"entries\":[]}",
	  "created -1: not a time from 1970 to 9999" },
	{ "a newer version", "{\"format\":\"altkit-volarc-set\",\"version\":2}", "set directory version 2 (this volarc reads 1)" },
	{ "another format", "{\"format\":\"something-else\",\"version\":1}", "not a volarc set directory" },
	{ "not JSON", "volarc", "not valid JSON" },
	{ "a NUL byte in the JSON text", HEAD "\0", "not valid JSON" },
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct volarc_set s;
		struct err e = { 0 };
		char name[160];
		int rc = volarc_set_parse(cases[i].text, &s, &e);
		snprintf(name, sizeof(name), "%s: %s", cases[i].what, cases[i].error ? "refused" : "parses");
		if (!cases[i].error) {
			if (!ok(rc == 0, name))
				printf("# %s\n", e.msg);
			volarc_set_release(&s);
			continue;
		}
		if (!ok(rc == -22 && strstr(e.msg, cases[i].error), name))
			printf("# rc %d, got '%s'\n# expected it to say '%s'\n", rc, e.msg, cases[i].error);
	}
}

/* What the parser makes of the first case; and format(parse(x)) == x. */
static void test_round_trip(void)
{
	struct volarc_set s;
	struct err e;
	is_int(volarc_set_parse(cases[0].text, &s, &e), 0, "the split file's set parses");
	const struct volarc_entry *f = volarc_set_find(&s, "a/f");
	ok(f && !f->is_dir && f->size == 10 && f->npieces == 2 && f->pieces[1].vol == 2 && f->pieces[1].offset == 4,
	   "find: 'a/f', 10 bytes, its second piece from byte 4 on volume 2");
	is_int(f ? volarc_entry_start(f) : 0, 1, "it starts on volume 1");
	is_str(f ? f->pieces[1].path : NULL, ".volarc/pieces/000002.002", "the second piece's path");
	is_str(f ? f->sha256 : NULL, SUM, "its checksum");
	ok(volarc_set_find(&s, "a/g") == NULL, "find: a name not in the set is NULL");
	size_t len, len2, blank;
	char *text = volarc_set_format(&s, 1, 0, &len);
	struct volarc_set again;
	is_int(volarc_set_parse(text, &again, &e), 0, "what format writes parses");
	char *text2 = volarc_set_format(&again, 1, 0, &len2);
	ok(len == len2 && memcmp(text, text2, len) == 0, "and formats to the same text");
	/* create writes zeros for the sums it does not know yet, then patches */
	struct volarc_entry *fe = &s.entries[1];
	fe->sha256[0] = '\0';
	char *zeros = volarc_set_format(&s, 1, 0, &blank);
	is_int((long long)blank, (long long)len, "unknown checksums: the same length (zeros in their place)");
	ok(strstr(zeros, "\"sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\"") != NULL,
	   "unknown checksums are 64 zeros");
	char *padded = volarc_set_format(&s, 1, len + 100, &blank);
	is_int((long long)blank, (long long)len + 100, "padding makes the text that long");
	struct volarc_set p;
	is_int(volarc_set_parse(padded, &p, &e), 0, "and the padded text parses");
	volarc_set_release(&p);
	free(padded);
	free(zeros);
	free(text);
	free(text2);
	volarc_set_release(&again);
	volarc_set_release(&s);
}

static void test_names(void)
{
	static const struct { const char *name; int ok; } names[] = {
		{ "a", 1 }, { "a/b c/d", 1 }, { "Grüße/日本語", 1 }, { "..a/b..", 1 }, { ".hidden", 1 },
		{ "", 0 }, { "/a", 0 }, { "a/", 0 }, { "a//b", 0 }, { ".", 0 }, { "..", 0 }, { "a/../b", 0 },
		{ "a/.", 0 },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char what[96];
		snprintf(what, sizeof(what), "name '%s': %s", names[i].name, names[i].ok ? "safe" : "refused");
		is_int(volarc_relpath_ok(names[i].name), names[i].ok, what);
	}
	char bad;
	is_int(volarc_serial_check("HOME_2026", &bad), 0, "serial HOME_2026");
	ok(volarc_serial_check("home", &bad) < 0 && bad == 'h', "serial 'home': 'h' is named");
	ok(volarc_serial_check("", &bad) < 0 && bad == 0, "an empty serial");
	ok(volarc_serial_check("ABCDEFGHIJKLMNOPQRSTUVWXYZ012", &bad) < 0 && bad == 0, "a serial of 29 characters");
	unsigned fs;
	ok(volarc_fs_parse("rockridge,joliet", &fs) == 0 && fs == (VOLARC_FS_ROCKRIDGE | VOLARC_FS_JOLIET),
	   "--fs rockridge,joliet: both trees");
	ok(volarc_fs_parse("joliet", &fs) == 0 && fs == VOLARC_FS_JOLIET, "--fs joliet");
	ok(volarc_fs_parse("joliet,", &fs) < 0, "--fs 'joliet,': refused");
	ok(volarc_fs_parse("", &fs) < 0, "--fs '': refused");
	ok(volarc_fs_parse("iso9660", &fs) < 0, "--fs iso9660 (always written): not a choice");
}

int main(void)
{
	test_cases();
	test_round_trip();
	test_names();
	return done_testing();
}
