/* Exclude lists: POSIX basic regular expressions, one per line, as grep -f. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exclude.h"
#include "xalloc.h"
#include "banned.h"

struct exclude {
	regex_t *re;
	size_t n, alloc;
};

struct exclude *exclude_new(void)
{
	return xcalloc(1, sizeof(struct exclude));
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

static void set_error(struct exclude_error *err, unsigned line, const char *pat,
		      const char *reason)
{
	if (!err)
		return;
	err->line = line;
	snprintf(err->pattern, sizeof(err->pattern), "%s", pat ? pat : "");
	snprintf(err->reason, sizeof(err->reason), "%s", reason ? reason : "");
}

int exclude_add(struct exclude *ex, const char *pattern, struct exclude_error *err)
{
	if (blank(pattern))
		return 0;
	if (ex->n == ex->alloc) {
		ex->alloc = ex->alloc ? 2 * ex->alloc : 8;
		ex->re = xrealloc(ex->re, ex->alloc * sizeof(*ex->re));
	}
	int rc = regcomp(&ex->re[ex->n], pattern, REG_NOSUB);
	if (rc != 0) {
		char why[256];
		regerror(rc, &ex->re[ex->n], why, sizeof(why));
		regfree(&ex->re[ex->n]);
		set_error(err, 0, pattern, why);
		return -EXCLUDE_EBADPAT;
	}
	ex->n++;
	return 0;
}

int exclude_load(struct exclude *ex, const char *file, struct exclude_error *err)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");
	if (!f)
		return -errno;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	ssize_t len;
	int rc = 0;
	set_error(err, 0, NULL, NULL);
	errno = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (memchr(line, '\0', (size_t)len)) {
			set_error(err, lineno, line, "the line holds a NUL byte");
			rc = -EXCLUDE_ENUL;
			break;
		}
		rc = exclude_add(ex, line, err);
		if (rc < 0) {
			if (err)
				err->line = lineno;
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = errno ? -errno : -EIO;
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

bool exclude_match(const struct exclude *ex, const char *path)
{
	if (!ex)
		return false;
	for (size_t i = 0; i < ex->n; i++)
		if (regexec(&ex->re[i], path, 0, NULL, 0) == 0)
			return true;
	return false;
}

size_t exclude_count(const struct exclude *ex)
{
	return ex ? ex->n : 0;
}

void exclude_free(struct exclude *ex)
{
	if (!ex)
		return;
	for (size_t i = 0; i < ex->n; i++)
		regfree(&ex->re[i]);
	free(ex->re);
	free(ex);
}
