#ifndef ALTKIT_MOUNTS_H
#define ALTKIT_MOUNTS_H
#include <stddef.h>
#include <sys/types.h>

/* The mount table of this process (/proc/self/mountinfo). */
struct mount_entry {
	unsigned major, minor;  /* st_dev of the mounted filesystem */
	char *target;           /* mount point, unescaped */
	char *fstype;
	char *source;           /* "/dev/mapper/rootvg-root", "proc", ... */
	char *options;          /* per-mount options ("rw,relatime") */
};

struct mount_table {
	struct mount_entry *e;
	size_t n;
};

int mounts_read(struct mount_table *t);
void mounts_release(struct mount_table *t);
/* The first mount of device major:minor, or NULL. */
const struct mount_entry *mounts_find_dev(const struct mount_table *t, unsigned major, unsigned minor);
/* The mount whose target is exactly PATH (the last one: what is visible). */
const struct mount_entry *mounts_find_target(const struct mount_table *t, const char *path);
/* Is something mounted exactly on PATH (in this process's view)? */
int mounts_is_target(const char *path);
#endif
