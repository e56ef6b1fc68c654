/* LVM reports through `lvm <cmd> --reportformat json --units b --nosuffix`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testhook.h"
#include "err.h"
#include "json.h"
#include "lvm.h"
#include "lvmdevices.h"
#include "run.h"
#include "xalloc.h"

const char *lvm_program(void)
{
	const char *p = testhook(HOOK_LVM);
	return p ? p : "lvm";
}

/* The last non-empty line of lvm's stderr, trimmed. */
static void last_line(const char *err, char *out, size_t len)
{
	out[0] = '\0';
	if (!err)
		return;
	const char *end = err + strlen(err);
	while (end > err && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	const char *start = end;
	while (start > err && start[-1] != '\n')
		start--;
	while (start < end && *start == ' ')
		start++;
	snprintf(out, len, "%.*s", (int)(end - start), start);
}

/* "lvm CMD [--devicesfile ""] ARGS...": a system whose LVM reads a devices
 * file sees only the PVs it lists; altkit names VGs by UUID and must see
 * them all (the clone's disks, the other VG at boot) without adding them to
 * the running system's file. A command that names --devicesfile itself
 * (lvmdevices on a clone's file) keeps it. */
static const char **lvm_argv(const char *const args[])
{
	size_t n = 0;
	int given = 0;
	while (args[n])
		given |= strcmp(args[n++], "--devicesfile") == 0;
	int off = !given && n > 0 && lvmdevices_in_use(NULL);
	const char **argv = xcalloc(n + 4, sizeof(*argv));
	argv[0] = lvm_program();
	argv[1] = args[0];
	if (off) {
		argv[2] = "--devicesfile";
		argv[3] = "";
	}
	if (n > 1)
		memcpy(argv + 2 + 2 * off, args + 1, (n - 1) * sizeof(*argv));
	return argv;
}

/* Run lvm ARGS; on failure e holds lvm's last error line, or why it could
 * not run. */
static int run_lvm(const char *const args[], int flags, struct run_result *r, struct err *e)
{
	const char **argv = lvm_argv(args);
	int rc = run_argv((char *const *)argv, flags | RUN_CAPTURE_ERR | RUN_NULL_IN, r);
	free(argv);
	if (rc < 0)
		return err_set(e, rc, "%s", strerror(-rc));
	if (r->status != 0) {
		char line[512];
		last_line(r->err, line, sizeof(line));
		return err_set(e, LVM_E_FAILED, "%s", line);
	}
	return 0;
}

int lvm_run(const char *const args[], struct err *e)
{
	/* its chatter ("Volume group ... successfully renamed") is not ours to print */
	struct run_result r;
	int rc = run_lvm(args, RUN_CAPTURE_OUT, &r, e);
	run_result_release(&r);
	return rc;
}

int lvm_do(const char *what, const char *const args[], struct err *e)
{
	const char **argv = lvm_argv(args);
	int rc = run_checked(what, (char *const *)argv, e);
	free(argv);
	return rc;
}

int lvm_has_tag(const char *tags, const char *tag)
{
	size_t len = strlen(tag);
	for (const char *p = tags; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == len && strncmp(p, tag, len) == 0)
			return 1;
		p = comma ? comma + 1 : p + n;
	}
	return 0;
}

/* Run a report and hand each row object of section KIND ("vg", "lv", "pv") to fill. */
static int report(const char *cmd, const char *kind, const char *fields, const char *select,
		  void (*fill)(const struct json *row, void *item), size_t item_size,
		  void **out, size_t *n, struct err *e)
{
	const char *args[16] = { cmd, "--reportformat", "json", "--units", "b", "--nosuffix",
				 "-o", fields };
	size_t a = 8;
	if (select) {
		args[a++] = "--select";
		args[a++] = select;
	}
	args[a] = NULL;

	struct run_result r;
	int rc = run_lvm(args, RUN_CAPTURE_OUT, &r, e);
	*out = NULL;
	*n = 0;
	if (rc < 0) {
		run_result_release(&r);
		return rc;
	}
	struct json *j;
	if (json_parse(r.out, &j, NULL) < 0) {
		run_result_release(&r);
		return err_set(e, LVM_E_BADREPORT, "cannot parse the report of 'lvm %s'", cmd);
	}
	run_result_release(&r);
	struct json *rep = json_get(j, "report");
	struct json *rows = rep ? json_get(rep->child, kind) : NULL;
	size_t count = json_count(rows);
	char *items = xcalloc(count ? count : 1, item_size);
	size_t i = 0;
	for (struct json *row = rows ? rows->child : NULL; row; row = row->next)
		fill(row, items + item_size * i++);
	json_free(j);
	*out = items;
	*n = count;
	return 0;
}

static void copy_str(char *dst, size_t len, const struct json *row, const char *key)
{
	const char *v = json_get_str(row, key);
	snprintf(dst, len, "%s", v ? v : "");
}

static uint64_t get_u64(const struct json *row, const char *key)
{
	const char *v = json_get_str(row, key);
	return v ? strtoull(v, NULL, 10) : 0;
}

static void fill_vg(const struct json *row, void *item)
{
	struct lvm_vg *vg = item;
	copy_str(vg->name, sizeof(vg->name), row, "vg_name");
	copy_str(vg->uuid, sizeof(vg->uuid), row, "vg_uuid");
	copy_str(vg->tags, sizeof(vg->tags), row, "vg_tags");
	vg->size = get_u64(row, "vg_size");
	vg->free = get_u64(row, "vg_free");
	vg->extent_size = get_u64(row, "vg_extent_size");
	vg->pv_count = (unsigned)get_u64(row, "pv_count");
	vg->lv_count = (unsigned)get_u64(row, "lv_count");
}

int lvm_vgs(const char *select, struct lvm_vg **out, size_t *n, struct err *e)
{
	return report("vgs", "vg", "vg_name,vg_uuid,vg_size,vg_free,vg_extent_size,pv_count,lv_count,vg_tags",
		      select, fill_vg, sizeof(**out), (void **)out, n, e);
}

static void fill_lv(const struct json *row, void *item)
{
	struct lvm_lv *lv = item;
	copy_str(lv->vg_name, sizeof(lv->vg_name), row, "vg_name");
	copy_str(lv->name, sizeof(lv->name), row, "lv_name");
	copy_str(lv->uuid, sizeof(lv->uuid), row, "lv_uuid");
	copy_str(lv->attr, sizeof(lv->attr), row, "lv_attr");
	copy_str(lv->path, sizeof(lv->path), row, "lv_path");
	copy_str(lv->dm_path, sizeof(lv->dm_path), row, "lv_dm_path");
	lv->size = get_u64(row, "lv_size");
	/* lv_attr: 5th char 'a' = active, 6th 'o' = open */
	lv->active = strlen(lv->attr) > 4 && lv->attr[4] == 'a';
	lv->open = strlen(lv->attr) > 5 && lv->attr[5] == 'o';
}

int lvm_lvs(const char *select, struct lvm_lv **out, size_t *n, struct err *e)
{
	return report("lvs", "lv", "vg_name,lv_name,lv_uuid,lv_size,lv_attr,lv_path,lv_dm_path",
		      select, fill_lv, sizeof(**out), (void **)out, n, e);
}

static void fill_pv(const struct json *row, void *item)
{
	struct lvm_pv *pv = item;
	copy_str(pv->name, sizeof(pv->name), row, "pv_name");
	copy_str(pv->uuid, sizeof(pv->uuid), row, "pv_uuid");
	copy_str(pv->vg_name, sizeof(pv->vg_name), row, "vg_name");
	copy_str(pv->vg_uuid, sizeof(pv->vg_uuid), row, "vg_uuid");
	pv->size = get_u64(row, "pv_size");
}

int lvm_pvs(const char *select, struct lvm_pv **out, size_t *n, struct err *e)
{
	return report("pvs", "pv", "pv_name,pv_uuid,vg_name,vg_uuid,pv_size", select, fill_pv,
		      sizeof(**out), (void **)out, n, e);
}
