/* Used-block copy of an ext2/3/4 filesystem: the block bitmap (libext2fs)
 * says which blocks hold anything; runs of them are copied with large
 * reads and writes, a reader thread ahead of the writing one. See extfs.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ext2fs/ext2fs.h>

#include "extfs.h"
#include "extfs_int.h"
#include "samedev.h"
#include "writeback.h"
#include "xalloc.h"

#define CHUNK (4u << 20)                /* bytes per read and write */
#define NBUF 4                          /* chunks in flight */
#define GAP (256u << 10)                /* free runs shorter than this are copied along */
#define PREFIX (1u << 20)               /* always copied: no stale signature survives */
#define ALIGN 4096u                     /* O_DIRECT offsets, lengths and buffers */

/* The byte ranges to copy, in order: the prefix, then the used runs of the
 * bitmap with short gaps merged, or everything. */
struct extents {
	ext2fs_block_bitmap bmap;
	uint64_t bs, first, last;       /* blocks first..last (inclusive) are in the bitmap */
	uint64_t fs_bytes;
	uint64_t next;                  /* next block to look at */
	int prefix_done, whole;
	uint64_t align;                 /* round ranges out to this (1: none) */
};

static int next_extent(struct extents *x, uint64_t *off, uint64_t *len)
{
	uint64_t s, e;
	if (x->whole) {
		if (x->prefix_done)
			return 0;
		x->prefix_done = 1;
		*off = 0;
		*len = x->fs_bytes;
		return 1;
	}
	uint64_t pre = x->fs_bytes < PREFIX ? x->fs_bytes : PREFIX;
	if (!x->prefix_done) {
		x->prefix_done = 1;
		x->next = (pre + x->bs - 1) / x->bs;
		if (x->next < x->first)
			x->next = x->first;
		s = 0;
		e = pre;
	} else {
		blk64_t b, z;
		if (x->next > x->last ||
		    ext2fs_find_first_set_block_bitmap2(x->bmap, x->next, x->last, &b) != 0)
			return 0;
		if (ext2fs_find_first_zero_block_bitmap2(x->bmap, b, x->last, &z) != 0)
			z = x->last + 1;
		s = b * x->bs;
		e = z * x->bs;
		x->next = z;
	}
	/* Merge what follows closely. */
	uint64_t gap = GAP / x->bs;
	while (x->next <= x->last) {
		blk64_t b, z;
		uint64_t lim = x->next + gap;
		if (lim > x->last)
			lim = x->last;
		if (ext2fs_find_first_set_block_bitmap2(x->bmap, x->next, lim, &b) != 0)
			break;
		if (ext2fs_find_first_zero_block_bitmap2(x->bmap, b, x->last, &z) != 0)
			z = x->last + 1;
		e = z * x->bs;
		x->next = z;
	}
	s = s / x->align * x->align;
	e = (e + x->align - 1) / x->align * x->align;
	if (e > x->fs_bytes)
		e = x->fs_bytes;
	*off = s;
	*len = e - s;
	return 1;
}

struct slot {
	unsigned char *buf;
	uint64_t off;
	size_t len;
};

struct copier {
	int src, dst;                   /* the descriptors for aligned I/O */
	int src_b, dst_b;               /* buffered ones for an unaligned tail (or = src, dst) */
	struct extents x;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot slot[NBUF];
	unsigned head, count;           /* next slot to write; slots filled */
	int done, stop;
	int err;                        /* first error (negative errno) */
	uint64_t err_off;
	int err_dst;
	int src_direct, dst_direct;     /* src, dst were opened O_DIRECT */
};

static int pread_full(int fd, unsigned char *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;    /* the source ends before its filesystem does */
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int pwrite_full(int fd, const unsigned char *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENOSPC;
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int aligned(uint64_t off, size_t len)
{
	return off % ALIGN == 0 && len % ALIGN == 0;
}

static void fail(struct copier *c, int err, uint64_t off, int dst)
{
	pthread_mutex_lock(&c->mu);
	if (!c->err) {
		c->err = err;
		c->err_off = off;
		c->err_dst = dst;
	}
	c->stop = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static void *reader(void *arg)
{
	struct copier *c = arg;
	unsigned tail = 0;
	uint64_t off, len;
	struct extents *x = &c->x;
	x->prefix_done = 0;
	while (next_extent(x, &off, &len)) {
		while (len) {
			size_t n = len < CHUNK ? (size_t)len : CHUNK;
			pthread_mutex_lock(&c->mu);
			while (c->count == NBUF && !c->stop)
				pthread_cond_wait(&c->cv, &c->mu);
			int stop = c->stop;
			pthread_mutex_unlock(&c->mu);
			if (stop)
				return NULL;
			struct slot *s = &c->slot[tail];
			int fd = aligned(off, n) ? c->src : c->src_b;
			int rc = pread_full(fd, s->buf, n, off);
			if (rc) {
				fail(c, rc, off, 0);
				return NULL;
			}
			s->off = off;
			s->len = n;
			pthread_mutex_lock(&c->mu);
			c->count++;
			pthread_cond_broadcast(&c->cv);
			pthread_mutex_unlock(&c->mu);
			tail = (tail + 1) % NBUF;
			off += n;
			len -= n;
		}
	}
	pthread_mutex_lock(&c->mu);
	c->done = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* Open a descriptor, with O_DIRECT when asked and the file allows it. */
static int open_maybe_direct(const char *path, int flags, int direct, int *is_direct)
{
	*is_direct = 0;
	if (direct) {
		int fd = open(path, flags | O_DIRECT | O_CLOEXEC);
		if (fd >= 0) {
			*is_direct = 1;
			return fd;
		}
		if (errno != EINVAL)
			return -errno;
	}
	int fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int dev_size(int fd, const struct stat *st, uint64_t *size)
{
	if (S_ISBLK(st->st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, size) < 0)
			return -errno;
		return 0;
	}
	*size = (uint64_t)st->st_size;
	return 0;
}

/* The size of the source (0 when it cannot be told). */
static uint64_t src_size(const char *src)
{
	struct stat ss;
	uint64_t size = 0;
	int fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &ss) < 0 || dev_size(fd, &ss, &size) < 0)
		size = 0;
	close(fd);
	return size;
}

/* What can be refused before anything is opened: src and dst the same,
 * src mounted read-write, dst not a block device or file, or mounted. 0 or
 * a negative code (st->err_dst set when dst is at fault). */
static int check_pair(const char *src, const char *dst, struct stat *ds,
		      struct extfs_copy_stats *st)
{
	struct stat ss;
	if (stat(src, &ss) < 0)
		return -errno;
	if (stat(dst, ds) < 0) {
		st->err_dst = 1;
		return -errno;
	}
	if (!S_ISBLK(ds->st_mode) && !S_ISREG(ds->st_mode)) {
		st->err_dst = 1;
		return -EXTFS_E_NOT_BLOCK_OR_FILE;
	}
	/* Two names of one storage: a link, a loop device on the image, a
	 * partition of the disk, a dm device on it. */
	int same = samedev(src, dst, st->same_how, sizeof(st->same_how), NULL);
	if (same < 0)
		return same;
	if (same)
		return -EXTFS_E_SAME;

	int mflags = 0;
	if (ext2fs_check_if_mounted(src, &mflags) == 0 && (mflags & EXT2_MF_MOUNTED) &&
	    !(mflags & EXT2_MF_READONLY))
		return -EXTFS_E_MOUNTED_RW;
	mflags = 0;
	if (ext2fs_check_if_mounted(dst, &mflags) == 0 && (mflags & EXT2_MF_MOUNTED)) {
		st->err_dst = 1;
		return -EBUSY;
	}
	return 0;
}

/* The extents of fs: its geometry, and its block bitmap unless every block
 * is copied (the journal needs recovery, so the bitmap may be stale). */
static int extents_init(struct extents *x, ext2_filsys fs, struct extfs_copy_stats *st)
{
	x->bs = fs->blocksize;
	x->first = fs->super->s_first_data_block;
	x->last = ext2fs_blocks_count(fs->super) - 1;
	x->fs_bytes = ext2fs_blocks_count(fs->super) * fs->blocksize;
	x->whole = ext2fs_has_feature_journal_needs_recovery(fs->super);
	x->align = 1;
	st->fs_bytes = x->fs_bytes;
	st->whole = x->whole;
	if (!x->whole)
		x->bmap = fs->block_map;
	return 0;
}

static int damaged(struct extfs_copy_stats *st, const char *what, errcode_t code)
{
	st->damage = what;
	st->damage_code = (long)code;
	return -EXTFS_E_DAMAGED;
}

/* A block copy trusts the bitmaps blindly: a filesystem whose superblock,
 * group descriptors or bitmaps do not check is refused (e2fsck or a
 * file-level copy is the way), never copied into a clone that looks fine.
 * The checks are libext2fs's own, as e2fsck makes them first. */
static int check_fs(ext2_filsys fs, uint64_t src_bytes, struct extfs_copy_stats *st)
{
	struct ext2_super_block *sb = fs->super;
	uint64_t blocks = ext2fs_blocks_count(sb);
	if (sb->s_first_data_block >= blocks || ext2fs_free_blocks_count(sb) > blocks ||
	    sb->s_free_inodes_count > sb->s_inodes_count || sb->s_inodes_count == 0)
		return damaged(st, "its superblock's counts do not check", EXT2_ET_CORRUPT_SUPERBLOCK);
	if (src_bytes && blocks * fs->blocksize > src_bytes)
		return damaged(st, "it is truncated (the filesystem is bigger than the device or file)",
			       EXT2_ET_SHORT_READ);
	errcode_t e = ext2fs_check_desc(fs);
	if (e)
		return damaged(st, "its group descriptors do not check", e);
	/* With a journal to replay every block is copied and the bitmaps may
	 * be caught between two checkpoints (a live snapshot): not read. */
	if (ext2fs_has_feature_journal_needs_recovery(sb))
		return 0;
	e = ext2fs_read_bitmaps(fs);
	if (e)
		return damaged(st, "its bitmaps cannot be read", e);
	return 0;
}

/* Open src and dst (O_DIRECT when asked and possible, with buffered twins
 * for unaligned tails). 0 or a negative code; c's descriptors are closed by
 * close_copier() either way. */
static int open_copier(struct copier *c, const char *src, const char *dst,
		       const struct stat *ds, int direct, struct extfs_copy_stats *st)
{
	int rc = open_maybe_direct(src, O_RDONLY, direct, &c->src_direct);
	if (rc < 0)
		return rc;
	c->src = c->src_b = rc;
	/* O_EXCL on a block device: refused while it is mounted or held. */
	rc = open_maybe_direct(dst, O_WRONLY | (S_ISBLK(ds->st_mode) ? O_EXCL : 0), direct,
			       &c->dst_direct);
	if (rc < 0) {
		st->err_dst = 1;
		return rc;
	}
	c->dst = c->dst_b = rc;
	if (c->src_direct) {
		c->src_b = open(src, O_RDONLY | O_CLOEXEC);
		if (c->src_b < 0)
			return -errno;
	}
	if (c->dst_direct) {
		c->dst_b = open(dst, O_WRONLY | O_CLOEXEC);
		if (c->dst_b < 0) {
			st->err_dst = 1;
			return -errno;
		}
	}
	if (c->src_direct || c->dst_direct)
		c->x.align = ALIGN;
	return 0;
}

static void close_copier(struct copier *c)
{
	if (c->src_b >= 0 && c->src_b != c->src)
		close(c->src_b);
	if (c->src >= 0)
		close(c->src);
	if (c->dst_b >= 0 && c->dst_b != c->dst)
		close(c->dst_b);
	if (c->dst >= 0)
		close(c->dst);
}

/* dst must hold the filesystem: a block device or file big enough, or an
 * empty file, grown to its size. A smaller file that holds something is
 * refused like a smaller device: it may be a mistyped name, and growing it
 * would silently keep a file of another size than the user gave. */
static int fit_dst(struct copier *c, const struct stat *ds, struct extfs_copy_stats *st)
{
	uint64_t dsize;
	int rc = dev_size(c->dst, ds, &dsize);
	st->dst_bytes = dsize;
	if (rc == 0 && dsize < c->x.fs_bytes) {
		if (S_ISBLK(ds->st_mode) || dsize > 0)
			rc = -EXTFS_E_TOO_SMALL;
		else if (ftruncate(c->dst, (off_t)c->x.fs_bytes) < 0)
			rc = -errno;
	}
	if (rc)
		st->err_dst = 1;
	return rc;
}

/* The writing side: write each slot the reader filled, in order, until the
 * reader is done or either side fails (or the caller cancels). */
static void write_slots(struct copier *c, const struct extfs_copy_opts *o,
			struct extfs_copy_stats *st)
{
	unsigned head = 0;
	/* buffered writes go to writeback at once and count as done (for
	 * the progress line) once on the disk; the page cache of a live
	 * system is not flooded (lib/util/writeback.h) */
	struct writeback wb;
	writeback_init(&wb, c->dst_b, true);
	uint64_t on_disk = 0;
	for (;;) {
		pthread_mutex_lock(&c->mu);
		while (c->count == 0 && !c->done && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		int have = c->count > 0 && !c->stop;
		pthread_mutex_unlock(&c->mu);
		if (!have)
			break;
		struct slot *s = &c->slot[head];
		int fd = aligned(s->off, s->len) ? c->dst : c->dst_b;
		int wrc = pwrite_full(fd, s->buf, s->len, s->off);
		if (!wrc && fd == c->dst && c->dst_direct) {
			on_disk += s->len;
		} else if (!wrc) {
			int64_t done = writeback_add(&wb, s->off, s->len);
			if (done < 0)
				wrc = (int)done;
			else
				on_disk += (uint64_t)done;
		}
		if (wrc) {
			fail(c, wrc, s->off, 1);
			break;
		}
		if (!c->src_direct)
			posix_fadvise(c->src_b, (off_t)s->off, (off_t)s->len, POSIX_FADV_DONTNEED);
		st->copied += s->len;
		pthread_mutex_lock(&c->mu);
		c->count--;
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
		head = (head + 1) % NBUF;
		if (o->progress)
			o->progress(o->arg, on_disk, st->total);
		if (o->cancel && *o->cancel) {
			fail(c, -ECANCELED, s->off, 0);
			break;
		}
	}
	int64_t rest = writeback_finish(&wb);
	if (rest < 0) {
		fail(c, (int)rest, wb.off[0], 1);
	} else if (!c->err && o->progress) {
		on_disk += (uint64_t)rest;
		o->progress(o->arg, on_disk, st->total);
	}
}

/* The copy proper: the reader thread and the writing loop, then dst
 * flushed. 0 or the first error (st->err_offset, st->err_dst say where). */
static int run_copier(struct copier *c, const struct extfs_copy_opts *o,
		      struct extfs_copy_stats *st)
{
	for (int i = 0; i < NBUF; i++) {
		void *p;
		if (posix_memalign(&p, ALIGN, CHUNK) != 0)
			abort();
		c->slot[i].buf = p;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	pthread_t th;
	int rc = -pthread_create(&th, NULL, reader, c);
	if (rc == 0) {
		write_slots(c, o, st);
		pthread_join(th, NULL);
		rc = c->err;
		st->err_offset = c->err_off;
		st->err_dst = c->err_dst;
		if (!rc && !(o->flags & EXTFS_COPY_NO_SYNC)) {
			if (fdatasync(c->dst) < 0 || (c->dst_b != c->dst && fdatasync(c->dst_b) < 0)) {
				rc = -errno;
				st->err_dst = 1;
			}
		}
	}
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	for (int i = 0; i < NBUF; i++)
		free(c->slot[i].buf);
	return rc;
}

int extfs_copy_used_blocks(const char *src, const char *dst, const struct extfs_copy_opts *o,
			   struct extfs_copy_stats *st)
{
	static const struct extfs_copy_opts none;
	struct extfs_copy_stats dummy;
	if (!o)
		o = &none;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));

	struct stat ds;
	int rc = check_pair(src, dst, &ds, st);
	if (rc)
		return rc;
	ext2_filsys fs;
	rc = extfs_open_ro(src, 0, &fs);
	if (rc)
		return rc;
	struct copier c;
	memset(&c, 0, sizeof(c));
	c.src = c.dst = c.src_b = c.dst_b = -1;
	rc = check_fs(fs, src_size(src), st);
	if (!rc)
		rc = extents_init(&c.x, fs, st);
	if (rc) {
		ext2fs_close_free(&fs);
		return rc;
	}

	/* The superblock as it is now, to see at the end whether it changed. */
	unsigned char sb_before[1024], sb_after[1024];
	rc = open_copier(&c, src, dst, &ds, (o->flags & EXTFS_COPY_DIRECT) != 0, st);
	if (!rc)
		rc = pread_full(c.src_b, sb_before, sizeof(sb_before), 1024);
	if (!rc)
		rc = fit_dst(&c, &ds, st);
	if (!rc) {
		if (!c.src_direct)
			posix_fadvise(c.src, 0, 0, POSIX_FADV_SEQUENTIAL);
		/* First pass: how much there is to copy. */
		uint64_t off, len;
		c.x.prefix_done = 0;
		while (next_extent(&c.x, &off, &len)) {
			st->total += len;
			st->runs++;
		}
		rc = run_copier(&c, o, st);
	}
	if (!rc) {
		rc = pread_full(c.src_b, sb_after, sizeof(sb_after), 1024);
		if (!rc && memcmp(sb_before, sb_after, sizeof(sb_before)) != 0)
			rc = -EXTFS_E_CHANGED;
	}
	if (rc > 0)
		rc = 0;
	close_copier(&c);
	ext2fs_close_free(&fs);
	return rc;
}
