/* src/lib/util/samedev.c: do two paths reach the same storage? Files, links,
 * loop devices on files (real ones, made here with the loop ioctls), and
 * partitions and dm devices through a made-up sysfs with block nodes
 * (mknod) of numbers no real device has. Needs root for the loops and nodes. */
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "samedev.h"
#include "tap.h"

static char dir[] = "/tmp/samedev-XXXXXX";
static char loops[2][32];

static void path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void make_file(const char *name, size_t size)
{
	char p[256];
	path(p, sizeof(p), name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		abort();
	close(fd);
}

/* A loop device on file at offset, its name into loops[i]; 0 or -1. */
static int make_loop(int i, const char *file, uint64_t offset, uint64_t limit)
{
	char p[256];
	path(p, sizeof(p), file);
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -1;
	int n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	if (n < 0)
		return -1;
	snprintf(loops[i], sizeof(loops[i]), "/dev/loop%d", n);
	int lfd = open(loops[i], O_RDWR | O_CLOEXEC), ffd = open(p, O_RDWR | O_CLOEXEC);
	int rc = lfd >= 0 && ffd >= 0 && ioctl(lfd, LOOP_SET_FD, ffd) == 0 ? 0 : -1;
	if (rc == 0) {
		struct loop_info64 li = { .lo_offset = offset, .lo_sizelimit = limit };
		if (ioctl(lfd, LOOP_SET_STATUS64, &li) < 0)
			rc = -1;
	}
	if (ffd >= 0)
		close(ffd);
	if (lfd >= 0)
		close(lfd);
	if (rc < 0)
		loops[i][0] = 0;
	return rc;
}

static void drop_loops(void)
{
	for (int i = 0; i < 2; i++)
		if (loops[i][0]) {
			int fd = open(loops[i], O_RDWR | O_CLOEXEC);
			if (fd >= 0) {
				ioctl(fd, LOOP_CLR_FD, 0);
				close(fd);
			}
		}
}

static void put(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/sys/%s", dir, rel);
	FILE *f = fopen(p, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static void mk(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/sys/%s", dir, rel);
	char *s = p + strlen(dir) + 1;
	for (char *q = strchr(s, '/'); q; q = strchr(q + 1, '/')) {
		*q = 0;
		mkdir(p, 0755);
		*q = '/';
	}
	mkdir(p, 0755);
}

static void lnk(const char *target, const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/sys/%s", dir, rel);
	if (symlink(target, p) < 0)
		abort();
}

static void node(const char *name, unsigned ma, unsigned mi)
{
	char p[256];
	path(p, sizeof(p), name);
	if (mknod(p, S_IFBLK | 0600, makedev(ma, mi)) < 0)
		abort();
}

/* A fake sysfs: disk fk (250:0) with partitions fk1 (250:1, sectors
 * 2048+2048) and fk2 (250:2, 4096+2048), dm-9 (251:9) on fk2, and a
 * second disk fl (250:16). */
static void fake_sysfs(void)
{
	mk("devices/fk/fk1");
	mk("devices/fk/fk2");
	mk("devices/fl");
	mk("devices/dm-9/slaves");
	mk("dev/block");
	put("devices/fk/dev", "250:0\n");
	put("devices/fk/fk1/dev", "250:1\n");
	put("devices/fk/fk1/partition", "1\n");
	put("devices/fk/fk1/start", "2048\n");
	put("devices/fk/fk1/size", "2048\n");
	put("devices/fk/fk2/dev", "250:2\n");
	put("devices/fk/fk2/partition", "2\n");
	put("devices/fk/fk2/start", "4096\n");
	put("devices/fk/fk2/size", "2048\n");
	put("devices/fl/dev", "250:16\n");
	put("devices/dm-9/dev", "251:9\n");
	lnk("../../fk/fk2", "devices/dm-9/slaves/fk2");
	lnk("../../devices/fk", "dev/block/250:0");
	lnk("../../devices/fk/fk1", "dev/block/250:1");
	lnk("../../devices/fk/fk2", "dev/block/250:2");
	lnk("../../devices/fl", "dev/block/250:16");
	lnk("../../devices/dm-9", "dev/block/251:9");
	node("fk", 250, 0);
	node("fk1", 250, 1);
	node("fk2", 250, 2);
	node("fl", 250, 16);
	node("dm9", 251, 9);
}

struct row {
	const char *a, *b;
	int want;
	const char *what;
};

static void run_rows(const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char a[256], b[256], name[256];
		if (rows[i].a[0] == '/')
			snprintf(a, sizeof(a), "%s", rows[i].a);
		else
			path(a, sizeof(a), rows[i].a);
		if (rows[i].b[0] == '/')
			snprintf(b, sizeof(b), "%s", rows[i].b);
		else
			path(b, sizeof(b), rows[i].b);
		snprintf(name, sizeof(name), "%s: %d", rows[i].what, rows[i].want);
		struct err e;
		is_int(samedev(a, b, NULL, 0, &e), rows[i].want, name);
		snprintf(name, sizeof(name), "%s (the other way): %d", rows[i].what, rows[i].want);
		if (rows[i].want >= 0)
			is_int(samedev(b, a, NULL, 0, &e), rows[i].want, name);
	}
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	make_file("a.img", 1 << 20);
	make_file("b.img", 1 << 20);
	char p[256], q[256];
	path(p, sizeof(p), "a.img");
	path(q, sizeof(q), "hard.img");
	ok(link(p, q) == 0, "a hard link");
	path(q, sizeof(q), "sym.img");
	ok(symlink("a.img", q) == 0, "a symlink");
	static const struct row files[] = {
		{ "a.img", "a.img", 1, "a file and itself" },
		{ "a.img", "hard.img", 1, "a file and its hard link" },
		{ "a.img", "sym.img", 1, "a file and a symlink to it" },
		{ "a.img", "b.img", 0, "two files" },
	};
	run_rows(files, sizeof(files) / sizeof(files[0]));
	struct err e;
	ok(samedev("/nonexistent/x", p, NULL, 0, &e) == -ENOENT, "a missing first path is an error");
	path(q, sizeof(q), "new.img");
	ok(samedev(p, q, NULL, 0, &e) == 0, "a missing second path (a new target) overlaps nothing");

	/* Real loop devices: one on a.img, one on b.img at 512 KiB. */
	if (make_loop(0, "a.img", 0, 0) == 0 && make_loop(1, "b.img", 512 << 10, 0) == 0) {
		const struct row lr[] = {
			{ loops[0], "a.img", 1, "a loop device and its backing file" },
			{ loops[0], "hard.img", 1, "a loop device and a hard link to its file" },
			{ loops[0], "b.img", 0, "a loop device and another file" },
			{ loops[0], loops[1], 0, "two loop devices on two files" },
			{ loops[1], "b.img", 1, "a loop device at an offset and its file" },
			{ loops[0], loops[0], 1, "a loop device and itself" },
		};
		run_rows(lr, sizeof(lr) / sizeof(lr[0]));
		char how[128] = "";
		samedev(loops[0], p, how, sizeof(how), &e);
		ok(strstr(how, "is backed by") != NULL, "the link is said: is backed by");
	} else {
		ok(0, "loop devices could be made (root, /dev/loop-control)");
	}
	drop_loops();

	fake_sysfs();
	char sys[256];
	path(sys, sizeof(sys), "sys");
	samedev_set_sysfs(sys);
	static const struct row parts[] = {
		{ "fk", "fk1", 1, "a disk and its partition" },
		{ "fk1", "fk2", 0, "two partitions of one disk" },
		{ "fk", "fl", 0, "two disks" },
		{ "dm9", "fk2", 1, "a dm device and its slave" },
		{ "dm9", "fk", 1, "a dm device and the disk under its slave" },
		{ "dm9", "fk1", 0, "a dm device and another partition" },
		{ "fl", "fk1", 0, "a disk and another disk's partition" },
	};
	run_rows(parts, sizeof(parts) / sizeof(parts[0]));
	samedev_set_sysfs(NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (system(cmd) != 0)
		ok(0, "cleaning up");
	return done_testing();
}
