/* dupopt's copy engine: reader thread, chunk ring, burn_source, verify. */
#include <errno.h>
#include <libburn/libburn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dupopt.h"
#include "dupopt_hash.h"
#include "isovd.h"
#include "optical_src.h"
#include "xalloc.h"

enum {
	SECTOR = 2048,
	RING = 4,                       /* chunks in flight */
	CHUNK_SECTORS = 512,            /* 1 MiB, a multiple of DUPOPT_HASH_SECTORS */
	PREFETCH = 8,                   /* chunks of reads kept in flight ahead */
};

enum slot_state { SLOT_EMPTY, SLOT_FULL, SLOT_FAILED };

struct slot {
	unsigned char *data;
	uint64_t lba;
	uint32_t n;
	enum slot_state state;
};

struct dupopt_ring {
	struct dupopt_copy *c;
	struct slot slots[RING];
	pthread_mutex_t lock;
	pthread_cond_t changed;
	pthread_t thread;
	int running;
	int stop;
	int failed;
	/* the consumer (libburn's thread) */
	uint64_t next_chunk;            /* index of the chunk being consumed */
	struct slot *cur;
	size_t off;
	off_t fixed_size;
	size_t bad_cap;
};

static void add_bad(struct dupopt_ring *r, uint64_t lba)
{
	struct dupopt_copy *c = r->c;
	if (c->nbad == r->bad_cap) {
		r->bad_cap = r->bad_cap ? 2 * r->bad_cap : 64;
		c->bad = xrealloc(c->bad, r->bad_cap * sizeof(*c->bad));
	}
	c->bad[c->nbad++] = lba;
}

/* One sector, with retries; 0 or -errno. */
static int read_one(struct dupopt_copy *c, uint64_t lba, unsigned char *buf)
{
	int rc = 0;
	for (int attempt = 0; attempt <= c->retries; attempt++) {
		rc = optical_src_read(c->src, lba, 1, buf);
		if (rc == 0 || rc == -ENODATA)
			break;  /* past the end of an image: no use trying again */
	}
	return rc;
}

static void apply_patches(const struct isovd_plan *plan, uint64_t lba, uint32_t n, unsigned char *data)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->npatches; i++) {
		const struct isovd_patch *p = &plan->patches[i];
		if (p->lba >= lba && p->lba < lba + n)
			memcpy(data + (p->lba - lba) * SECTOR, p->data, SECTOR);
	}
}

static void hash_chunk(struct dupopt_copy *c, uint64_t lba, uint32_t n, const unsigned char *data)
{
	for (uint32_t i = 0; i < n; i += DUPOPT_HASH_SECTORS) {
		uint32_t k = n - i < DUPOPT_HASH_SECTORS ? n - i : DUPOPT_HASH_SECTORS;
		c->hashes[(lba + i) / DUPOPT_HASH_SECTORS] =
			dupopt_xxh64(data + (size_t)i * SECTOR, (size_t)k * SECTOR, 0);
	}
}

/* Fill a chunk: 0, or -1 after a fatal read error (recorded in c). */
static int fill(struct dupopt_ring *r, struct slot *s)
{
	struct dupopt_copy *c = r->c;
	uint32_t step = optical_src_max_read(c->src);
	for (uint32_t i = 0; i < s->n; i += step) {
		uint32_t k = s->n - i < step ? s->n - i : step;
		unsigned char *p = s->data + (size_t)i * SECTOR;
		if (optical_src_read(c->src, s->lba + i, k, p) == 0)
			continue;
		/* find the bad sectors one by one */
		for (uint32_t j = 0; j < k; j++) {
			uint64_t lba = s->lba + i + j;
			int rc = read_one(c, lba, p + (size_t)j * SECTOR);
			if (rc == 0)
				continue;
			if (!c->allow_errors) {
				c->read_error = rc;
				c->read_error_lba = lba;
				return -1;
			}
			memset(p + (size_t)j * SECTOR, 0, SECTOR);
			add_bad(r, lba);
		}
	}
	apply_patches(c->plan, s->lba, s->n, s->data);
	if (c->hashes)
		hash_chunk(c, s->lba, s->n, s->data);
	return 0;
}

static void *reader(void *arg)
{
	struct dupopt_ring *r = arg;
	struct dupopt_copy *c = r->c;
	uint64_t chunk = 0;
	for (uint64_t lba = 0; lba < c->sectors; lba += CHUNK_SECTORS, chunk++) {
		struct slot *s = &r->slots[chunk % RING];
		pthread_mutex_lock(&r->lock);
		while (s->state != SLOT_EMPTY && !r->stop)
			pthread_cond_wait(&r->changed, &r->lock);
		int stop = r->stop;
		pthread_mutex_unlock(&r->lock);
		if (stop)
			break;
		s->lba = lba;
		s->n = c->sectors - lba < CHUNK_SECTORS ? (uint32_t)(c->sectors - lba) : CHUNK_SECTORS;
		if (chunk == 0)
			optical_src_prefetch(c->src, 0, (uint64_t)PREFETCH * CHUNK_SECTORS);
		else
			optical_src_prefetch(c->src, lba + (uint64_t)(PREFETCH - 1) * CHUNK_SECTORS, CHUNK_SECTORS);
		int rc = fill(r, s);
		pthread_mutex_lock(&r->lock);
		s->state = rc == 0 ? SLOT_FULL : SLOT_FAILED;
		if (rc < 0)
			r->failed = 1;
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
		if (rc < 0)
			break;
		__atomic_store_n(&c->read_sectors, lba + s->n, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* ---- the burn_source: libburn reads one sector per call ---- */

static int src_read(struct burn_source *bs, unsigned char *buf, int size)
{
	struct dupopt_ring *r = bs->data;
	struct dupopt_copy *c = r->c;
	int done = 0;
	while (done < size) {
		if (!r->cur || r->off >= (size_t)r->cur->n * SECTOR) {
			if (r->cur) {
				pthread_mutex_lock(&r->lock);
				r->cur->state = SLOT_EMPTY;
				pthread_cond_broadcast(&r->changed);
				pthread_mutex_unlock(&r->lock);
				r->cur = NULL;
				r->next_chunk++;
			}
			if (r->next_chunk * CHUNK_SECTORS >= c->sectors)
				return done;    /* the end */
			struct slot *s = &r->slots[r->next_chunk % RING];
			pthread_mutex_lock(&r->lock);
			while (s->state == SLOT_EMPTY && !r->stop)
				pthread_cond_wait(&r->changed, &r->lock);
			enum slot_state st = s->state;
			pthread_mutex_unlock(&r->lock);
			if (st != SLOT_FULL)
				return -1;      /* a read error, or stopped */
			r->cur = s;
			r->off = 0;
		}
		size_t left = (size_t)r->cur->n * SECTOR - r->off;
		size_t take = (size_t)(size - done) < left ? (size_t)(size - done) : left;
		memcpy(buf + done, r->cur->data + r->off, take);
		r->off += take;
		done += (int)take;
		if (r->off % SECTOR == 0)
			__atomic_store_n(&c->delivered_sectors, r->cur->lba + r->off / SECTOR, __ATOMIC_RELAXED);
	}
	return done;
}

static off_t src_get_size(struct burn_source *bs)
{
	struct dupopt_ring *r = bs->data;
	return r->fixed_size;
}

static int src_set_size(struct burn_source *bs, off_t size)
{
	struct dupopt_ring *r = bs->data;
	r->fixed_size = size;
	return 1;
}

static void src_free(struct burn_source *bs)
{
	(void)bs;       /* the ring belongs to the dupopt_copy */
}

static int src_cancel(struct burn_source *bs)
{
	struct dupopt_ring *r = bs->data;
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_broadcast(&r->changed);
	pthread_mutex_unlock(&r->lock);
	return 1;
}

int dupopt_copy_start(struct dupopt_copy *c, struct burn_source **out)
{
	struct dupopt_ring *r = xcalloc(1, sizeof(*r));
	r->c = c;
	r->fixed_size = (off_t)(c->sectors * SECTOR);
	for (int i = 0; i < RING; i++)
		r->slots[i].data = xmalloc((size_t)CHUNK_SECTORS * SECTOR);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->changed, NULL);
	c->ring = r;
	c->nbad = 0;
	c->read_error = 0;
	if (c->keep_hashes)
		c->hashes = xcalloc((c->sectors + DUPOPT_HASH_SECTORS - 1) / DUPOPT_HASH_SECTORS + 1,
				    sizeof(*c->hashes));
	int rc = pthread_create(&r->thread, NULL, reader, r);
	if (rc != 0)
		return -rc;
	r->running = 1;

	struct burn_source *bs = xcalloc(1, sizeof(*bs));
	bs->refcount = 1;
	bs->read = NULL;
	bs->version = 1;
	bs->read_xt = src_read;
	bs->get_size = src_get_size;
	bs->set_size = src_set_size;
	bs->free_data = src_free;
	bs->cancel = src_cancel;
	bs->data = r;
	*out = bs;
	return 0;
}

int dupopt_copy_failed(struct dupopt_copy *c)
{
	struct dupopt_ring *r = c->ring;
	if (!r)
		return 0;
	pthread_mutex_lock(&r->lock);
	int failed = r->failed;
	pthread_mutex_unlock(&r->lock);
	return failed;
}

void dupopt_copy_stop(struct dupopt_copy *c)
{
	struct dupopt_ring *r = c->ring;
	if (!r || !r->running)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_broadcast(&r->changed);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	r->running = 0;
}

void dupopt_copy_release(struct dupopt_copy *c)
{
	struct dupopt_ring *r = c->ring;
	if (r) {
		dupopt_copy_stop(c);
		for (int i = 0; i < RING; i++)
			free(r->slots[i].data);
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->changed);
		free(r);
		c->ring = NULL;
	}
	free(c->bad);
	c->bad = NULL;
	free(c->hashes);
	c->hashes = NULL;
}

/* ---- verify ---- */

static int is_bad(const struct dupopt_copy *c, uint64_t lba)
{
	size_t lo = 0, hi = c->nbad;    /* c->bad is ascending */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->bad[mid] == lba)
			return 1;
		if (c->bad[mid] < lba)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void add_mismatch(struct dupopt_mismatch **m, size_t *n, size_t *cap, uint64_t lba, uint64_t count, int unreadable)
{
	if (*n > 0) {
		struct dupopt_mismatch *last = &(*m)[*n - 1];
		if (last->lba + last->count == lba && last->unreadable == unreadable) {
			last->count += count;
			return;
		}
	}
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*m = xrealloc(*m, *cap * sizeof(**m));
	}
	(*m)[(*n)++] = (struct dupopt_mismatch){ lba, count, unreadable };
}

/* Which sectors of a group differ: rebuild what was meant from the source. */
static void locate(struct dupopt_copy *c, uint64_t lba, uint32_t n, const unsigned char *got,
		   struct dupopt_mismatch **m, size_t *nm, size_t *cap)
{
	unsigned char meant[SECTOR];
	for (uint32_t i = 0; i < n; i++) {
		uint64_t l = lba + i;
		const struct isovd_patch *p = c->plan ? isovd_patch_at(c->plan, (uint32_t)l) : NULL;
		if (p)
			memcpy(meant, p->data, SECTOR);
		else if (is_bad(c, l))
			memset(meant, 0, SECTOR);
		else if (optical_src_read(c->src, l, 1, meant) < 0) {
			/* cannot tell which: the whole group */
			add_mismatch(m, nm, cap, lba, n, 0);
			return;
		}
		if (memcmp(meant, got + (size_t)i * SECTOR, SECTOR) != 0)
			add_mismatch(m, nm, cap, l, 1, 0);
	}
}

/* Read n sectors of the target at lba into buf; unreadable sectors become
 * mismatches (and zeros). Returns 1 if any sector was unreadable. */
static int read_back(struct optical_src *target, uint64_t lba, uint32_t n, unsigned char *buf,
		     struct dupopt_mismatch **m, size_t *nm, size_t *cap)
{
	uint32_t step = optical_src_max_read(target);
	int unreadable = 0;
	for (uint32_t j = 0; j < n; j += step) {
		uint32_t k = n - j < step ? n - j : step;
		unsigned char *p = buf + (size_t)j * SECTOR;
		if (optical_src_read(target, lba + j, k, p) == 0)
			continue;
		for (uint32_t s = 0; s < k; s++) {     /* name the bad ones */
			if (optical_src_read(target, lba + j + s, 1, p + (size_t)s * SECTOR) == 0)
				continue;
			add_mismatch(m, nm, cap, lba + j + s, 1, 1);
			memset(p + (size_t)s * SECTOR, 0, SECTOR);
			unreadable = 1;
		}
	}
	return unreadable;
}

/* The read-back runs in a thread of its own, a few chunks ahead of the
 * hashing: the reads of the target overlap the compare. */
struct vslot {
	unsigned char *data;
	uint32_t n;
	int full;
	struct dupopt_mismatch *unread;         /* unreadable sectors found */
	size_t nunread, cap;
};

struct vring {
	struct dupopt_copy *c;
	struct optical_src *target;
	struct vslot slots[RING];
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

static void *verify_reader(void *arg)
{
	struct vring *v = arg;
	uint64_t chunk = 0;
	for (uint64_t lba = 0; lba < v->c->sectors; lba += CHUNK_SECTORS, chunk++) {
		struct vslot *s = &v->slots[chunk % RING];
		pthread_mutex_lock(&v->lock);
		while (s->full)
			pthread_cond_wait(&v->changed, &v->lock);
		pthread_mutex_unlock(&v->lock);
		s->n = v->c->sectors - lba < CHUNK_SECTORS ? (uint32_t)(v->c->sectors - lba) : CHUNK_SECTORS;
		s->nunread = 0;
		/* keep PREFETCH chunks of reads in flight ahead of this one */
		if (chunk == 0)
			optical_src_prefetch(v->target, 0, (uint64_t)PREFETCH * CHUNK_SECTORS);
		else
			optical_src_prefetch(v->target, lba + (uint64_t)(PREFETCH - 1) * CHUNK_SECTORS, CHUNK_SECTORS);
		read_back(v->target, lba, s->n, s->data, &s->unread, &s->nunread, &s->cap);
		pthread_mutex_lock(&v->lock);
		s->full = 1;
		pthread_cond_broadcast(&v->changed);
		pthread_mutex_unlock(&v->lock);
	}
	return NULL;
}

int dupopt_verify(struct dupopt_copy *c, struct optical_src *target,
		  void (*progress)(void *arg, uint64_t done), void *arg,
		  struct dupopt_mismatch **out, size_t *nout)
{
	if (!c->hashes)
		return -EINVAL;
	struct vring v;
	memset(&v, 0, sizeof(v));
	v.c = c;
	v.target = target;
	for (int i = 0; i < RING; i++)
		v.slots[i].data = xmalloc((size_t)CHUNK_SECTORS * SECTOR);
	pthread_mutex_init(&v.lock, NULL);
	pthread_cond_init(&v.changed, NULL);
	pthread_t thread;
	int rc = pthread_create(&thread, NULL, verify_reader, &v);
	if (rc != 0) {
		rc = -rc;
		goto out;
	}
	struct dupopt_mismatch *m = NULL;
	size_t nm = 0, cap = 0;
	uint64_t chunk = 0;
	for (uint64_t lba = 0; lba < c->sectors; lba += CHUNK_SECTORS, chunk++) {
		struct vslot *s = &v.slots[chunk % RING];
		pthread_mutex_lock(&v.lock);
		while (!s->full)
			pthread_cond_wait(&v.changed, &v.lock);
		pthread_mutex_unlock(&v.lock);
		for (size_t q = 0; q < s->nunread; q++)
			add_mismatch(&m, &nm, &cap, s->unread[q].lba, s->unread[q].count, 1);
		for (uint32_t i = 0; i < s->n; i += DUPOPT_HASH_SECTORS) {
			uint32_t k = s->n - i < DUPOPT_HASH_SECTORS ? s->n - i : DUPOPT_HASH_SECTORS;
			const unsigned char *p = s->data + (size_t)i * SECTOR;
			if (dupopt_xxh64(p, (size_t)k * SECTOR, 0) == c->hashes[(lba + i) / DUPOPT_HASH_SECTORS])
				continue;
			/* unreadable sectors of this group are reported already */
			int skip = 0;
			for (size_t q = 0; q < s->nunread; q++)
				if (s->unread[q].lba < lba + i + k && s->unread[q].lba + s->unread[q].count > lba + i)
					skip = 1;
			if (!skip)
				locate(c, lba + i, k, p, &m, &nm, &cap);
		}
		pthread_mutex_lock(&v.lock);
		s->full = 0;
		pthread_cond_broadcast(&v.changed);
		pthread_mutex_unlock(&v.lock);
		if (progress)
			progress(arg, lba + s->n);
	}
	pthread_join(thread, NULL);
	*out = m;
	*nout = nm;
	rc = nm ? 1 : 0;
out:
	for (int i = 0; i < RING; i++) {
		free(v.slots[i].data);
		free(v.slots[i].unread);
	}
	pthread_mutex_destroy(&v.lock);
	pthread_cond_destroy(&v.changed);
	return rc;
}
