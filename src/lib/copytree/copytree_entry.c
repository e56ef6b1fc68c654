/* One non-directory entry of a directory, as a worker takes it from a job:
 * looked at again (it may have changed since the walker listed it), then
 * copied as a file mount point, as an inode with several names, or plainly.
 *
 * May call: copytree_hardlink.c, copytree_inode.c, copytree_report.c. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "copytree_int.h"
#include "banned.h"

bool ct_copy_entry(struct ct *ct, struct wctx *w, struct dnode *dn, const char *name)
{
	struct fs_stat st;
	int rc = fs_statat(dn->fd[SRC], name, AT_SYMLINK_NOFOLLOW, &st);
	if (rc == -ENOENT) {
		ct_report(ct, CT_VANISHED, CT_SRC, dn, name, "stat", NULL, ENOENT, 0);
		atomic_fetch_add(&ct->st->vanished, 1);
		return true;
	}
	if (rc < 0) {
		ct_src_error(ct, dn, name, "stat", NULL, -rc, 0);
		atomic_fetch_add(&ct->st->failures, 1);
		return true;
	}
	int fail;
	if (S_ISDIR(st.mode)) {
		/* it was something else when the walker listed it */
		ct_src_error(ct, dn, name, "copy", NULL, CTE_CHANGED, S_IFDIR);
		fail = -1;
	} else if (ct_is_mount(ct, &st)) {
		fail = ct_copy_file_mountpoint(ct, dn, name, &st);
	} else if (st.nlink > 1) {
		return ct_copy_hardlinked(ct, w, dn, name, &st);
	} else {
		fail = ct_copy_inode(ct, w, dn, name, &st);
	}
	if (fail)
		atomic_fetch_add(&ct->st->failures, 1);
	else
		ct_report_copied(ct, dn, name, st.mode);
	return true;
}
