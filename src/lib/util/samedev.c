/* Do two paths reach the same storage? Each path is expanded into the
 * pieces at the bottom of its stack: files (st_dev, st_ino) and byte ranges
 * of block devices that have nothing below them. A loop device becomes its
 * backing file (at its offset), a partition a range of its whole disk, a dm
 * or md device each of its slaves (whole). A regular file on a block device
 * also covers that device, "weakly": two files of one filesystem do not
 * overlap, but a file and the device under it do. See samedev.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "samedev.h"

enum { MAX_PIECES = 64, MAX_DEPTH = 8 };
#define ALL UINT64_MAX

struct piece {
	int file;               /* 1: (dev, ino) of a file; 0: range of block device dev */
	dev_t dev;
	ino_t ino;
	uint64_t start, len;
	int weak;               /* reached as the device a file lives on */
	char via[96];           /* the first step, for the message */
};

struct pieces {
	struct piece p[MAX_PIECES];
	size_t n;
};

static const char *sysfs = "/sys";

void samedev_set_sysfs(const char *root)
{
	sysfs = root ? root : "/sys";
}

static void add(struct pieces *ps, const struct piece *p)
{
	if (ps->n < MAX_PIECES)
		ps->p[ps->n++] = *p;
}

/* The first line of a sysfs file, without its newline; 0 or -1. */
static int sys_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int sys_u64(const char *dir, const char *name, uint64_t *v)
{
	char path[PATH_MAX], buf[64];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (sys_read(path, buf, sizeof(buf)) < 0)
		return -1;
	char *end;
	*v = strtoull(buf, &end, 10);
	return end == buf ? -1 : 0;
}

static int sys_dev(const char *path, dev_t *dev)
{
	char buf[64];
	unsigned ma, mi;
	if (sys_read(path, buf, sizeof(buf)) < 0 || sscanf(buf, "%u:%u", &ma, &mi) != 2)
		return -1;
	*dev = makedev(ma, mi);
	return 0;
}

static uint64_t clip(uint64_t len, uint64_t room)
{
	return len < room ? len : room;
}

static void add_block(struct pieces *ps, dev_t dev, uint64_t start, uint64_t len, int weak,
		      int depth, const char *via);

static void add_file(struct pieces *ps, const struct stat *st, uint64_t start, uint64_t len,
		     int weak, int depth, const char *via)
{
	struct piece p = { .file = 1, .dev = st->st_dev, .ino = st->st_ino, .start = start,
			   .len = len, .weak = weak };
	snprintf(p.via, sizeof(p.via), "%s", via);
	add(ps, &p);
	/* The device the file lives on (none for tmpfs, procfs, ...). */
	add_block(ps, st->st_dev, 0, ALL, 1, depth + 1, via);
}

/* A loop device: its backing file, from offset on. 0, or -1 when it has none. */
static int add_loop(struct pieces *ps, const char *dir, uint64_t start, uint64_t len, int weak,
		    int depth, const char *via)
{
	char path[PATH_MAX], file[PATH_MAX];
	uint64_t off = 0, limit = 0;
	snprintf(path, sizeof(path), "%s/loop/backing_file", dir);
	if (sys_read(path, file, sizeof(file)) < 0)
		return -1;      /* not bound */
	sys_u64(dir, "loop/offset", &off);
	sys_u64(dir, "loop/sizelimit", &limit);
	struct stat st;
	if (stat(file, &st) < 0)
		return -1;      /* deleted, or a name in another namespace */
	if (limit)
		len = clip(len, start < limit ? limit - start : 0);
	char v[96];
	snprintf(v, sizeof(v), "%s is backed by '%s'", via, file);
	add_file(ps, &st, off + start, len, weak, depth, v);
	return 0;
}

/* dm and md: each slave, all of it. 0, or -1 when there are none. */
static int add_slaves(struct pieces *ps, const char *dir, int weak, int depth, const char *via)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/slaves", dir);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int found = -1;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char dp[PATH_MAX + 300];
		dev_t sd;
		snprintf(dp, sizeof(dp), "%s/%s/dev", path, de->d_name);
		if (sys_dev(dp, &sd) < 0)
			continue;
		char v[96];
		snprintf(v, sizeof(v), "%s lies on '%s'", via, de->d_name);
		add_block(ps, sd, 0, ALL, weak, depth + 1, v);
		found = 0;
	}
	closedir(d);
	return found;
}

static void add_block(struct pieces *ps, dev_t dev, uint64_t start, uint64_t len, int weak,
		      int depth, const char *via)
{
	char link[PATH_MAX], dir[PATH_MAX];
	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sysfs, major(dev), minor(dev));
	if (!realpath(link, dir))
		return;         /* not a block device: a file on tmpfs, procfs, ... */
	if (depth < MAX_DEPTH) {
		if (add_loop(ps, dir, start, len, weak, depth, via) == 0)
			return;
		if (add_slaves(ps, dir, weak, depth, via) == 0)
			return;
		uint64_t pstart, psize;
		dev_t parent;
		char pdev[PATH_MAX + 8];
		snprintf(pdev, sizeof(pdev), "%s/../dev", dir);
		if (sys_u64(dir, "partition", &pstart) == 0 && sys_u64(dir, "start", &pstart) == 0 &&
		    sys_u64(dir, "size", &psize) == 0 && sys_dev(pdev, &parent) == 0) {
			psize *= 512;
			len = clip(len, start < psize ? psize - start : 0);
			add_block(ps, parent, pstart * 512 + start, len, weak, depth + 1, via);
			return;
		}
	}
	struct piece p = { .dev = dev, .start = start, .len = len, .weak = weak };
	snprintf(p.via, sizeof(p.via), "%s", via);
	add(ps, &p);
}

static int expand(const char *path, struct pieces *ps)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	char via[96];
	snprintf(via, sizeof(via), "'%.80s'", path);
	if (S_ISBLK(st.st_mode)) {
		add_block(ps, st.st_rdev, 0, ALL, 0, 0, via);
		/* a device sysfs does not know: itself */
		if (ps->n == 0)
			add(ps, &(struct piece){ .dev = st.st_rdev, .len = ALL });
	} else if (S_ISCHR(st.st_mode)) {
		add(ps, &(struct piece){ .file = 2, .dev = st.st_rdev, .len = ALL });
	} else {
		add_file(ps, &st, 0, ALL, 0, 0, via);
	}
	return 0;
}

static int overlap(const struct piece *x, const struct piece *y)
{
	if (x->weak && y->weak)
		return 0;
	if (x->file != y->file || x->dev != y->dev || (x->file == 1 && x->ino != y->ino))
		return 0;
	uint64_t xe = x->len > UINT64_MAX - x->start ? UINT64_MAX : x->start + x->len;
	uint64_t ye = y->len > UINT64_MAX - y->start ? UINT64_MAX : y->start + y->len;
	return x->start < ye && y->start < xe;
}

int samedev(const char *a, const char *b, char *how, size_t len, struct err *e)
{
	struct pieces *pa = calloc(2, sizeof(*pa));
	if (!pa)
		return err_errno(e, -ENOMEM, "comparing '%s' and '%s'", a, b);
	struct pieces *pb = pa + 1;
	int rc = expand(a, pa);
	if (rc < 0) {
		free(pa);
		return err_errno(e, rc, "'%s'", a);
	}
	expand(b, pb);          /* a target that does not exist overlaps nothing */
	rc = 0;
	for (size_t i = 0; i < pa->n && !rc; i++)
		for (size_t j = 0; j < pb->n && !rc; j++)
			if (overlap(&pa->p[i], &pb->p[j])) {
				rc = 1;
				if (how && len)
					snprintf(how, len, "%s", strlen(pa->p[i].via) >= strlen(pb->p[j].via)
						 ? pa->p[i].via : pb->p[j].via);
			}
	free(pa);
	return rc;
}
