/* The firmware boot list through efivarfs, changed all or nothing: each
 * variable is saved before it is written and put back if a later write fails. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "blockdev.h"
#include "bootlist.h"
#include "cmdline.h"
#include "efivars.h"
#include "lvm.h"
#include "xalloc.h"

static int contains(const uint16_t *v, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

size_t bootorder_put_first(const uint16_t *order, size_t n, const uint16_t *first, size_t nfirst,
			   uint16_t *out)
{
	size_t k = 0;
	for (size_t i = 0; i < nfirst; i++)
		if (!contains(out, k, first[i]))
			out[k++] = first[i];
	size_t head = k;
	for (size_t i = 0; i < n; i++)
		if (!contains(out, head, order[i]))
			out[k++] = order[i];
	return k;
}

size_t bootorder_without(const uint16_t *order, size_t n, const uint16_t *drop, size_t ndrop,
			 uint16_t *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!contains(drop, ndrop, order[i]))
			out[k++] = order[i];
	return k;
}

int bootlist_entry_vg(const struct efiboot_entry *e, char *uuid, size_t len)
{
	if (!e->cmdline)
		return 0;
	struct cmdline cl;
	cmdline_parse(e->cmdline, &cl);
	const char *vg = cmdline_get(&cl, "altkit.vg");
	int found = vg && *vg;
	if (found)
		snprintf(uuid, len, "%s", vg);
	cmdline_release(&cl);
	return found;
}

int bootlist_is_altkit(const struct efiboot_entry *e)
{
	char uuid[64];
	return (e->file_path && strcasecmp(e->file_path, BOOTDISK_KERNEL) == 0) ||
	       bootlist_entry_vg(e, uuid, sizeof(uuid));
}

/* A load option starting LOADER on D's ESP, no optional data. */
static int loader_entry(const struct bootdisk *d, const char *loader, const char *desc, struct efiboot_entry *e)
{
	static const uint8_t zero[16];
	memset(e, 0, sizeof(*e));
	if (efiboot_guid_parse(d->part_uuid, e->part_guid) < 0 || memcmp(e->part_guid, zero, 16) == 0 ||
	    d->partno == 0 || d->size == 0)
		return -EINVAL;
	e->attributes = EFIBOOT_LOAD_OPTION_ACTIVE;
	e->description = xstrdup(desc);
	e->has_hd = 1;
	e->part_num = d->partno;
	e->part_start = d->start;
	e->part_size = d->size;
	e->file_path = xstrdup(loader);
	return 0;
}

int bootlist_entry_for(const struct bootdisk *d, const char *cmdline, struct efiboot_entry *e)
{
	char desc[96];
	snprintf(desc, sizeof(desc), "altkit %s", d->disk);
	int rc = loader_entry(d, BOOTDISK_KERNEL, desc, e);
	if (rc == 0)
		e->cmdline = xstrdup(cmdline);
	return rc;
}

static void boot_name(char *buf, uint16_t num)
{
	snprintf(buf, 16, "Boot%04X", num);
}

int bootlist_load(uint16_t num, struct efiboot_entry *e)
{
	char name[16];
	uint8_t *data;
	size_t len;
	boot_name(name, num);
	int rc = efivar_get(name, &data, &len, NULL);
	if (rc < 0)
		return rc;
	rc = efiboot_decode(data, len, e);
	free(data);
	return rc;
}

/* The saved state of the variables a change touches, to put back on failure. */
struct undo {
	struct saved {
		char name[16];
		int existed;
		uint8_t *data;
		size_t len;
		uint32_t attr;
	} v[64];
	size_t n;
};

/* Keep the variable's state before the first change; a variable that cannot
 * be read (or a full log) stops the change before anything is written. */
static int undo_save(struct undo *u, const char *name, struct err *err)
{
	for (size_t i = 0; i < u->n; i++)
		if (strcmp(u->v[i].name, name) == 0)
			return 0;       /* the first state is the one to restore */
	if (u->n == sizeof(u->v) / sizeof(u->v[0])) {
		err_set(err, -EINVAL, "too many variables to change at once (at most %zu)", u->n);
		return -E2BIG;
	}
	struct saved *s = &u->v[u->n];
	snprintf(s->name, sizeof(s->name), "%s", name);
	int rc = efivar_get(name, &s->data, &s->len, &s->attr);
	if (rc < 0 && rc != -ENOENT) {
		err_set(err, -EINVAL, "cannot read the EFI variable %s: %s", name, strerror(-rc));
		return rc;
	}
	s->existed = rc == 0;
	if (!s->existed)
		s->data = NULL;
	u->n++;
	return 0;
}

/* Put every variable back; a variable that cannot be put back is added to
 * err. Returns how many could not. */
static int undo_run(struct undo *u, struct err *err)
{
	int failed = 0;
	while (u->n > 0) {
		struct saved *s = &u->v[--u->n];
		int rc = s->existed ? efivar_set(s->name, s->data, s->len, s->attr) : efivar_del(s->name);
		if (rc < 0 && !(rc == -ENOENT && !s->existed)) {
			size_t l = err ? strlen(err->msg) : 0;
			if (err)
				snprintf(err->msg + l, sizeof(err->msg) - l, "; %s could not be put back: %s", s->name,
					 strerror(-rc));
			failed++;
		}
		free(s->data);
	}
	return failed;
}

static void undo_forget(struct undo *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i].data);
	u->n = 0;
}

/* The end of every change: 0 kept, BOOTLIST_UNCHANGED rolled back,
 * BOOTLIST_PARTLY when a rollback failed too (err says which variable). */
static int finish(struct undo *u, int rc, struct err *err)
{
	if (rc >= 0) {
		undo_forget(u);
		return 0;
	}
	return undo_run(u, err) ? BOOTLIST_PARTLY : BOOTLIST_UNCHANGED;
}

static int write_var(struct undo *u, const char *name, const uint8_t *data, size_t len,
		     struct err *err)
{
	int rc = undo_save(u, name, err);
	if (rc < 0)
		return rc;
	rc = efivar_set(name, data, len, EFIVAR_NV_BS_RT);
	if (rc < 0)
		err_set(err, -EINVAL, "cannot write the EFI variable %s: %s", name, strerror(-rc));
	return rc;
}

static int write_u16s(struct undo *u, const char *name, const uint16_t *v, size_t n,
		      struct err *err)
{
	int rc = undo_save(u, name, err);
	if (rc < 0)
		return rc;
	rc = efivar_set_u16s(name, v, n);
	if (rc < 0)
		err_set(err, -EINVAL, "cannot write the EFI variable %s: %s", name, strerror(-rc));
	return rc;
}

static int delete_var(struct undo *u, const char *name, struct err *err)
{
	int rc = undo_save(u, name, err);
	if (rc < 0)
		return rc;
	rc = efivar_del(name);
	if (rc < 0 && rc != -ENOENT) {
		err_set(err, -EINVAL, "cannot remove the EFI variable %s: %s", name, strerror(-rc));
		return rc;
	}
	return 0;
}

static int read_order(uint16_t **order, size_t *n, struct err *err)
{
	int rc = bootlist_read("BootOrder", order, n);
	if (rc < 0)
		err_set(err, -EINVAL, "cannot read BootOrder: %s", strerror(-rc));
	return rc;
}

/* The Boot#### of the same partition and file as E, or -1. */
static int find_same_entry(const struct efiboot_entry *e, const uint16_t *nums, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct efiboot_entry old;
		if (bootlist_load(nums[i], &old) < 0)
			continue;
		int same = old.has_hd && memcmp(old.part_guid, e->part_guid, 16) == 0 && old.file_path &&
			   strcasecmp(old.file_path, e->file_path) == 0;
		efiboot_entry_free(&old);
		if (same)
			return nums[i];
	}
	return -1;
}

static int free_number(const uint16_t *existing, size_t n, const uint16_t *taken, size_t ntaken)
{
	for (int num = 0; num <= 0xffff; num++)
		if (!contains(existing, n, (uint16_t)num) && !contains(taken, ntaken, (uint16_t)num))
			return num;
	return -1;
}

/* Write E as Boot####, reusing a matching entry's number; unchanged bytes are
 * not rewritten (NVRAM has a limited number of writes). */
static int put_entry(struct undo *u, const struct efiboot_entry *e, const uint16_t *existing, size_t nex,
		     const uint16_t *taken, size_t ntaken, uint16_t *num, struct err *err)
{
	uint8_t *buf, *old = NULL;
	size_t len, oldlen = 0;
	int rc = efiboot_encode(e, &buf, &len);
	if (rc < 0) {
		err_set(err, -EINVAL, "cannot build the load option for '%s': %s", e->description, strerror(-rc));
		return rc;
	}
	int n = find_same_entry(e, existing, nex);
	if (n < 0 && (n = free_number(existing, nex, taken, ntaken)) < 0) {
		free(buf);
		err_set(err, -EINVAL, "no free Boot#### number is left");
		return -ENOSPC;
	}
	*num = (uint16_t)n;
	char name[16];
	boot_name(name, *num);
	if (efivar_get(name, &old, &oldlen, NULL) == 0 && oldlen == len && memcmp(old, buf, len) == 0)
		rc = 0;
	else
		rc = write_var(u, name, buf, len, err);
	free(old);
	free(buf);
	return rc;
}

/* Does the entry read back from Boot#### say what E said? */
static int reads_back(uint16_t num, const struct efiboot_entry *e)
{
	struct efiboot_entry back;
	if (bootlist_load(num, &back) < 0)
		return 0;
	int same = back.has_hd && back.part_num == e->part_num && back.part_start == e->part_start &&
		   back.part_size == e->part_size && memcmp(back.part_guid, e->part_guid, 16) == 0 &&
		   back.file_path && strcmp(back.file_path, e->file_path) == 0 &&
		   (e->cmdline ? back.cmdline && strcmp(back.cmdline, e->cmdline) == 0 : back.optional_len == 0);
	efiboot_entry_free(&back);
	return same;
}

int bootlist_set_wants(const struct bootlist_want *w, size_t n, int modes, uint16_t *nums,
		       struct err *err)
{
	struct undo u = { .n = 0 };
	uint16_t *existing = NULL, *order = NULL, *neworder = NULL;
	size_t nex = 0, norder = 0;
	int rc = efivar_boot_numbers(&existing, &nex);
	if (rc < 0) {
		err_set(err, -EINVAL, "cannot list the Boot#### variables: %s", strerror(-rc));
		return BOOTLIST_UNCHANGED;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (w[i].keep) {
			/* an entry the system has, used as it is: it must still be there */
			nums[i] = w[i].num;
			if (!contains(existing, nex, w[i].num)) {
				err_set(err, -EINVAL, "Boot%04X is gone", w[i].num);
				rc = -ENOENT;
			}
			continue;
		}
		/* one disk named twice (vda, /dev/vda) gets one entry */
		size_t j = 0;
		while (j < i && (w[j].keep || memcmp(w[j].entry.part_guid, w[i].entry.part_guid, 16) != 0))
			j++;
		if (j < i) {
			nums[i] = nums[j];
			continue;
		}
		rc = put_entry(&u, &w[i].entry, existing, nex, nums, i, &nums[i], err);
		/* what the firmware will read is what was meant */
		if (rc == 0 && !reads_back(nums[i], &w[i].entry)) {
			err_set(err, -EINVAL, "Boot%04X does not read back as it was written", nums[i]);
			rc = -EIO;
		}
	}
	if (rc == 0 && (modes & BOOTLIST_NORMAL) && (rc = read_order(&order, &norder, err)) == 0) {
		neworder = xcalloc(norder + n + 1, sizeof(*neworder));
		size_t k = bootorder_put_first(order, norder, nums, n, neworder);
		if (k != norder || memcmp(order, neworder, k * sizeof(*order)) != 0)
			rc = write_u16s(&u, "BootOrder", neworder, k, err);
	}
	if (rc == 0 && (modes & BOOTLIST_SERVICE) && n > 0)
		rc = write_u16s(&u, "BootNext", nums, 1, err);
	free(existing);
	free(order);
	free(neworder);
	return finish(&u, rc, err);
}

int bootlist_set(const struct efiboot_entry *entries, size_t n, int modes, uint16_t *nums,
		 struct err *err)
{
	struct bootlist_want *w = xcalloc(n + 1, sizeof(*w));
	for (size_t i = 0; i < n; i++)
		w[i].entry = entries[i];        /* shallow: entries stay the caller's */
	int rc = bootlist_set_wants(w, n, modes, nums, err);
	free(w);
	return rc;
}

void bootlist_want_free(struct bootlist_want *w)
{
	if (!w->keep)
		efiboot_entry_free(&w->entry);
	memset(w, 0, sizeof(*w));
}

int bootlist_invalidate(int modes, struct err *err)
{
	struct undo u = { .n = 0 };
	int rc = 0;
	if (modes & BOOTLIST_NORMAL) {
		uint16_t *order, *drop, *neworder;
		size_t n, ndrop = 0;
		if (read_order(&order, &n, err) < 0)
			return BOOTLIST_UNCHANGED;
		drop = xcalloc(n + 1, sizeof(*drop));
		neworder = xcalloc(n + 1, sizeof(*neworder));
		for (size_t i = 0; i < n; i++) {
			struct efiboot_entry e;
			if (bootlist_load(order[i], &e) == 0) {
				if (bootlist_is_altkit(&e))
					drop[ndrop++] = order[i];
				efiboot_entry_free(&e);
			}
		}
		size_t k = bootorder_without(order, n, drop, ndrop, neworder);
		if (k != n)
			rc = write_u16s(&u, "BootOrder", neworder, k, err);
		free(order);
		free(drop);
		free(neworder);
		if (rc < 0)
			return finish(&u, rc, err);
	}
	if (rc == 0 && (modes & BOOTLIST_SERVICE)) {
		uint16_t *next;
		size_t n;
		if (efivar_get_u16s("BootNext", &next, &n) == 0) {
			struct efiboot_entry e;
			if (n == 1 && bootlist_load(next[0], &e) == 0) {
				if (bootlist_is_altkit(&e))
					rc = delete_var(&u, "BootNext", err);
				efiboot_entry_free(&e);
			}
			free(next);
		}
	}
	return finish(&u, rc, err);
}

int bootlist_drop_vg(const char *vg_uuid, size_t *removed, struct err *err)
{
	struct undo u = { .n = 0 };
	uint16_t *nums, *drop, *order = NULL, *neworder = NULL, *next = NULL;
	size_t n, ndrop = 0, norder = 0, nnext = 0;
	*removed = 0;
	int rc = efivar_boot_numbers(&nums, &n);
	if (rc < 0) {
		err_set(err, -EINVAL, "cannot list the Boot#### variables: %s", strerror(-rc));
		return BOOTLIST_UNCHANGED;
	}
	drop = xcalloc(n + 1, sizeof(*drop));
	/* An entry naming no VG (a distribution's) goes when it starts the ESP
	 * of a disk that holds this VG and no other, and it is neither what the
	 * firmware booted this time nor on an ESP that is mounted (the running
	 * system's, whatever started it). */
	struct bootdisk *disks;
	size_t ndisks = bootdisk_all(&disks);
	uint16_t *current = NULL;
	size_t ncurrent = 0;
	if (bootlist_read("BootCurrent", &current, &ncurrent) < 0)
		ncurrent = 0;
	for (size_t i = 0; i < n; i++) {
		struct efiboot_entry e;
		char uuid[64];
		if (bootlist_load(nums[i], &e) < 0)
			continue;
		if (bootlist_entry_vg(&e, uuid, sizeof(uuid))) {
			if (strcmp(uuid, vg_uuid) == 0)
				drop[ndrop++] = nums[i];
		} else if (e.has_hd && !contains(current, ncurrent, nums[i])) {
			char guid[EFIBOOT_GUID_TEXT_LEN + 1];
			efiboot_guid_format(e.part_guid, guid);
			for (size_t d = 0; d < ndisks; d++)
				if (strcasecmp(disks[d].part_uuid, guid) == 0 && disks[d].nvgs == 1 &&
				    strcmp(disks[d].vg_uuid, vg_uuid) == 0 && !bootdisk_esp_mounted(&disks[d])) {
					drop[ndrop++] = nums[i];
					break;
				}
		}
		efiboot_entry_free(&e);
	}
	free(disks);
	free(current);
	rc = ndrop ? read_order(&order, &norder, err) : 0;
	if (rc == 0 && ndrop) {
		neworder = xcalloc(norder + 1, sizeof(*neworder));
		size_t k = bootorder_without(order, norder, drop, ndrop, neworder);
		if (k != norder)
			rc = write_u16s(&u, "BootOrder", neworder, k, err);
		if (rc == 0 && efivar_get_u16s("BootNext", &next, &nnext) == 0 && nnext == 1 &&
		    contains(drop, ndrop, next[0]))
			rc = delete_var(&u, "BootNext", err);
		for (size_t i = 0; i < ndrop && rc == 0; i++) {
			char name[16];
			boot_name(name, drop[i]);
			rc = delete_var(&u, name, err);
		}
	}
	free(nums);
	free(drop);
	free(order);
	free(neworder);
	free(next);
	rc = finish(&u, rc, err);
	if (rc == 0)
		*removed = ndrop;
	return rc;
}

int bootlist_read(const char *var, uint16_t **nums, size_t *n)
{
	int rc = efivar_get_u16s(var, nums, n);
	if (rc == -ENOENT) {
		*nums = xcalloc(1, sizeof(**nums));
		*n = 0;
		return 0;
	}
	return rc;
}

void bootlist_describe(const uint16_t *nums, size_t n, struct bootlist_line *out)
{
	struct blockdev *disks = NULL;
	struct bootdisk *bootdisks = NULL;
	size_t ndisks = 0, nvgs = 0, nboot = 0;
	struct lvm_vg *vgs = NULL;
	int looked_up = 0;
	for (size_t i = 0; i < n; i++) {
		struct bootlist_line *l = &out[i];
		struct efiboot_entry e;
		memset(l, 0, sizeof(*l));
		l->num = nums[i];
		snprintf(l->disk, sizeof(l->disk), "-");
		snprintf(l->vg_name, sizeof(l->vg_name), "-");
		if (bootlist_load(nums[i], &e) < 0) {
			snprintf(l->description, sizeof(l->description), "(missing or unreadable)");
			continue;
		}
		l->readable = 1;
		l->altkit = bootlist_is_altkit(&e);
		snprintf(l->description, sizeof(l->description), "%s", e.description ? e.description : "");
		if (!looked_up) {
			blockdev_list(&disks, &ndisks, 1);
			nboot = bootdisk_all(&bootdisks);
			if (lvm_vgs(NULL, &vgs, &nvgs, NULL) < 0)
				nvgs = 0;
			looked_up = 1;
		}
		if (e.has_hd) {
			char guid[EFIBOOT_GUID_TEXT_LEN + 1];
			efiboot_guid_format(e.part_guid, guid);
			for (size_t d = 0; d < ndisks; d++)
				if (disks[d].parent[0] && strcasecmp(disks[d].part_uuid, guid) == 0)
					snprintf(l->disk, sizeof(l->disk), "%s", disks[d].parent);
		}
		if (bootlist_entry_vg(&e, l->vg_uuid, sizeof(l->vg_uuid))) {
			snprintf(l->vg_name, sizeof(l->vg_name), "?");
			for (size_t v = 0; v < nvgs; v++)
				if (strcmp(vgs[v].uuid, l->vg_uuid) == 0)
					snprintf(l->vg_name, sizeof(l->vg_name), "%s", vgs[v].name);
		} else if (e.has_hd) {
			/* a distribution's entry: its GRUB config names the VG, the
			 * disk whose ESP it starts holds it */
			char guid[EFIBOOT_GUID_TEXT_LEN + 1];
			efiboot_guid_format(e.part_guid, guid);
			for (size_t d = 0; d < nboot; d++)
				if (strcasecmp(bootdisks[d].part_uuid, guid) == 0 && bootdisks[d].vg_uuid[0]) {
					snprintf(l->vg_name, sizeof(l->vg_name), "%s", bootdisks[d].vg_name);
					snprintf(l->vg_uuid, sizeof(l->vg_uuid), "%s", bootdisks[d].vg_uuid);
				}
		}
		efiboot_entry_free(&e);
	}
	free(disks);
	free(bootdisks);
	free(vgs);
}

int bootlist_boot_vg(const char *vg_uuid, const char *cmdline, int check, uint16_t *num,
		     char *disk, size_t disklen, struct err *err)
{
	struct bootdisk d;
	char esp_cmdline[1024];
	if (bootdisk_of_vg(vg_uuid, &d, 1) != 1) {
		err_set(err, -EINVAL, "no disk of volume group %s has an EFI system partition", vg_uuid);
		return BOOTLIST_UNCHANGED;
	}
	snprintf(disk, disklen, "%s", d.disk);
	if (check && bootdisk_read_esp(&d, esp_cmdline, sizeof(esp_cmdline), err) < 0)
		return BOOTLIST_UNCHANGED;
	struct efiboot_entry e;
	if (bootlist_entry_for(&d, cmdline, &e) < 0) {
		err_set(err, -EINVAL, "%s: its EFI system partition has no usable partition GUID", d.disk);
		return BOOTLIST_UNCHANGED;
	}
	int rc = bootlist_set(&e, 1, BOOTLIST_NORMAL, num, err);
	efiboot_entry_free(&e);
	return rc;
}

/* ---- distributions: the loader an entry starts on a disk's ESP ------------ */

/* Does E start a loader on the ESP with this partition GUID: an active
 * HD()/File() entry of that partition that is not altkit's kernel, its file
 * on the ESP (m; NULL: not looked at). */
static int starts_esp(const struct efiboot_entry *e, const uint8_t guid[16], const struct bootdisk_esp *m)
{
	return e->has_hd && (e->attributes & EFIBOOT_LOAD_OPTION_ACTIVE) &&
	       memcmp(e->part_guid, guid, 16) == 0 && e->file_path && !bootlist_is_altkit(e) &&
	       (!m || bootdisk_esp_has(m, e->file_path));
}

/* The entry that starts D's ESP: BootCurrent's when it does, else the first
 * in BootOrder that does, else the lowest Boot#### that does. *out (may be
 * NULL) gets it decoded. -ENOENT when none does. */
static int entry_of_disk(const struct bootdisk *d, const struct bootdisk_esp *m, uint16_t *num,
			 struct efiboot_entry *out)
{
	uint8_t guid[16];
	if (efiboot_guid_parse(d->part_uuid, guid) < 0)
		return -ENOENT;
	uint16_t *lists[3] = { NULL, NULL, NULL };
	size_t nl[3] = { 0, 0, 0 };
	if (bootlist_read("BootCurrent", &lists[0], &nl[0]) < 0)
		nl[0] = 0;
	if (bootlist_read("BootOrder", &lists[1], &nl[1]) < 0)
		nl[1] = 0;
	if (efivar_boot_numbers(&lists[2], &nl[2]) < 0)
		nl[2] = 0;
	int rc = -ENOENT;
	for (size_t k = 0; k < 3 && rc < 0; k++)
		for (size_t i = 0; i < nl[k] && rc < 0; i++) {
			struct efiboot_entry e;
			if (bootlist_load(lists[k][i], &e) < 0)
				continue;
			if (starts_esp(&e, guid, m)) {
				*num = lists[k][i];
				rc = 0;
				if (out) {
					*out = e;
					continue;
				}
			}
			efiboot_entry_free(&e);
		}
	for (size_t k = 0; k < 3; k++)
		free(lists[k]);
	return rc;
}

int bootlist_loader_of_disk(const struct bootdisk *d, char *loader, size_t len, char *desc, size_t desclen,
			    struct err *err)
{
	struct bootdisk_esp m;
	struct efiboot_entry e;
	uint16_t num;
	if (bootdisk_esp_open(d, &m, err) < 0) {
		err_prefix(err, "%s", d->disk);
		return -EIO;
	}
	int rc = entry_of_disk(d, &m, &num, &e);
	bootdisk_esp_close(&m);
	if (rc < 0)
		return err_set(err, -ENOENT, "%s: no boot entry starts a loader on its EFI system partition %s",
			       d->disk, d->esp);
	if ((size_t)snprintf(loader, len, "%s", e.file_path) >= len)
		rc = err_set(err, -ENAMETOOLONG, "%s: Boot%04X starts a path too long: %s", d->disk, num, e.file_path);
	snprintf(desc, desclen, "%s", e.description ? e.description : "");
	efiboot_entry_free(&e);
	return rc;
}

/* "debian" of \EFI\debian\shimx64.efi */
static void vendor_of(const char *loader, char *out, size_t len)
{
	const char *v = loader + strlen("\\EFI\\");
	snprintf(out, len, "%.*s", (int)strcspn(v, "\\"), v);
}

int bootlist_want_for_disk(const struct bootdisk *d, struct bootlist_want *w, struct err *err)
{
	struct bootdisk_esp m;
	memset(w, 0, sizeof(*w));
	if (bootdisk_esp_open(d, &m, err) < 0)
		return -1;
	int altkit = bootdisk_esp_has(&m, BOOTDISK_KERNEL);
	if (altkit) {
		bootdisk_esp_close(&m);
		char esp_cmdline[1024], cmdline[1024];
		if (bootdisk_read_esp(d, esp_cmdline, sizeof(esp_cmdline), err) < 0 ||
		    bootdisk_cmdline(d, esp_cmdline, cmdline, sizeof(cmdline), err) < 0)
			return -1;
		if (bootlist_entry_for(d, cmdline, &w->entry) < 0) {
			err_set(err, -EINVAL, "its EFI system partition has no usable partition GUID");
			return -1;
		}
		return 0;
	}
	/* a distribution's disk: the entry its system has, else its one loader */
	int rc = 0;
	if (entry_of_disk(d, &m, &w->num, NULL) == 0) {
		w->keep = 1;
	} else {
		char found[4][BOOTDISK_LOADER_MAX], vendor[80], desc[128];
		size_t n = bootdisk_esp_loaders(&m, found, 4);
		if (n == 0) {
			rc = err_set(err, -ENOENT, "no boot entry starts its EFI system partition and no loader altkit "
				     "knows was found on it (EFI/altkit/vmlinuz.efi, EFI/<vendor>/shimx64.efi or "
				     "grubx64.efi)");
		} else if (n > 1) {
			rc = err_set(err, -EINVAL, "no boot entry starts its EFI system partition and it holds %zu "
				     "loaders (%s, %s%s): make an entry for the one to boot (efibootmgr -c)", n,
				     found[0], found[1], n > 2 ? ", ..." : "");
		} else {
			vendor_of(found[0], vendor, sizeof(vendor));
			snprintf(desc, sizeof(desc), "%s %s", vendor, d->disk);
			if (loader_entry(d, found[0], desc, &w->entry) < 0)
				rc = err_set(err, -EINVAL, "its EFI system partition has no usable partition GUID");
		}
	}
	bootdisk_esp_close(&m);
	return rc < 0 ? -1 : 0;
}

int bootlist_boot_vg_loader(const char *vg_uuid, const char *loader, const char *desc, uint16_t *num,
			    char *disk, size_t disklen, struct err *err)
{
	struct bootdisk d;
	struct bootdisk_esp m;
	struct efiboot_entry e;
	disk[0] = '\0';
	if (bootdisk_of_vg(vg_uuid, &d, 1) != 1) {
		err_set(err, -EINVAL, "no disk of volume group %s has an EFI system partition", vg_uuid);
		return BOOTLIST_UNCHANGED;
	}
	snprintf(disk, disklen, "%s", d.disk);
	if (bootdisk_esp_open(&d, &m, err) < 0)
		return BOOTLIST_UNCHANGED;
	int there = bootdisk_esp_has(&m, loader);
	bootdisk_esp_close(&m);
	if (!there)
		return err_set(err, -ENOENT, "its EFI system partition %s has no %s (a regular file)", d.esp, loader);
	if (loader_entry(&d, loader, desc, &e) < 0) {
		err_set(err, -EINVAL, "its EFI system partition has no usable partition GUID");
		return BOOTLIST_UNCHANGED;
	}
	int rc = bootlist_set(&e, 1, BOOTLIST_NORMAL, num, err);
	efiboot_entry_free(&e);
	return rc;
}
