/* src/lib/boot/bootdisk.c: which files of an ESP bootlist trusts (a tree in a
 * temporary directory stands for the mounted ESP). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bootdisk.h"
#include "tap.h"

/* "EFI/debian/shimx64.efi" (a file), "EFI/x/" (a directory), "EFI/l@debian" (a symlink to debian) */
static void make(const char *top, const char *spec)
{
	char path[512], buf[512];
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *p = buf; (p = strchr(p, '/')); p++) {
		*p = '\0';
		snprintf(path, sizeof(path), "%s/%s", top, buf);
		mkdir(path, 0755);
		*p = '/';
	}
	char *at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		snprintf(path, sizeof(path), "%s/%s", top, buf);
		if (symlink(at + 1, path) < 0)
			perror(path);
	} else if (buf[strlen(buf) - 1] != '/') {
		snprintf(path, sizeof(path), "%s/%s", top, buf);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, "MZ", 2) != 2)
			perror(path);
		close(fd);
	}
}

static int new_esp(char *dir, size_t len, const char *const *files, struct bootdisk_esp *m)
{
	snprintf(dir, len, "/tmp/espfiles_test.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	for (size_t i = 0; files[i]; i++)
		make(dir, files[i]);
	m->fd = open(dir, O_RDONLY | O_DIRECTORY);
	m->mounted_here = 0;
	snprintf(m->dir, sizeof(m->dir), "%s", dir);
	return m->fd < 0 ? -1 : 0;
}

static void remove_esp(const char *dir, struct bootdisk_esp *m)
{
	close(m->fd);
	char *argv[] = { "rm", "-rf", (char *)dir, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		execvp("rm", argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

static const struct {
	const char *title, *path;
	int want;
} has[] = {
	{ "a loader the firmware names", "\\EFI\\debian\\shimx64.efi", 1 },
	{ "without the leading backslash", "EFI\\debian\\grubx64.efi", 1 },
	{ "doubled backslashes", "\\\\EFI\\\\debian\\shimx64.efi", 1 },
	{ "a file that is not there", "\\EFI\\debian\\mmx64.efi", 0 },
	{ "a directory is not a loader", "\\EFI\\debian", 0 },
	{ "'..' is not followed", "\\EFI\\debian\\..\\debian\\shimx64.efi", 0 },
	{ "a symlinked directory is not followed", "\\EFI\\link\\shimx64.efi", 0 },
	{ "a symlinked file is not followed", "\\EFI\\debian\\fake.efi", 0 },
	{ "the empty path", "", 0 },
	{ "only backslashes", "\\\\", 0 },
};

static const struct {
	const char *title;
	const char *files[6];
	const char *want;       /* the loaders, comma-separated */
	size_t count;
} loaders[] = {
	{ "shim is preferred over GRUB", { "EFI/debian/grubx64.efi", "EFI/debian/shimx64.efi", "EFI/debian/mmx64.efi" },
	  "\\EFI\\debian\\shimx64.efi", 1 },
	{ "GRUB alone", { "EFI/debian/grubx64.efi" }, "\\EFI\\debian\\grubx64.efi", 1 },
	{ "the fallback path EFI/BOOT is no vendor's", { "EFI/BOOT/BOOTX64.EFI", "EFI/BOOT/shimx64.efi" }, "", 0 },
	{ "altkit's own directory is not a distribution's", { "EFI/altkit/vmlinuz.efi", "EFI/altkit/grubx64.efi" },
	  "", 0 },
	{ "two vendors: both, sorted", { "EFI/ubuntu/shimx64.efi", "EFI/debian/grubx64.efi" },
	  "\\EFI\\debian\\grubx64.efi,\\EFI\\ubuntu\\shimx64.efi", 2 },
	{ "a vendor directory without a known loader", { "EFI/Microsoft/Boot/bootmgfw.efi", "EFI/debian/mmx64.efi" },
	  "", 0 },
	{ "a symlinked vendor directory", { "EFI/debian/shimx64.efi", "EFI/other@debian" },
	  "\\EFI\\debian\\shimx64.efi", 1 },
	{ "no EFI directory", { "loader.efi" }, "", 0 },
};

int main(void)
{
	char dir[64], got[1024];
	struct bootdisk_esp m;
	static const char *const tree[] = { "EFI/debian/shimx64.efi", "EFI/debian/grubx64.efi", "EFI/link@debian",
					    "EFI/debian/fake.efi@shimx64.efi", NULL };
	if (!ok(new_esp(dir, sizeof(dir), tree, &m) == 0, "a test ESP"))
		return 1;
	for (size_t i = 0; i < sizeof(has) / sizeof(has[0]); i++)
		is_int(bootdisk_esp_has(&m, has[i].path), has[i].want, has[i].title);
	remove_esp(dir, &m);

	for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++) {
		const char *files[7] = { NULL };
		memcpy(files, loaders[i].files, sizeof(loaders[i].files));
		if (!ok(new_esp(dir, sizeof(dir), files, &m) == 0, "a test ESP"))
			return 1;
		char found[4][BOOTDISK_LOADER_MAX];
		size_t n = bootdisk_esp_loaders(&m, found, 4);
		got[0] = '\0';
		for (size_t k = 0; k < n && k < 4; k++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? "," : "", found[k]);
		is_str(got, loaders[i].want, loaders[i].title);
		is_int((long long)n, (long long)loaders[i].count, loaders[i].title);
		remove_esp(dir, &m);
	}
	return done_testing();
}
