/* Reading a volume set: VOL is an image (a file, a block device such as
 * /dev/sr0) or the directory of a set's images (001, 002, ...); any one
 * volume gives the set directory, the others are opened when a file needs
 * them. Volumes not at their place are looked for where the catalog says
 * they are resident (links). An ISO made by another tool, or a tree view
 * asked for with --fs, is read as a one-volume set built from its tree. */
#ifndef ALTKIT_VOLARC_READ_H
#define ALTKIT_VOLARC_READ_H
#include "isofs.h"
#include "volarc_set.h"
#include "volarc_vol.h"

struct volarc_links {
	/* Where the images of the set named name (else: of that serial) are
	 * resident: malloc'd path, or NULL. */
	char *(*lookup)(void *ctx, const char *name, const char *serial);
	/* Something the user should know (a link is followed). */
	void (*note)(void *ctx, const char *msg);
	void *ctx;
};

struct volarc_reader {
	char *name;             /* the set's name: absolute path of VOL (the set's directory) */
	char *dir;              /* where its images NNN are, or NULL */
	char *single;           /* the image given, when not a set's directory */
	char *link;             /* where the catalog says they are resident */
	int link_looked_up;
	struct volarc_links links;
	enum isofs_view view;
	int tree;               /* no set directory used: the tree of one volume */
	struct volarc_set *set; /* the set directory, or the tree as one */
	struct volarc_set tree_set;
	struct volarc_vol **vols;       /* by index - 1; NULL until needed */
	unsigned nvols;
};

/* view AUTO: the set directory when there is one. links may be NULL. */
int volarc_reader_open(const char *vol, enum isofs_view view, const struct volarc_links *links,
		       struct volarc_reader **out, struct err *e);
void volarc_reader_close(struct volarc_reader *r);

/* Volume index, opened (and checked to belong to the set) on first use;
 * a missing one is named in the error. */
int volarc_reader_volume(struct volarc_reader *r, unsigned index, struct volarc_vol **out, struct err *e);

/* Every name of the set is safe to write below a directory (relative, no
 * "." or ".." component, volarc_relpath_ok): 0, else -EINVAL naming the
 * first that is not. Names from a set directory were checked when it was
 * read; a bare ISO 9660/Joliet/Rock Ridge tree is checked here, so that a
 * hostile volume is refused as a whole, not file by file. */
int volarc_reader_check_names(const struct volarc_reader *r, struct err *e);

/* The bytes of a file to sink, in order, and its sha256 in sum. With a set
 * directory, a sum that does not match is -EBADMSG. */
int volarc_reader_read(struct volarc_reader *r, const struct volarc_entry *en, volarc_sink sink, void *arg,
		       char sum[65], struct err *e);

/* The absolute path of path, "." and ".." resolved by name (it need not
 * exist): the name of a volume in the catalog. malloc'd. */
char *volarc_abspath(const char *path);

#endif
