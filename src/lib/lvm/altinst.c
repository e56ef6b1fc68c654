/* Clone state in LVM tags. Tags allow [A-Za-z0-9_+.-/=!:&#]; VG UUIDs fit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altinst.h"
#include "lvm.h"

void altinst_tag(char *buf, size_t len, const char *what, const char *value)
{
	snprintf(buf, len, "altkit_%s_%s", what, value);
}

void altinst_parse_tags(const char *tags, struct altinst_state *st)
{
	for (const char *p = tags; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char tag[256];
		snprintf(tag, sizeof(tag), "%.*s", (int)n, p);
		int ph;
		if (sscanf(tag, "altkit_phase_%d", &ph) == 1 && ph >= 1 && ph <= ALTINST_PHASES)
			st->done[ph] = 1;
		else if (sscanf(tag, "altkit_running_%d", &ph) == 1 && ph >= 1 && ph <= ALTINST_PHASES)
			st->running = ph;
		else if (strncmp(tag, "altkit_src_", 11) == 0)
			snprintf(st->source_uuid, sizeof(st->source_uuid), "%s", tag + 11);
		else if (strncmp(tag, "altkit_rootlv_", 14) == 0)
			snprintf(st->root_lv, sizeof(st->root_lv), "%s", tag + 14);
		else if (strncmp(tag, "altkit_time_", 12) == 0)
			snprintf(st->time, sizeof(st->time), "%s", tag + 12);
		else if (strncmp(tag, "altkit_woke_", 12) == 0)
			snprintf(st->woke_from, sizeof(st->woke_from), "%s", tag + 12);
		p = comma ? comma + 1 : p + n;
	}
}

int altinst_read(const char *vgname, struct altinst_state *st, struct err *e)
{
	char select[192];
	struct lvm_vg *vgs;
	size_t n;
	memset(st, 0, sizeof(*st));
	snprintf(select, sizeof(select), "vg_name=%s", vgname);
	int rc = lvm_vgs(select, &vgs, &n, e);
	if (rc < 0)
		return rc;
	if (n > 0) {
		st->exists = 1;
		snprintf(st->uuid, sizeof(st->uuid), "%s", vgs[0].uuid);
		altinst_parse_tags(vgs[0].tags, st);
	}
	free(vgs);
	return 0;
}

int altinst_parse_phases(const char *s, int want[ALTINST_PHASES + 1])
{
	static const char *const allowed[] = { "1", "2", "3", "12", "23", "all", NULL };
	memset(want, 0, sizeof(int) * (ALTINST_PHASES + 1));
	for (int i = 0; allowed[i]; i++) {
		if (strcmp(s, allowed[i]) != 0)
			continue;
		if (strcmp(s, "all") == 0)
			s = "123";
		for (; *s; s++)
			want[*s - '0'] = 1;
		return 0;
	}
	return -EINVAL;
}

int altinst_check_order(const int want[ALTINST_PHASES + 1], const struct altinst_state *st, struct err *e)
{
	if (want[1]) {
		if (st->exists) {
			err_set(e, -EINVAL, "volume group '%s' already exists%s; remove it with "
				 "'alt_rootvg_op -X %s' or continue it with -P 2 or -P 3", ALTINST_VG,
				 st->running ? " (an interrupted run)" : "", ALTINST_VG);
			return -EINVAL;
		}
		return 0;
	}
	int first = want[2] ? 2 : 3;
	if (!st->exists) {
		return err_set(e, -EINVAL, "phase %d needs the clone made by phase 1, and there is no volume group '%s'",
			 first, ALTINST_VG);
	}
	if (!st->done[1]) {
		err_set(e, -EINVAL, "phase %d needs phase 1 completed, but phase 1 of '%s' %s; remove it with "
			 "'alt_rootvg_op -X %s' and start again", first, ALTINST_VG,
			 st->running == 1 ? "was interrupted" : "never completed", ALTINST_VG);
		return -EINVAL;
	}
	if (st->done[3]) {
		err_set(e, -EINVAL, "phase 3 of '%s' is already done: the clone is complete; wake it with "
			 "'alt_rootvg_op -W' to change it", ALTINST_VG);
		return -EINVAL;
	}
	return 0;
}
