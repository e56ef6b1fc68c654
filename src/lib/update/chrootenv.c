/* The tree a package manager runs in (chrootenv.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "chrootenv.h"
#include "intree.h"
#include "mounts.h"
#include "readall.h"

#define POLICY_RC_D "usr/sbin/policy-rc.d"
/* Ours is known by its text: a leftover is removed, the admin's own kept. */
static const char policy_text[] = "#!/bin/sh\n"
				  "# altkit: no service starts in a clone while phase 2 installs packages into it\n"
				  "exit 101\n";

static const struct {
	const char *rel, *src, *fstype;
	unsigned long flags;
	const char *data;
} api_mounts[] = {
	{ "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "sys", "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "dev", "/dev", NULL, MS_BIND | MS_REC, NULL },
	{ "run", "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
};
#define N_MOUNTS (sizeof(api_mounts) / sizeof(api_mounts[0]))

static int policy_is_ours(const char *root)
{
	int fd = intree_open(root, POLICY_RC_D, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0)
		return 0;
	size_t len = 0;
	char *text = read_all_fd(fd, &len);
	close(fd);
	int ours = text && len == strlen(policy_text) && memcmp(text, policy_text, len) == 0;
	free(text);
	return ours;
}

void chrootenv_leave(const char *root)
{
	struct mount_table mt;
	char path[512];
	if (mounts_read(&mt) == 0) {
		for (size_t i = N_MOUNTS; i-- > 0;) {
			snprintf(path, sizeof(path), "%s/%s", root, api_mounts[i].rel);
			/* detached: /dev is a recursive bind, whatever is below goes with it */
			if (mounts_find_target(&mt, path))
				umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
		}
		mounts_release(&mt);
	}
	if (policy_is_ours(root))
		intree_remove(root, POLICY_RC_D);
}

int chrootenv_enter(const char *root, struct err *e)
{
	int rc, fd;
	chrootenv_leave(root);
	for (size_t i = 0; i < N_MOUNTS; i++) {
		rc = intree_mount(root, api_mounts[i].rel, api_mounts[i].src, api_mounts[i].fstype, api_mounts[i].flags,
				  api_mounts[i].data);
		if (rc < 0) {
			chrootenv_leave(root);
			return err_errno(e, rc, "mounting /%s in the clone for its package manager", api_mounts[i].rel);
		}
	}
	if ((rc = intree_mkdir(root, CHROOTENV_WORK, 0755)) < 0) {
		chrootenv_leave(root);
		return err_errno(e, rc, "making /%s in the clone", CHROOTENV_WORK);
	}
	/* the admin's own policy-rc.d rules, if the clone has one */
	if ((fd = intree_open(root, POLICY_RC_D, O_PATH, 0)) >= 0) {
		close(fd);
		return 0;
	}
	if (fd != -ENOENT || (rc = intree_write(root, POLICY_RC_D, policy_text, strlen(policy_text), 0755)) < 0) {
		chrootenv_leave(root);
		return err_errno(e, fd != -ENOENT ? fd : rc, "installing /%s in the clone", POLICY_RC_D);
	}
	return 0;
}
