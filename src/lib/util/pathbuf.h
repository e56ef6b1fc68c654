/* A "./a/b" path that a tree walk extends and cuts back as it goes down and
 * up, in one growing buffer (copytree's walker and treediff). */
#ifndef ALTKIT_PATHBUF_H
#define ALTKIT_PATHBUF_H

#include <stddef.h>

struct pathbuf {
	char *s;
	size_t len, cap;
};

/* Start at text (e.g. "."). */
void pathbuf_init(struct pathbuf *pb, const char *text);
/* The path cut back to its first len bytes, then "/name". */
void pathbuf_set(struct pathbuf *pb, size_t len, const char *name);
/* The path cut back to its first len bytes. */
void pathbuf_cut(struct pathbuf *pb, size_t len);
void pathbuf_release(struct pathbuf *pb);

#endif
