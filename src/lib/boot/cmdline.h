#ifndef ALTKIT_CMDLINE_H
#define ALTKIT_CMDLINE_H
#include <stddef.h>
/* The kernel command line as key=value words (quotes as the kernel reads them). */
struct cmdline {
	char *buf;
	char **keys;
	char **values;  /* NULL for a word without '=' */
	size_t n;
};
int cmdline_parse(const char *text, struct cmdline *cl);
int cmdline_read(const char *path, struct cmdline *cl);   /* e.g. /proc/cmdline */
/* The value of the last occurrence of key, or NULL; "" for a bare key. */
const char *cmdline_get(const struct cmdline *cl, const char *key);
void cmdline_release(struct cmdline *cl);
/* The words of a value ("alt_disk_copy -d vdb"), split at spaces: a NULL
 * terminated argv, NULL when there are more than max. Free with free(): the
 * strings live in the same block. */
char **cmdline_words(const char *value, size_t max);
#endif
