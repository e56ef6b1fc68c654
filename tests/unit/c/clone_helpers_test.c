/* src/lib/clone/clone_helpers.c: the programs a run will execute, from its
 * phases, copy mode and source filesystems (fstype:mountpoint, "+" when
 * libext2fs read its parameters), and the one line for a missing one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clone.h"
#include "tap.h"

static const struct row {
	const char *what;
	const char *phases;     /* "1", "23", ... */
	enum clone_copy_mode mode;
	const char *fs;
	const char *want;
} rows[] = {
	{ "phases 2 and 3: lvm alone", "23", CLONE_COPY_AUTO, "ext4:/+ swap:-", "lvm" },
	{ "phase 1, no filesystems planned yet: lvm and the ESP's mkfs.fat", "1", CLONE_COPY_AUTO, "",
	  "lvm mkfs.fat" },
	{ "ext4 that may be copied through its used blocks: both ways' tools", "1", CLONE_COPY_AUTO, "ext4:/+",
	  "lvm mkfs.fat mke2fs tune2fs e2fsck resize2fs" },
	{ "--copy-mode files: mke2fs and tune2fs only", "12", CLONE_COPY_FILES, "ext4:/+ ext3:/var+",
	  "lvm mkfs.fat mke2fs tune2fs" },
	{ "--copy-mode blocks: no mke2fs for a mounted ext filesystem", "1", CLONE_COPY_BLOCKS, "ext4:/+",
	  "lvm mkfs.fat e2fsck tune2fs resize2fs" },
	{ "--copy-mode blocks: an unmounted one is still made by mke2fs", "1", CLONE_COPY_BLOCKS, "ext4:/+ ext4:-+",
	  "lvm mkfs.fat e2fsck tune2fs resize2fs mke2fs" },
	{ "unmounted ext: made, never block-copied", "1", CLONE_COPY_AUTO, "ext4:-+", "lvm mkfs.fat mke2fs tune2fs" },
	{ "ext without parameters read: not block-copied", "1", CLONE_COPY_AUTO, "ext4:/",
	  "lvm mkfs.fat mke2fs tune2fs" },
	{ "swap: mkswap", "1", CLONE_COPY_FILES, "ext4:/+ swap:-", "lvm mkfs.fat mke2fs tune2fs mkswap" },
	{ "xfs and raw LVs are copied by altkit itself", "1", CLONE_COPY_AUTO, "xfs:/data :-", "lvm mkfs.fat" },
	{ "each program once", "all", CLONE_COPY_FILES, "ext4:/+ ext4:/var+ swap:- swap:-",
	  "lvm mkfs.fat mke2fs tune2fs mkswap" },
};

static void setup(struct clone *c, const struct row *r)
{
	memset(c, 0, sizeof(*c));
	for (const char *p = r->phases; *p; p++)
		if (*p >= '1' && *p <= '3')
			c->o.want[*p - '0'] = 1;
	if (strcmp(r->phases, "all") == 0)
		c->o.want[1] = c->o.want[2] = c->o.want[3] = 1;
	c->o.copy_mode = r->mode;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", r->fs);
	for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		struct clone_fs *f = &c->src.fs[c->src.nfs++];
		char *mp = strchr(tok, ':');
		*mp++ = '\0';
		size_t l = strlen(mp);
		if (l && mp[l - 1] == '+') {
			f->have_params = 1;
			mp[--l] = '\0';
		}
		snprintf(f->fstype, sizeof(f->fstype), "%s", tok);
		snprintf(f->mountpoint, sizeof(f->mountpoint), "%s", strcmp(mp, "-") ? mp : "");
	}
}

static void list_rows(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		static struct clone c;
		setup(&c, &rows[i]);
		const char *list[16];
		size_t n = clone_helpers(&c, list, 16);
		char got[256] = "";
		for (size_t k = 0; k < n && k < 16; k++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? " " : "", list[k]);
		is_str(got, rows[i].want, rows[i].what);
	}
}

static void packages(void)
{
	const struct { const char *prog, *pkg; } p[] = {
		{ "lvm", "lvm2" }, { "mkfs.fat", "dosfstools" }, { "mke2fs", "e2fsprogs" },
		{ "e2fsck", "e2fsprogs" }, { "resize2fs", "e2fsprogs" }, { "tune2fs", "e2fsprogs" },
		{ "mkswap", "util-linux" }, { "/usr/local/sbin/lvm", "lvm2" }, { "cp", NULL },
	};
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		char title[128];
		snprintf(title, sizeof(title), "%s comes with %s", p[i].prog, p[i].pkg ? p[i].pkg : "(none known)");
		is_str(clone_helper_package(p[i].prog), p[i].pkg, title);
	}
}

/* A PATH of one directory holding every helper but one: the check names
 * the missing one and its package. */
static void check(void)
{
	char dir[] = "/tmp/clone-helpers-XXXXXX", p[256];
	if (!mkdtemp(dir))
		abort();
	char *old_path = strdup(getenv("PATH") ? getenv("PATH") : "/bin:/usr/bin");
	const char *have[] = { "lvm", "mke2fs", "tune2fs", "e2fsck", "resize2fs", "mkswap" };
	for (size_t i = 0; i < sizeof(have) / sizeof(have[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, have[i]);
		int fd = open(p, O_WRONLY | O_CREAT, 0755);
		close(fd);
	}
	setenv("PATH", dir, 1);
	unsetenv("ALTKIT_LVM");
	static struct clone c;
	setup(&c, &rows[2]);
	struct err e;
	is_int(clone_check_helpers(&c, &e), -ENOENT, "mkfs.fat missing: -ENOENT");
	is_str(e.msg, "mkfs.fat is not installed (not found in PATH): it comes with dosfstools", "...in one line");
	setup(&c, &rows[0]);
	is_int(clone_check_helpers(&c, &e), 0, "phases 2 and 3 need no mkfs.fat");
	snprintf(p, sizeof(p), "%s/mkfs.fat", dir);
	mkdir(p, 0755);
	setup(&c, &rows[2]);
	is_int(clone_check_helpers(&c, &e), -EACCES, "a directory called mkfs.fat: -EACCES");
	is_str(e.msg, "mkfs.fat is not installed (no executable file of that name in PATH): it comes with dosfstools",
	       "...saying so");
	rmdir(p);
	int fd = open(p, O_WRONLY | O_CREAT, 0755);
	close(fd);
	is_int(clone_check_helpers(&c, &e), 0, "every helper there: 0");
	setenv("ALTKIT_LVM", "/nonexistent/lvm", 1);
	is_int(clone_check_helpers(&c, &e), -ENOENT, "ALTKIT_LVM: that path is checked, not PATH's lvm");
	is_str(e.msg, "/nonexistent/lvm is not installed (no such file): it comes with lvm2", "...by its path");
	snprintf(p, sizeof(p), "%s/lvm", dir);
	setenv("ALTKIT_LVM", p, 1);
	const char *list[16];
	clone_helpers(&c, list, 16);
	is_str(list[0], p, "ALTKIT_LVM's path is the lvm listed");
	is_int(clone_check_helpers(&c, &e), 0, "...and found");
	unsetenv("ALTKIT_LVM");
	setenv("PATH", old_path, 1);
	free(old_path);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	if (system(p) != 0)
		abort();
}

int main(void)
{
	list_rows();
	packages();
	check();
	return done_testing();
}
