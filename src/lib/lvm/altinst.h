#ifndef ALTKIT_ALTINST_H
#define ALTKIT_ALTINST_H
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The clone's state, kept in its VG's own LVM tags so that it survives a
 * reboot: which phases are done, which is running, where it came from. */

#define ALTINST_VG "altinst_rootvg"
#define ALTINST_MNT "/alt_inst"

enum { ALTINST_PHASES = 3 };

struct altinst_state {
	int exists;
	char uuid[40];
	int done[ALTINST_PHASES + 1];   /* done[1..3] */
	int running;                    /* a phase that started and did not finish, 0 if none */
	char source_uuid[40];
	char root_lv[128];
	char time[32];                  /* YYYYmmddTHHMMSSZ */
	char woke_from[128];            /* alt_rootvg_op -W: the name to restore at -S */
};

/* Tag names: "altkit_phase_1", "altkit_running_2", "altkit_src_<uuid>", ... */
void altinst_tag(char *buf, size_t len, const char *what, const char *value);
/* Parse the tags of a VG (as lvm reports them) into *st. */
void altinst_parse_tags(const char *tags, struct altinst_state *st);
/* Read the state of the VG called name; st->exists = 0 when there is none.
 * 0, or a negative code with lvm's words in e. */
int altinst_read(const char *vgname, struct altinst_state *st, struct err *e);

/* Parse -P: "1", "2", "3", "12", "23", "all" into want[1..3]. -EINVAL otherwise. */
int altinst_parse_phases(const char *s, int want[ALTINST_PHASES + 1]);
/* May these phases run on a clone in state st? 0, or -EINVAL with the
 * reason in e. */
int altinst_check_order(const int want[ALTINST_PHASES + 1], const struct altinst_state *st, struct err *e);
#endif
