/* src/lib/intree.c: paths inside another tree never leave it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intree.h"
#include "readall.h"
#include "tap.h"

static char root[64], outside[64];

static int opens(const char *rel)
{
	int fd = intree_open(root, rel, O_RDONLY, 0);
	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 0 : fd;
}

int main(void)
{
	char path[256];
	snprintf(root, sizeof(root), "/tmp/intree.XXXXXX");
	snprintf(outside, sizeof(outside), "/tmp/intree-out.XXXXXX");
	if (!mkdtemp(root) || !mkdtemp(outside))
		return 1;
	snprintf(path, sizeof(path), "%s/etc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/fstab", root);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	snprintf(path, sizeof(path), "%s/secret", outside);
	close(open(path, O_WRONLY | O_CREAT, 0600));
	snprintf(path, sizeof(path), "%s/esc", root);
	symlink(outside, path);                         /* a directory link out */
	snprintf(path, sizeof(path), "%s/etc/link", root);
	symlink("/etc/passwd", path);                   /* a file link out */

	static const struct {
		const char *rel;
		int want;
		const char *title;
	} cases[] = {
		{ "etc/fstab", 0, "a file in the tree" },
		{ "/etc/fstab", 0, "a leading slash is inside the tree too" },
		{ "etc//fstab", 0, "doubled slashes" },
		{ "etc/", 0, "a trailing slash" },
		{ "esc/secret", -ENOTDIR, "a symlink on the way out is not followed" },
		{ "etc/link", -ELOOP, "a symlink at the end is not followed" },
		{ "../intree-out/secret", -EINVAL, "'..' at the start is refused" },
		{ "etc/../../x", -EINVAL, "'..' in the middle is refused" },
		{ "etc/..", -EINVAL, "'..' at the end is refused" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(opens(cases[i].rel), cases[i].want, cases[i].title);

	is_int(intree_write(root, "etc/hosts", "127.0.0.1\n", 10, 0644), 0, "write a new file");
	int fd = intree_open(root, "etc/hosts", O_RDONLY, 0);
	char *text = fd >= 0 ? read_all_fd(fd, NULL) : NULL;
	is_str(text, "127.0.0.1\n", "  it reads back");
	free(text);
	if (fd >= 0)
		close(fd);
	is_int(intree_write(root, "esc/secret", "x", 1, 0644), -ENOTDIR, "no write through a directory link");
	is_int(intree_write(root, "etc/link", "x", 1, 0644), 0, "a file link is replaced, not written through");
	struct stat st;
	is_int(lstat("/etc/passwd", &st) == 0 && st.st_size > 1, 1, "  /etc/passwd untouched");
	snprintf(path, sizeof(path), "%s/etc/link", root);
	is_int(lstat(path, &st) == 0 && S_ISREG(st.st_mode), 1, "  the link is now a file of the tree");
	snprintf(path, sizeof(path), "%s/esc", root);
	is_int(intree_remove(root, "esc"), 1, "removing a link removes the link");
	snprintf(path, sizeof(path), "%s/secret", outside);
	is_int(access(path, F_OK), 0, "  not what it pointed at");
	is_int(intree_mkdir(root, "/var/", 0755), 0, "mkdir /var/ inside the tree");
	snprintf(path, sizeof(path), "%s/var", root);
	is_int(lstat(path, &st) == 0 && S_ISDIR(st.st_mode), 1, "  made there");
	is_int(intree_mkdir(root, "../x", 0755), -EINVAL, "mkdir '..' refused");

	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", root, outside);
	if (system(cmd) != 0)
		return 1;
	return done_testing();
}
