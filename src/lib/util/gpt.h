#ifndef ALTKIT_GPT_H
#define ALTKIT_GPT_H
#include <stdint.h>
#include <stddef.h>

/* Write a new GPT through libfdisk. Library code: returns 0 or -errno. */

#define GPT_TYPE_ESP   "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
#define GPT_TYPE_LVM   "E6D6D379-F507-44C2-A23C-238F2A3DF928"
#define GPT_TYPE_LINUX "0FC63DAF-8483-4772-8E79-3D69D8477DE4"

struct gpt_part {
	const char *type;       /* partition type GUID */
	const char *name;       /* GPT partition name, may be NULL */
	uint64_t size;          /* bytes; 0 = the rest of the disk (last entry only) */
};

/* Replace whatever label DEVICE holds with a GPT holding PARTS in order
 * (1 MiB aligned), and have the kernel re-read it. Old signatures at the
 * start of the disk are wiped. */
int gpt_create(const char *device, const struct gpt_part *parts, size_t n);

/* Parse "esp:260M", "lvm:rest", "linux:1G" into a gpt_part (type and size). */
int gpt_part_parse(const char *spec, struct gpt_part *p);
#endif
