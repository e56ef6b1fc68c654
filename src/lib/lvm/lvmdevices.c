/* A VG's PVs into an LVM devices file, by lvm's own lvmdevices: lvm chooses
 * how each device is named there (WWID, serial, or name), as it would for
 * a PV made on that system. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lvm.h"
#include "lvmdevices.h"
#include "readall.h"

#define DEVICES_FILE "devices/system.devices"

static void file_path(const char *system_dir, char *buf, size_t len)
{
	const char *dir = system_dir ? system_dir : getenv("LVM_SYSTEM_DIR");
	snprintf(buf, len, "%s/%s", dir && *dir ? dir : "/etc/lvm", DEVICES_FILE);
}

int lvmdevices_in_use(const char *system_dir)
{
	char path[4096];
	file_path(system_dir, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/* Does the file's text name "PVID=<pvid>" (the UUID without its dashes)? */
static int lists_pv(const char *text, const char *pv_uuid)
{
	char want[64];
	size_t n = 0;
	n += (size_t)snprintf(want, sizeof(want), "PVID=");
	for (const char *p = pv_uuid; *p && n < sizeof(want) - 1; p++)
		if (*p != '-')
			want[n++] = *p;
	want[n] = '\0';
	for (const char *p = text; p && (p = strstr(p, want)); p += n) {
		char next = p[n];
		if ((p == text || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n') &&
		    (next == '\0' || next == ' ' || next == '\t' || next == '\n'))
			return 1;
	}
	return 0;
}

/* lvm lvmdevices --adddev DEV, on the file under SYSTEM_DIR: lvm reads
 * LVM_SYSTEM_DIR, and --devicesfile names the file whatever that
 * directory's lvm.conf says. */
static int add_dev(const char *system_dir, const char *dev, struct err *e)
{
	const char *old = getenv("LVM_SYSTEM_DIR");
	char *saved = old ? strdup(old) : NULL;
	if (system_dir)
		setenv("LVM_SYSTEM_DIR", system_dir, 1);
	const char *args[] = { "lvmdevices", "--devicesfile", "system.devices", "--adddev", dev, NULL };
	int rc = lvm_run(args, e);
	if (saved)
		setenv("LVM_SYSTEM_DIR", saved, 1);
	else
		unsetenv("LVM_SYSTEM_DIR");
	free(saved);
	return rc;
}

int lvmdevices_add_vg(const char *system_dir, const char *vg_uuid, int *added, struct err *e)
{
	char path[4096], select[96];
	struct lvm_pv *pvs = NULL;
	size_t n = 0;
	*added = 0;
	file_path(system_dir, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_errno(e, -errno, "'%s'", path);
	char *text = read_all_fd(fd, NULL);
	close(fd);
	snprintf(select, sizeof(select), "vg_uuid=%s", vg_uuid);
	int rc = lvm_pvs(select, &pvs, &n, e);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (lists_pv(text, pvs[i].uuid))
			continue;
		if ((rc = add_dev(system_dir, pvs[i].name, e)) < 0)
			err_prefix(e, "adding %s to '%s'", pvs[i].name, path);
		else
			(*added)++;
	}
	if (rc == 0 && n == 0)
		rc = err_set(e, -ENOENT, "no PV of volume group %s was found", vg_uuid);
	free(pvs);
	free(text);
	return rc;
}
