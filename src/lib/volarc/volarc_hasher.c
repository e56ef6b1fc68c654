/* The hashing thread and its queue of chunks. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "volarc_hasher.h"
#include "volarc_sum.h"
#include "xalloc.h"
#include "banned.h"

enum {
	CHUNKS = 8,
	CHUNK = 128 * 1024,     /* what a stream hands over at once (volarc_iso.c) */
};

struct chunk {
	size_t entry, len;
	unsigned char *buf;
};

struct volarc_hasher {
	struct sha256_ctx *ctx;
	struct chunk q[CHUNKS];
	size_t head, tail;      /* q[head % CHUNKS] is hashed next; tail - head queued */
	int stop;
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	pthread_t thread;
};

static void *run(void *arg)
{
	struct volarc_hasher *h = arg;
	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (h->head == h->tail && !h->stop)
			pthread_cond_wait(&h->more, &h->lock);
		if (h->head == h->tail)
			break;
		struct chunk *c = &h->q[h->head % CHUNKS];
		pthread_mutex_unlock(&h->lock);
		sha256_update(&h->ctx[c->entry], c->len, c->buf);
		pthread_mutex_lock(&h->lock);
		h->head++;
		pthread_cond_signal(&h->room);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

struct volarc_hasher *volarc_hasher_new(size_t nentries)
{
	struct volarc_hasher *h = xcalloc(1, sizeof(*h));
	h->ctx = xcalloc(nentries ? nentries : 1, sizeof(*h->ctx));
	for (size_t i = 0; i < nentries; i++)
		sha256_init(&h->ctx[i]);
	for (size_t i = 0; i < CHUNKS; i++)
		h->q[i].buf = xmalloc(CHUNK);
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->more, NULL);
	pthread_cond_init(&h->room, NULL);
	if (pthread_create(&h->thread, NULL, run, h) != 0) {
		h->stop = 1;
		volarc_hasher_free(h);
		return NULL;
	}
	return h;
}

void volarc_hasher_feed(struct volarc_hasher *h, size_t entry, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	while (len > 0) {
		size_t n = len < CHUNK ? len : CHUNK;
		pthread_mutex_lock(&h->lock);
		while (h->tail - h->head == CHUNKS)
			pthread_cond_wait(&h->room, &h->lock);
		struct chunk *c = &h->q[h->tail % CHUNKS];
		pthread_mutex_unlock(&h->lock);
		/* the slot is ours until tail moves past it */
		memcpy(c->buf, p, n);
		c->entry = entry;
		c->len = n;
		pthread_mutex_lock(&h->lock);
		h->tail++;
		pthread_cond_signal(&h->more);
		pthread_mutex_unlock(&h->lock);
		p += n;
		len -= n;
	}
}

static void drain(struct volarc_hasher *h)
{
	pthread_mutex_lock(&h->lock);
	while (h->head != h->tail)
		pthread_cond_wait(&h->room, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

void volarc_hasher_sum(struct volarc_hasher *h, size_t entry, char out[65])
{
	drain(h);
	volarc_sum_hex(&h->ctx[entry], out);
}

void volarc_hasher_free(struct volarc_hasher *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	int started = !h->stop;
	h->stop = 1;
	pthread_cond_signal(&h->more);
	pthread_mutex_unlock(&h->lock);
	if (started)
		pthread_join(h->thread, NULL);
	for (size_t i = 0; i < CHUNKS; i++)
		free(h->q[i].buf);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->more);
	pthread_cond_destroy(&h->room);
	free(h->ctx);
	free(h);
}
