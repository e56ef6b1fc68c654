/* GPT through libfdisk, the label library util-linux keeps for fdisk/sfdisk. */
#include <errno.h>
#include <libfdisk.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gpt.h"
#include "size.h"

static int add_partition(struct fdisk_context *cxt, const struct gpt_part *p, int last)
{
	struct fdisk_label *lb = fdisk_get_label(cxt, "gpt");
	struct fdisk_parttype *type = fdisk_label_get_parttype_from_string(lb, p->type);
	struct fdisk_partition *pa = fdisk_new_partition();
	int rc = -ENOMEM;

	if (!pa || !type)
		goto out;
	fdisk_partition_start_follow_default(pa, 1);
	fdisk_partition_partno_follow_default(pa, 1);
	if (p->size == 0) {
		rc = -EINVAL;
		if (!last)
			goto out;
		fdisk_partition_end_follow_default(pa, 1);
	} else {
		uint64_t ss = fdisk_get_sector_size(cxt);
		fdisk_partition_set_size(pa, (p->size + ss - 1) / ss);
	}
	if ((rc = fdisk_partition_set_type(pa, type)) < 0)
		goto out;
	if (p->name && (rc = fdisk_partition_set_name(pa, p->name)) < 0)
		goto out;
	rc = fdisk_add_partition(cxt, pa, NULL);
out:
	fdisk_unref_partition(pa);
	fdisk_unref_parttype(type);
	return rc < 0 ? rc : 0;
}

int gpt_create(const char *device, const struct gpt_part *parts, size_t n)
{
	struct fdisk_context *cxt = fdisk_new_context();
	int rc;

	if (!cxt)
		return -ENOMEM;
	if ((rc = fdisk_assign_device(cxt, device, 0)) < 0)
		goto out;
	/* wipe old filesystem/RAID/PV signatures at the start of the disk too */
	fdisk_enable_wipe(cxt, 1);
	if ((rc = fdisk_create_disklabel(cxt, "gpt")) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((rc = add_partition(cxt, &parts[i], i + 1 == n)) < 0)
			goto out;
	if ((rc = fdisk_write_disklabel(cxt)) < 0)
		goto out;
	/* a loop device without partition scanning cannot re-read: not an error */
	fdisk_reread_partition_table(cxt);
	rc = fdisk_deassign_device(cxt, 0);
out:
	fdisk_unref_context(cxt);
	return rc < 0 ? rc : 0;
}

int gpt_part_parse(const char *spec, struct gpt_part *p)
{
	static const struct { const char *name, *guid; } types[] = {
		{ "esp", GPT_TYPE_ESP }, { "lvm", GPT_TYPE_LVM }, { "linux", GPT_TYPE_LINUX },
	};
	const char *colon = strchr(spec, ':');
	if (!colon)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].name) == (size_t)(colon - spec) &&
		    strncasecmp(spec, types[i].name, (size_t)(colon - spec)) == 0) {
			p->type = types[i].guid;
			p->name = types[i].name;
		}
	if (!p->type)
		return -EINVAL;
	if (strcmp(colon + 1, "rest") == 0)
		return 0;
	return parse_size(colon + 1, &p->size) < 0 || p->size == 0 ? -EINVAL : 0;
}
