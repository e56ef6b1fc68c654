/* One volume image (a file, a block device, /dev/sr0) opened for reading:
 * its tree in one view, its set directory when volarc made it, and reads
 * of file data by sector address. */
#ifndef ALTKIT_VOLARC_VOL_H
#define ALTKIT_VOLARC_VOL_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "isofs.h"
#include "volarc_set.h"

struct volarc_extent {
	uint32_t lsn;
	uint32_t size;
};

struct volarc_file {
	char *path;             /* "dir/name": no leading '/', no ";1" */
	int is_dir;
	uint64_t size;
	struct volarc_extent *extents;  /* a file over 4 GiB has several */
	int nextents;
	mode_t mode;            /* Rock Ridge's, else a default */
	int64_t mtime;
};

struct volarc_vol {
	char *path;
	int fd;                 /* data is read here */
	enum isofs_view view;   /* of files[] */
	char volume_id[64], volset_id[160];
	struct volarc_file *files;      /* sorted by path */
	size_t nfiles;
	int has_set;            /* made by volarc: set is its set directory */
	struct volarc_set set;
	uint32_t set_lsn;       /* where the set directory's text is */
	uint64_t set_size;
};

/* Open a volume. view AUTO reads the best tree there is (Rock Ridge, else
 * Joliet, else ISO 9660); the set directory is looked for in it. Another
 * view lists that tree (the set directory is still read). -EMEDIUMTYPE:
 * no ISO 9660 volume; -ENOTSUP: no such tree; -EINVAL: a damaged set
 * directory (e says what). */
int volarc_vol_open(const char *path, enum isofs_view view, struct volarc_vol **out, struct err *e);
void volarc_vol_close(struct volarc_vol *v);

const struct volarc_file *volarc_vol_find(const struct volarc_vol *v, const char *path);

/* Give the bytes of file f to sink in chunks; a sink's negative return
 * stops and is returned. */
typedef int (*volarc_sink)(void *arg, const void *buf, size_t len);
int volarc_vol_read(const struct volarc_vol *v, const struct volarc_file *f, volarc_sink sink, void *arg,
		    struct err *e);

#endif
