/* src/lib/json.c: the reader for lvm's JSON reports. */
#include <errno.h>
#include <stdlib.h>

#include "json.h"
#include "tap.h"

static void test_lvm_report(void)
{
	const char *text =
		"  {\n      \"report\": [\n          {\n              \"vg\": [\n"
		"                  {\"vg_name\":\"rootvg\", \"vg_uuid\":\"abc-123\", \"pv_count\":\"1\"},\n"
		"                  {\"vg_name\":\"datavg\", \"vg_uuid\":\"def-456\", \"pv_count\":\"2\"}\n"
		"              ]\n          }\n      ]\n      ,\n      \"log\": [\n      ]\n  }\n";
	struct json *j;
	size_t pos;
	is_int(json_parse(text, &j, &pos), 0, "an lvm vgs report parses");
	struct json *report = json_get(j, "report");
	is_int(json_count(report), 1, "one report");
	struct json *vgs = json_get(report->child, "vg");
	is_int(json_count(vgs), 2, "two VGs");
	is_str(json_get_str(vgs->child, "vg_name"), "rootvg", "first VG name");
	is_str(json_get_str(vgs->child->next, "vg_uuid"), "def-456", "second VG uuid");
	is_str(json_get_str(vgs->child, "nope"), NULL, "a missing member is NULL");
	json_free(j);
}

static const struct {
	const char *text, *want;    /* want: the first member's string, or NULL for a parse error */
} cases[] = {
	{ "{\"a\":\"x\\ty\"}", "x\ty" },
	{ "{\"a\":\"\\u00e9\"}", "\xc3\xa9" },
	{ "{\"a\":\"\\ud83d\\ude00\"}", "\xf0\x9f\x98\x80" },
	{ "{\"a\":-12.5e3}", "-12.5e3" },
	{ "{\"a\":true}", "true" },
	{ "{\"a\":\"x\"", NULL },            /* unterminated object */
	{ "{\"a\" \"x\"}", NULL },           /* no colon */
	{ "{\"a\":\"x\"} trailing", NULL },
	{ "{\"a\":\"\\u0000\"}", NULL },     /* NUL cannot be held in a C string */
	{ "{\"a\":\"bad\\q\"}", NULL },
	{ "", NULL },
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json *j = NULL;
		size_t pos = 0;
		int rc = json_parse(cases[i].text, &j, &pos);
		char name[128];
		snprintf(name, sizeof(name), "parse '%s'", cases[i].text);
		if (!cases[i].want) {
			is_int(rc, -EINVAL, name);
		} else {
			is_int(rc, 0, name);
			is_str(j && j->child ? j->child->str : NULL, cases[i].want, "  its value");
		}
		json_free(j);
	}
}

static void test_depth(void)
{
	char deep[401];
	memset(deep, '[', 200);
	memset(deep + 200, ']', 200);
	deep[400] = '\0';
	struct json *j;
	ok(json_parse(deep, &j, NULL) == -EINVAL, "nesting deeper than the limit is refused, not a crash");
}

int main(void)
{
	test_lvm_report();
	test_cases();
	test_depth();
	return done_testing();
}
