#ifndef ALTKIT_XALLOC_H
#define ALTKIT_XALLOC_H
#include <stddef.h>
/* Abort on out-of-memory (the only place library code writes to stderr). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *old, size_t n);
char *xstrdup(const char *s);
#endif
