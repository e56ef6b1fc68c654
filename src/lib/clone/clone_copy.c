/* Copying one filesystem of the source to its LV on the clone: file by
 * file (copytree), through the used-block bitmap (ext), or block for block
 * (a filesystem altkit does not copy file by file). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clone.h"
#include "intree.h"
#include "run.h"
#include "xalloc.h"

void clone_wait_for_node(const char *dev)
{
	for (int i = 0; i < 100 && access(dev, F_OK) < 0; i++)
		usleep(50000);
}

int clone_mount_fs(const char *mountpoint, const char *fstype, const char *dev, struct err *e)
{
	const char *type = strncmp(fstype, "ext", 3) == 0 ? "ext4" : fstype;
	int rc;
	if (strcmp(mountpoint, "/") == 0) {
		mkdir(ALTINST_MNT, 0755);
		rc = mount(dev, ALTINST_MNT, type, 0, NULL) < 0 ? -errno : 0;
	} else {
		/* inside the clone: a symlink there must not lead the mount out */
		intree_mkdir(ALTINST_MNT, mountpoint, 0755);
		rc = intree_mount(ALTINST_MNT, mountpoint, dev, type, 0, NULL);
	}
	if (rc < 0)
		return err_errno(e, rc, "mounting '%s' on '%s%s'", dev, ALTINST_MNT, mountpoint);
	return 0;
}

/* The used-block copy's progress, as counters a progress line can read. */
struct blocks_done {
	atomic_uint_fast64_t bytes, total;
	atomic_int flushing;
};

static void on_blocks(void *arg, uint64_t done, uint64_t total)
{
	struct blocks_done *bd = arg;
	atomic_store(&bd->total, total);
	atomic_store(&bd->bytes, done);
	atomic_store(&bd->flushing, done >= total);
}

/* Copy an ext filesystem through its used-block bitmap, then give it a UUID
 * of its own and grow it to the LV. */
int clone_copy_used_blocks(const struct clone *c, const struct clone_fs *f, const char *dev, struct err *e)
{
	struct extfs_copy_stats st;
	struct blocks_done bd = { 0 };
	struct extfs_copy_opts o = { .progress = on_blocks, .arg = &bd };
	struct clone_copying cp = { f->mountpoint, "used blocks", &bd.total, &bd.bytes, NULL, &bd.flushing };
	if (c->rep && c->rep->copy_start)
		c->rep->copy_start(c->rep->arg, &cp);
	int rc = extfs_copy_used_blocks(f->src_dev, dev, &o, &st);
	if (c->rep && c->rep->copy_end)
		c->rep->copy_end(c->rep->arg);
	if (rc < 0)
		return err_set(e, rc, "copying '%s' block for block: %s", f->src_dev,
			       rc <= -EXTFS_E_BASE ? extfs_strerror(-rc) : strerror(-rc));
	char ***argvs;
	if (extfs_postcopy_argvs(&f->params, dev, f->clone_size, 1, NULL, &argvs) < 0)
		return err_set(e, -EINVAL, "'%s': cannot plan the steps after the block copy", dev);
	for (size_t i = 0; argvs[i] && rc == 0; i++)
		rc = run_checked("finishing the block copy", argvs[i], e);
	extfs_argvs_free(argvs);
	if (rc == 0)
		clone_say(c, "copied %s through its used blocks: %llu MiB", f->mountpoint,
			  (unsigned long long)(st.copied >> 20));
	return rc;
}

struct copy_ctx {
	const struct clone_report *rep;
	const char *fs;
};

static void copy_report(void *arg, const struct copytree_report *r)
{
	struct copy_ctx *c = arg;
	char msg[1200];
	switch (r->kind) {
	case CT_COPIED:
		if (c->rep && c->rep->copied)
			c->rep->copied(c->rep->arg, r->path);
		break;
	case CT_ERROR:
	case CT_FATAL:
		snprintf(msg, sizeof(msg), "%s: cannot %s '%s'%s%s: %s", c->fs, r->op, r->path, r->detail ? " " : "",
			 r->detail ? r->detail : "",
			 r->err >= 4096 ? copytree_strerror(r->err) : strerror(r->err));
		if (c->rep && c->rep->warn)
			c->rep->warn(c->rep->arg, msg);
		break;
	default:
		break;
	}
}

int clone_copy_files(const struct clone *c, const struct clone_fs *f, const char *dst, struct err *e)
{
	struct copytree_stats stats;
	memset(&stats, 0, sizeof(stats));
	struct copy_ctx ctx = { c->rep, f->mountpoint };
	/* exclude patterns are paths from the source's root, "./var/..." */
	char match_root[300];
	snprintf(match_root, sizeof(match_root), ".%s", strcmp(f->mountpoint, "/") ? f->mountpoint : "");
	struct copytree_opts co = {
		.src = f->src_dir, .dst = dst, .exclude = c->o.exclude, .match_root = match_root,
		.flags = COPYTREE_FORCE, .report = copy_report, .arg = &ctx,
	};
	if (c->o.verbose)
		co.flags |= COPYTREE_VERBOSE;
	atomic_uint_fast64_t total = f->used;
	struct clone_copying cp = { f->mountpoint, "files", &total, &stats.bytes, &stats.files,
				    &stats.flushing };
	if (c->rep && c->rep->copy_start)
		c->rep->copy_start(c->rep->arg, &cp);
	int rc = copytree(&co, &stats);
	if (c->rep && c->rep->copy_end)
		c->rep->copy_end(c->rep->arg);
	if (rc < 0 || atomic_load(&stats.failures) > 0)
		return err_set(e, -EIO, "copying '%s' failed: %llu entries not copied", f->mountpoint,
			       (unsigned long long)atomic_load(&stats.failures));
	clone_say(c, "copied %s: %llu files, %llu MiB", f->mountpoint, (unsigned long long)atomic_load(&stats.files),
		  (unsigned long long)(atomic_load(&stats.bytes) >> 20));
	return 0;
}

static int write_all_at(int out, const char *buf, size_t n, uint64_t off)
{
	for (size_t w = 0; w < n;) {
		ssize_t k = pwrite(out, buf + w, n - w, (off_t)(off + w));
		if (k < 0)
			return -errno;
		w += (size_t)k;
	}
	return 0;
}

/* Copy a filesystem altkit does not copy file by file: block for block. */
int clone_copy_blocks(const char *from, const char *to, uint64_t size)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = open(to, O_WRONLY | O_CLOEXEC);
	int rc = 0;
	char *buf = xmalloc(4 << 20);
	if (in < 0 || out < 0)
		rc = -errno;
	for (uint64_t off = 0; rc == 0 && off < size;) {
		ssize_t n = pread(in, buf, 4 << 20, (off_t)off);
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		rc = write_all_at(out, buf, (size_t)n, off);
		off += (uint64_t)n;
	}
	if (!rc && fsync(out) < 0)
		rc = -errno;
	free(buf);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}
