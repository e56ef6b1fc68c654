/* src/lib/altinst.c: -P parsing and phase order rules, as tables. */
#include <string.h>

#include "altinst.h"
#include "tap.h"

static void test_phases(void)
{
	static const struct { const char *arg; int rc; const char *want; } cases[] = {
		{ "1", 0, "100" }, { "2", 0, "010" }, { "3", 0, "001" }, { "12", 0, "110" },
		{ "23", 0, "011" }, { "all", 0, "111" }, { "13", -22, "" }, { "123", -22, "" },
		{ "0", -22, "" }, { "4", -22, "" }, { "", -22, "" }, { "ALL", -22, "" }, { "21", -22, "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int want[4];
		char name[64], got[4];
		snprintf(name, sizeof(name), "-P '%s'", cases[i].arg);
		int rc = altinst_parse_phases(cases[i].arg, want);
		is_int(rc, cases[i].rc, name);
		if (rc == 0) {
			for (int p = 1; p <= 3; p++)
				got[p - 1] = want[p] ? '1' : '0';
			got[3] = '\0';
			is_str(got, cases[i].want, "  phases");
		}
	}
}

static void test_tags(void)
{
	struct altinst_state st;
	memset(&st, 0, sizeof(st));
	altinst_parse_tags("altkit_phase_1,altkit_running_2,altkit_src_AbCd-123,altkit_rootlv_root,"
			   "altkit_time_20261121T040000Z,other", &st);
	is_int(st.done[1], 1, "phase 1 done");
	is_int(st.done[2], 0, "phase 2 not done");
	is_int(st.running, 2, "phase 2 running");
	is_str(st.source_uuid, "AbCd-123", "source VG UUID");
	is_str(st.root_lv, "root", "root LV");
	is_str(st.time, "20261121T040000Z", "clone time");
}

static void test_order(void)
{
	/* state: exists, done1, done2, done3, running; phases; allowed? */
	static const struct {
		int exists, d1, d2, d3, running;
		const char *phases;
		int ok;
		const char *why_has;
	} cases[] = {
		{ 0, 0, 0, 0, 0, "all", 1, "" },
		{ 0, 0, 0, 0, 0, "1", 1, "" },
		{ 1, 1, 0, 0, 0, "1", 0, "already exists" },
		{ 1, 0, 0, 0, 1, "all", 0, "an interrupted run" },
		{ 0, 0, 0, 0, 0, "23", 0, "there is no volume group" },
		{ 1, 0, 0, 0, 1, "2", 0, "was interrupted" },
		{ 1, 1, 0, 0, 0, "2", 1, "" },
		{ 1, 1, 0, 0, 0, "23", 1, "" },
		{ 1, 1, 1, 0, 0, "2", 1, "" },      /* phase 2 may run again */
		{ 1, 1, 0, 0, 2, "3", 1, "" },      /* an interrupted phase 2: 3 may still run */
		{ 1, 1, 1, 1, 0, "2", 0, "already done" },
		{ 1, 1, 1, 1, 0, "3", 0, "already done" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct altinst_state st;
		int want[4];
		struct err why = { 0, "" };
		char name[128];
		memset(&st, 0, sizeof(st));
		st.exists = cases[i].exists;
		st.done[1] = cases[i].d1;
		st.done[2] = cases[i].d2;
		st.done[3] = cases[i].d3;
		st.running = cases[i].running;
		altinst_parse_phases(cases[i].phases, want);
		int rc = altinst_check_order(want, &st, &why);
		snprintf(name, sizeof(name), "case %zu: -P %s %s", i, cases[i].phases, cases[i].ok ? "allowed" : "refused");
		is_int(rc == 0, cases[i].ok, name);
		if (!cases[i].ok && !ok(strstr(why.msg, cases[i].why_has) != NULL, "  the reason says so"))
			printf("# why: %s\n", why.msg);
	}
}

int main(void)
{
	test_phases();
	test_tags();
	test_order();
	return done_testing();
}
