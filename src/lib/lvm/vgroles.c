#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvm.h"
#include "vgroles.h"

/* A VG called NAME other than SKIP, or NULL. */
static const struct vg_name_uuid *by_name(const struct vg_name_uuid *vgs, size_t n, const char *name,
					  const struct vg_name_uuid *skip)
{
	for (size_t i = 0; i < n; i++)
		if (&vgs[i] != skip && strcmp(vgs[i].name, name) == 0)
			return &vgs[i];
	return NULL;
}

static void add_step(struct vgroles_plan *p, const char *uuid, const char *from, const char *to)
{
	struct vgroles_step *s = &p->steps[p->n++];
	snprintf(s->uuid, sizeof(s->uuid), "%s", uuid);
	snprintf(s->from, sizeof(s->from), "%s", from);
	snprintf(s->to, sizeof(s->to), "%s", to);
}

int vgroles_plan(const struct vg_name_uuid *vgs, size_t n, const char *boot_uuid,
		 struct vgroles_plan *plan)
{
	const struct vg_name_uuid *boot = NULL;
	memset(plan, 0, sizeof(*plan));
	for (size_t i = 0; i < n; i++)
		if (strcmp(vgs[i].uuid, boot_uuid) == 0)
			boot = &vgs[i];
	if (!boot)
		return -ENOENT;
	/* another VG called rootvg: also the case of two VGs with one name */
	const struct vg_name_uuid *cur = by_name(vgs, n, ROOTVG, boot);
	if (!cur && strcmp(boot->name, ROOTVG) == 0)
		return 0;
	const char *boot_name = boot->name;
	if (cur && strcmp(boot->name, OLD_ROOTVG) == 0) {
		/* rollback: the booted VG holds the name the current rootvg needs */
		add_step(plan, boot->uuid, boot->name, ROOTVG_TMP);
		boot_name = ROOTVG_TMP;
	}
	if (cur) {
		const struct vg_name_uuid *old = by_name(vgs, n, OLD_ROOTVG, boot);
		if (old) {
			/* an old_rootvg from an earlier round: keep it, under the first free number */
			char name[32];
			for (int k = 1; k < 1000; k++) {
				snprintf(name, sizeof(name), "%s%d", OLD_ROOTVG, k);
				if (!by_name(vgs, n, name, NULL))
					break;
			}
			add_step(plan, old->uuid, old->name, name);
		}
		add_step(plan, cur->uuid, cur->name, OLD_ROOTVG);
	}
	if (strcmp(boot_name, ROOTVG) == 0)
		return 0;
	add_step(plan, boot->uuid, boot_name, ROOTVG);
	return 0;
}

int vgroles_take_root(const char *boot_uuid,
		      void (*step_done)(const struct vgroles_step *s, void *arg), void *arg, struct err *e)
{
	struct lvm_vg *vgs;
	size_t n;
	int rc = lvm_vgs(NULL, &vgs, &n, e);
	if (rc < 0)
		return rc;
	struct vg_name_uuid *list = calloc(n ? n : 1, sizeof(*list));
	if (!list) {
		free(vgs);
		return err_set(e, -ENOMEM, "%s", strerror(ENOMEM));
	}
	for (size_t i = 0; i < n; i++) {
		list[i].name = vgs[i].name;
		list[i].uuid = vgs[i].uuid;
	}
	struct vgroles_plan plan;
	rc = vgroles_plan(list, n, boot_uuid, &plan);
	free(list);
	free(vgs);
	for (size_t i = 0; rc == 0 && i < plan.n; i++) {
		/* by UUID: two VGs may carry the same name */
		const char *args[] = { "vgrename", plan.steps[i].uuid, plan.steps[i].to, NULL };
		rc = lvm_run(args, e);
		if (rc == 0 && step_done)
			step_done(&plan.steps[i], arg);
	}
	return rc;
}

const char *vgroles_role(const char *name)
{
	if (strcmp(name, ROOTVG) == 0)
		return "booted";
	if (strcmp(name, "altinst_rootvg") == 0)
		return "alternate";
	if (strncmp(name, OLD_ROOTVG, strlen(OLD_ROOTVG)) == 0)
		return "previous";
	return "-";
}
