/* The walker's path buffer (pathbuf.h). */
#include <stdlib.h>
#include <string.h>

#include "pathbuf.h"
#include "xalloc.h"
#include "banned.h"

static void reserve(struct pathbuf *pb, size_t need)
{
	if (need > pb->cap) {
		pb->cap = 2 * need;
		pb->s = xrealloc(pb->s, pb->cap);
	}
}

void pathbuf_init(struct pathbuf *pb, const char *text)
{
	size_t l = strlen(text);
	pb->s = NULL;
	pb->cap = 0;
	reserve(pb, l + 64);
	memcpy(pb->s, text, l + 1);
	pb->len = l;
}

void pathbuf_set(struct pathbuf *pb, size_t len, const char *name)
{
	size_t l = strlen(name);
	reserve(pb, len + l + 2);
	pb->s[len] = '/';
	memcpy(pb->s + len + 1, name, l + 1);
	pb->len = len + 1 + l;
}

void pathbuf_cut(struct pathbuf *pb, size_t len)
{
	pb->s[len] = '\0';
	pb->len = len;
}

void pathbuf_release(struct pathbuf *pb)
{
	free(pb->s);
	pb->s = NULL;
	pb->len = pb->cap = 0;
}
