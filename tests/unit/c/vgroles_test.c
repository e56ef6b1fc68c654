/* src/lib/vgroles.c: the renames at boot, for every arrangement of names,
 * including the states a power cut between two renames leaves behind. */
#include <string.h>

#include "tap.h"
#include "vgroles.h"

struct vgset {
	const char *names[4], *uuids[4];
};

static const struct {
	const char *title;
	struct vgset have;
	const char *boot;
	const char *want;   /* "uuid:from>to;..." */
} cases[] = {
	{ "booted VG is already rootvg", { { "rootvg", "altinst_rootvg" }, { "A", "B" } }, "A", "" },
	{ "first boot of a clone: names flip", { { "rootvg", "altinst_rootvg" }, { "A", "B" } }, "B",
	  "A:rootvg>old_rootvg;B:altinst_rootvg>rootvg;" },
	{ "rollback: the old one boots again", { { "old_rootvg", "rootvg" }, { "A", "B" } }, "A",
	  "A:old_rootvg>altkit_booting;B:rootvg>old_rootvg;A:altkit_booting>rootvg;" },
	{ "rollback, power cut after the first rename", { { "altkit_booting", "rootvg" }, { "A", "B" } }, "A",
	  "B:rootvg>old_rootvg;A:altkit_booting>rootvg;" },
	{ "rollback, power cut after the second rename", { { "altkit_booting", "old_rootvg" }, { "A", "B" } }, "A",
	  "A:altkit_booting>rootvg;" },
	{ "power cut after the first rename", { { "old_rootvg", "altinst_rootvg" }, { "A", "B" } }, "B",
	  "B:altinst_rootvg>rootvg;" },
	{ "a clone booted alone", { { "altinst_rootvg" }, { "B" } }, "B", "B:altinst_rootvg>rootvg;" },
	{ "a third VG holds old_rootvg", { { "rootvg", "old_rootvg", "altinst_rootvg" }, { "A", "C", "B" } }, "B",
	  "C:old_rootvg>old_rootvg1;A:rootvg>old_rootvg;B:altinst_rootvg>rootvg;" },
	{ "old_rootvg1 taken too", { { "rootvg", "old_rootvg", "old_rootvg1", "altinst_rootvg" }, { "A", "C", "D", "B" } }, "B",
	  "C:old_rootvg>old_rootvg2;A:rootvg>old_rootvg;B:altinst_rootvg>rootvg;" },
	{ "two VGs called rootvg: the other one moves", { { "rootvg", "rootvg" }, { "A", "B" } }, "B",
	  "A:rootvg>old_rootvg;" },
	{ "unknown UUID", { { "rootvg" }, { "A" } }, "Z", NULL },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vg_name_uuid vgs[4];
		size_t n = 0;
		for (; n < 4 && cases[i].have.names[n]; n++) {
			vgs[n].name = cases[i].have.names[n];
			vgs[n].uuid = cases[i].have.uuids[n];
		}
		struct vgroles_plan plan;
		int rc = vgroles_plan(vgs, n, cases[i].boot, &plan);
		if (!cases[i].want) {
			is_int(rc, -2, cases[i].title);
			continue;
		}
		char got[512] = "";
		for (size_t s = 0; s < plan.n; s++) {
			size_t l = strlen(got);
			snprintf(got + l, sizeof(got) - l, "%s:%s>%s;", plan.steps[s].uuid, plan.steps[s].from, plan.steps[s].to);
		}
		is_str(got, cases[i].want, cases[i].title);
	}
	return done_testing();
}
