#ifndef ALTKIT_LVM_H
#define ALTKIT_LVM_H
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* LVM through the static `lvm` binary: reports read as JSON, changes made
 * with an argv. Library code: returns 0 or -errno / an LVM_E* code. */

enum {
	LVM_E_FAILED = -1000,   /* lvm ran and failed; e says why */
	LVM_E_BADREPORT = -1001,/* lvm's report could not be parsed */
};

struct lvm_vg {
	char name[128];
	char uuid[40];
	uint64_t size, free, extent_size;
	unsigned pv_count, lv_count;
	char tags[1024];        /* comma-separated, as lvm reports them */
};

struct lvm_lv {
	char vg_name[128];
	char name[128];
	char uuid[40];
	uint64_t size;
	char attr[16];          /* lv_attr, e.g. "-wi-ao----" */
	char path[256];         /* /dev/VG/LV */
	char dm_path[256];      /* /dev/mapper/VG-LV */
	int active, open;       /* from lv_attr */
};

struct lvm_pv {
	char name[256];         /* /dev/vda2 */
	char uuid[40];          /* the PV's UUID (PVID, with dashes) */
	char vg_name[128];
	char vg_uuid[40];
	uint64_t size;
};

/* The lvm program to run ("lvm" from PATH unless ALTKIT_LVM is set). */
const char *lvm_program(void);

/* Run `lvm ARGS...` (args NULL-terminated, without "lvm"); its stdout is
 * dropped. 0, LVM_E_FAILED with lvm's last error line in e, or -errno if
 * it cannot run. */
int lvm_run(const char *const args[], struct err *e);
/* Run lvm as one step of a command's work: traced with -D (run_trace),
 * e says "WHAT: 'lvm' failed (exit N): <its last line>" (run_checked). */
int lvm_do(const char *what, const char *const args[], struct err *e);

/* Reports: *out is a malloc'd array. A NULL select means all. On failure
 * e holds lvm's last error line. */
int lvm_vgs(const char *select, struct lvm_vg **out, size_t *n, struct err *e);
int lvm_lvs(const char *select, struct lvm_lv **out, size_t *n, struct err *e);
int lvm_pvs(const char *select, struct lvm_pv **out, size_t *n, struct err *e);

/* Is TAG among the comma-separated TAGS? */
int lvm_has_tag(const char *tags, const char *tag);
#endif
