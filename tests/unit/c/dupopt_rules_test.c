/* dupopt's rule table (DESIGN.md section 7, issue 6), every pair of profiles:
 * optical_rules() checked against an independent statement of the DUPOPT
 * rules written here, then the facts beyond the profile pair one by one.
 * (It was tests/unit/dupopt-rules.t, through hidden dupopt options.) */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "optical.h"
#include "tap.h"

enum { SECTOR = 2048 };

enum cls { NONE, ROM, WORM, ERASE, RAM, IMAGE, UNKNOWN };
static const char *const cls_name[] = { "none", "rom", "worm", "erase", "ram", "image", "unknown" };

/* Media classes by MMC profile, as the issue lists them. */
static enum cls class_of(unsigned p)
{
	switch (p) {
	case 0x0000: return NONE;
	case 0x0008: case 0x0010: case 0x0040: return ROM;     /* CD-ROM DVD-ROM BD-ROM */
	case 0x0009: case 0x0011: case 0x0015: case 0x0016: case 0x001b: case 0x002b:
	case 0x0041: case 0x0042: return WORM;
	case 0x000a: case 0x0013: case 0x0014: case 0x001a: case 0x002a: case 0x0043: return ERASE;
	case 0xffff: return ERASE;      /* libburn stdio: overwritable, honestly ERASE */
	case 0x0012: return RAM;        /* DVD-RAM */
	case 0x10000: return IMAGE;     /* a volume image file as the source: a master */
	default: return UNKNOWN;
	}
}

/* Rewritable media that must be blanked before they are written again. */
static int needs_blanking(unsigned p)
{
	return p == 0x000a || p == 0x0014;
}

enum state { BLANK, DATA, DATA_CLEAR };
static const char *const state_name[] = { "blank", "data", "data+clear" };

/* FROM TO STATE -> "action reason" */
static const char *expect(unsigned from, unsigned to, enum state st)
{
	enum cls fc = class_of(from), tc = class_of(to);
	if (fc == NONE)
		return "refuse from-no-medium";
	if (fc == UNKNOWN)
		return "refuse from-unsupported";
	if (tc == NONE)
		return "refuse to-no-medium";
	if (tc == UNKNOWN)
		return "refuse to-unsupported";
	if (tc == ROM || tc == IMAGE)
		return "refuse to-read-only";
	if (fc == WORM && tc != WORM && tc != ERASE)
		return "refuse worm-target";
	if (fc == ERASE && tc != ERASE)
		return "refuse erase-target";
	if (fc == RAM && tc != RAM)
		return "refuse ram-target";
	if (st == BLANK)
		return "write ok";
	if (tc == WORM)
		return "refuse worm-not-blank";
	if (st == DATA)
		return "refuse needs-clear";
	return needs_blanking(to) ? "blank-write ok" : "overwrite ok";
}

static const char *verdict(const struct optical_facts *f, char *buf, size_t len)
{
	struct optical_verdict v = optical_rules(f);
	snprintf(buf, len, "%s %s", optical_action_key(v.action), optical_reason_key(v.reason));
	return buf;
}

static void every_named_profile(const struct optical_profile *p, size_t n)
{
	static const unsigned named[] = {
		0x0000, 0x0008, 0x0009, 0x000a, 0x0010, 0x0011, 0x0012, 0x0013, 0x0014, 0x0015, 0x0016,
		0x001a, 0x001b, 0x002a, 0x002b, 0x0040, 0x0041, 0x0042, 0x0043, 0xffff, 0x10000,
	};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		int found = 0;
		for (size_t j = 0; j < n; j++)
			found |= p[j].code == named[i];
		char name[64];
		snprintf(name, sizeof(name), "profile 0x%04x is in the rule table", named[i]);
		ok(found, name);
	}
}

/* One test per pair of profiles: a blank target, one with data, with data and --clear. */
static void every_pair(const struct optical_profile *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			char bad[512] = "", got[96], name[128];
			for (enum state st = BLANK; st <= DATA_CLEAR; st++) {
				struct optical_facts f = {
					.from_profile = p[i].code, .to_profile = p[j].code,
					.from_sector_size = SECTOR, .to_sector_size = SECTOR,
					.to_has_data = st != BLANK, .clear = st == DATA_CLEAR,
					.sectors = 1, .room_sectors = -1,
				};
				const char *want = expect(p[i].code, p[j].code, st);
				verdict(&f, got, sizeof(got));
				if (strcmp(got, want) != 0)
					snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
						 " %s: got '%s', expected '%s';", state_name[st], got, want);
			}
			snprintf(name, sizeof(name), "0x%04x -> 0x%04x (%s -> %s)", p[i].code, p[j].code,
				 cls_name[class_of(p[i].code)], cls_name[class_of(p[j].code)]);
			if (!ok(!bad[0], name))
				printf("#%s\n", bad);
		}
}

/* The facts beyond the profile pair: FROM TO, then data, clear, same
 * device, the source's sector size, the sectors and the room on the target
 * (-1: not known). */
struct fact_case {
	const char *want, *name;
	unsigned from, to;
	int data, clear, same;
	unsigned sector_size;
	uint64_t sectors;
	int64_t room;
};

static const struct fact_case facts[] = {
	{ "refuse same-device", "one device as source and target is refused first",
	  0x0009, 0x001a, 0, 0, 1, SECTOR, 1, -1 },
	{ "refuse sector-size", "an audio disc (2352-byte sectors) is refused",
	  0x0008, 0x0009, 0, 0, 0, 2352, 1, -1 },
	{ "refuse worm-not-blank", "a WORM target with data: refused, even with --clear",
	  0x0009, 0x0009, 1, 1, 0, SECTOR, 1, -1 },
	{ "refuse no-room", "a target too small is refused",
	  0x10000, 0xffff, 0, 0, 0, SECTOR, 1000, 999 },
	{ "write ok", "a target just big enough is written",
	  0x10000, 0xffff, 0, 0, 0, SECTOR, 1000, 1000 },
	{ "blank-write ok", "unknown room on a CD-RW to blank: checked after blanking",
	  0x0008, 0x000a, 1, 1, 0, SECTOR, 9, -1 },
	{ "refuse from-unsupported", "an unknown source profile (0x0002 removable disk) is refused",
	  0x0002, 0x001a, 0, 0, 0, SECTOR, 1, -1 },
	{ "refuse to-unsupported", "an unknown target profile (0x0051 HD DVD-R) is refused",
	  0x0008, 0x0051, 0, 0, 0, SECTOR, 1, -1 },
};

/* A refusal states its rule in words. */
static const struct fact_case words[] = {
	{ "refuse worm-target: a WORM volume can be duplicated only to WORM or erasable media",
	  "the refusal states the rule", 0x0009, 0x0012, 0, 0, 0, SECTOR, 1, -1 },
	{ "refuse worm-not-blank: a WORM target must be blank",
	  "a WORM target must be blank: the rule in words", 0x0009, 0x0009, 1, 0, 0, SECTOR, 1, -1 },
	{ "refuse needs-clear: the target holds data: --clear erases it (all its data is lost)",
	  "an erasable target with data needs --clear: the rule in words",
	  0x0009, 0x001a, 1, 0, 0, SECTOR, 1, -1 },
};

static struct optical_facts facts_of(const struct fact_case *c)
{
	return (struct optical_facts){
		.from_profile = c->from, .to_profile = c->to,
		.from_sector_size = c->sector_size, .to_sector_size = SECTOR,
		.to_has_data = c->data, .clear = c->clear, .same_device = c->same,
		.sectors = c->sectors, .room_sectors = c->room,
	};
}

int main(void)
{
	size_t n;
	const struct optical_profile *p = optical_profiles(&n);
	every_named_profile(p, n);
	every_pair(p, n);
	char got[256];
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		struct optical_facts f = facts_of(&facts[i]);
		is_str(verdict(&f, got, sizeof(got)), facts[i].want, facts[i].name);
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		struct optical_facts f = facts_of(&words[i]);
		struct optical_verdict v = optical_rules(&f);
		snprintf(got, sizeof(got), "%s %s: %s", optical_action_key(v.action), optical_reason_key(v.reason),
			 optical_reason_text(v.reason));
		is_str(got, words[i].want, words[i].name);
	}
	return done_testing();
}
