/* What `volarc create` archives: the files and directories named on its
 * command line, as the entries of a set directory, and the way back to
 * each file to read it while a volume is written. */
#ifndef ALTKIT_VOLARC_INPUT_H
#define ALTKIT_VOLARC_INPUT_H
#include <sys/types.h>

#include "volarc_set.h"

struct volarc_source {
	size_t root;            /* index into roots[] */
	char *rel;              /* below that root; "" for the root itself */
	dev_t dev;
	ino_t ino;
	uid_t uid;
	gid_t gid;
	int64_t atime;
};

struct volarc_input {
	unsigned fs;            /* the trees the names must fit (VOLARC_FS_*) */
	int *roots;             /* one fd per argument: its directory, or the file */
	size_t nroots;
	struct volarc_set set;  /* entries sorted by name, checksums not known yet */
	struct volarc_source *src;      /* parallel to set.entries */
	size_t cap;
};

void volarc_input_init(struct volarc_input *in, unsigned fs);
void volarc_input_release(struct volarc_input *in);

/* Add an argument: a file is stored under its own name; a directory as its
 * name with everything below it, except "/", "." and ".." (and paths ending
 * so), whose contents go to the root of the set. Symbolic links on the
 * command line are followed, inside a tree they are refused, as are
 * devices, FIFOs and sockets. */
int volarc_input_add(struct volarc_input *in, const char *arg, struct err *e);

/* Sort the entries; refuse two arguments that give one name. */
int volarc_input_finish(struct volarc_input *in, struct err *e);

/* Open entry i for reading, never following a symbolic link below its
 * root, and check that it is still the file that was listed. fd or -errno
 * (with e). */
int volarc_input_open(const struct volarc_input *in, size_t i, struct err *e);

#endif
