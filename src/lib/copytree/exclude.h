/* Exclude lists as AIX alt_disk_copy/mksysb read them: one POSIX basic regular
 * expression per line (as grep), matched against each path written
 * "./relative/path" from the top of the tree ("./dir" for a directory, its
 * contents "./dir/..."). Blank lines (empty, or only spaces and tabs) are
 * ignored. Library code: returns errors, never prints. */
#ifndef ALTKIT_EXCLUDE_H
#define ALTKIT_EXCLUDE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct exclude;

/* Error codes beyond errno, returned negated (and in err.code). */
enum {
	EXCLUDE_EBADPAT = 4096, /* a line is not a valid basic regular expression */
	EXCLUDE_ENUL,           /* a line holds a NUL byte */
};

struct exclude *exclude_new(void);
/* Add one pattern; blank patterns are ignored. 0 or -EXCLUDE_EBADPAT, e
 * (may be NULL) saying "invalid pattern 'PATTERN': why". */
int exclude_add(struct exclude *ex, const char *pattern, struct err *e);
/* Read a list file ("-" is standard input). 0, -errno or -EXCLUDE_E*, e
 * (may be NULL) saying "'FILE' line N: invalid pattern 'PATTERN': why" or
 * "cannot read exclude list 'FILE': why" (file and pattern quoted as
 * pathquote.h does). */
int exclude_read(struct exclude *ex, const char *file, struct err *e);

/* Does a path "./a/b" match any pattern? Thread safe (regexec only reads). */
bool exclude_match(const struct exclude *ex, const char *path);
size_t exclude_count(const struct exclude *ex);
void exclude_free(struct exclude *ex);

#endif
