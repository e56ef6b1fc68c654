/* Exclude lists: POSIX basic regular expressions, one per line, as grep -f.
 * Errors are a struct err whose message names the file, line and pattern. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exclude.h"
#include "pathquote.h"
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

/* A line that is not a valid pattern: where and why. */
struct bad_line {
	unsigned line;          /* 1-based; 0: not read from a file */
	const char *pattern;
	char reason[256];
};

/* Compile pattern (not blank) into ex; 0, or -EXCLUDE_EBADPAT with bad->reason. */
static int add(struct exclude *ex, const char *pattern, struct bad_line *bad)
{
	if (ex->n == ex->alloc) {
		ex->alloc = ex->alloc ? 2 * ex->alloc : 8;
		ex->re = xrealloc(ex->re, ex->alloc * sizeof(*ex->re));
	}
	int rc = regcomp(&ex->re[ex->n], pattern, REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &ex->re[ex->n], bad->reason, sizeof(bad->reason));
		regfree(&ex->re[ex->n]);
		bad->pattern = pattern;
		return -EXCLUDE_EBADPAT;
	}
	ex->n++;
	return 0;
}

/* "[in 'FILE' line N: ]invalid pattern 'PATTERN': why" (fq: the quoted
 * file, or NULL). The pattern is shown up to 255 bytes. */
static int bad_pattern(struct err *e, int code, const char *fq, const struct bad_line *bad)
{
	char pat[256];
	snprintf(pat, sizeof(pat), "%s", bad->pattern);
	char *pq = text_quote(pat);
	if (fq)
		err_set(e, code, "'%s' line %u: invalid pattern '%s': %s", fq, bad->line, pq,
			bad->reason);
	else
		err_set(e, code, "invalid pattern '%s': %s", pq, bad->reason);
	free(pq);
	return code;
}

int exclude_add(struct exclude *ex, const char *pattern, struct err *e)
{
	if (blank(pattern))
		return 0;
	struct bad_line bad = { 0 };
	int rc = add(ex, pattern, &bad);
	return rc < 0 ? bad_pattern(e, rc, NULL, &bad) : 0;
}

/* Read file's patterns into ex. 0, -errno, or -EXCLUDE_E* with *bad filled
 * (its pattern points into *line, which the caller frees). */
static int read_list(struct exclude *ex, const char *file, struct bad_line *bad, char **line)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");
	if (!f)
		return -errno;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	errno = 0;
	while ((len = getline(line, &cap, f)) >= 0) {
		char *l = *line;
		bad->line++;
		if (len > 0 && l[len - 1] == '\n')
			l[--len] = '\0';
		if (memchr(l, '\0', (size_t)len)) {
			bad->pattern = l;
			snprintf(bad->reason, sizeof(bad->reason), "the line holds a NUL byte");
			rc = -EXCLUDE_ENUL;
			break;
		}
		if (!blank(l) && (rc = add(ex, l, bad)) < 0)
			break;
	}
	if (rc == 0 && ferror(f))
		rc = errno ? -errno : -EIO;
	if (f != stdin)
		fclose(f);
	return rc;
}

int exclude_read(struct exclude *ex, const char *file, struct err *e)
{
	struct bad_line bad = { 0 };
	char *line = NULL;
	int rc = read_list(ex, file, &bad, &line);
	if (rc < 0) {
		char *fq = path_quote(file);
		if (rc == -EXCLUDE_EBADPAT || rc == -EXCLUDE_ENUL)
			bad_pattern(e, rc, fq, &bad);
		else
			err_errno(e, rc, "cannot read exclude list '%s'", fq);
		free(fq);
	}
	free(line);
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
