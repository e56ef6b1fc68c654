/* Exclude lists: POSIX basic regular expressions, one per line, as grep -f.
 * Errors are a struct err whose message names the file, line and pattern. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exclude.h"
#include "inputfile.h"
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

/* A pattern longer than a path can be is no exclude pattern. */
enum { LINE_MAX_BYTES = 4096 };
/* How many copies of its atoms a pattern's interval repetitions make: a
 * nested repetition such as a\{1,255\}\{1,255\}\{1,255\} multiplies them
 * (16 million here), and regcomp() would build them for minutes. */
#define COPIES_MAX 1000ull

static unsigned long long sat_mul(unsigned long long a, unsigned long long b)
{
	return a && b > (COPIES_MAX + 1) / a ? COPIES_MAX + 1 : a * b;
}

static unsigned long long sat_add(unsigned long long a, unsigned long long b)
{
	return a + b > COPIES_MAX + 1 ? COPIES_MAX + 1 : a + b;
}

/* The end of a bracket expression that starts at p ("[...]"), or NULL. */
static const char *bracket_end(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p && *p != ']'; p++)
		if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
			const char *end = strchr(p + 2, p[1]);
			while (end && end[1] != ']')
				end = strchr(end + 1, p[1]);
			if (!end)
				return NULL;
			p = end + 1;
		}
	return *p ? p : NULL;
}

/* The copies of atoms the pattern (a BRE) would compile into, counting a
 * repeated atom or group \{m,n\} as max(m, n) copies of it; capped at
 * COPIES_MAX + 1. A malformed pattern is left to regcomp() to name. */
static unsigned long long copies(const char *p)
{
	enum { DEPTH = 64 };
	unsigned long long sum[DEPTH] = { 0 }, last = 0;
	int depth = 0;
	for (; *p; p++) {
		if (*p == '[') {
			const char *end = bracket_end(p);
			if (!end)
				break;
			p = end;
			sum[depth] = sat_add(sum[depth], last = 1);
		} else if (*p != '\\' || !p[1]) {
			sum[depth] = sat_add(sum[depth], last = 1);
		} else if (*++p == '(') {
			if (++depth == DEPTH)
				return COPIES_MAX + 1;
			sum[depth] = last = 0;
		} else if (*p == ')' && depth > 0) {
			last = sum[depth--];
			sum[depth] = sat_add(sum[depth], last);
		} else if (*p == '{') {
			char *end;
			unsigned long long m = strtoull(p + 1, &end, 10), n = m;
			if (*end == ',')
				n = end[1] == '\\' ? m + 1 : strtoull(end + 1, &end, 10);
			n = n > m ? n : m;
			unsigned long long more = sat_mul(last, n ? n - 1 : 0);
			sum[depth] = sat_add(sum[depth], more);
			last = sat_add(last, more);
			const char *close = strstr(p, "\\}");
			if (!close)
				break;
			p = close + 1;
		} else {
			sum[depth] = sat_add(sum[depth], last = 1);
		}
	}
	while (depth > 0) {
		sum[depth - 1] = sat_add(sum[depth - 1], sum[depth]);
		depth--;
	}
	return sum[0];
}

/* Compile pattern (not blank) into ex; 0, or -EXCLUDE_EBADPAT with bad->reason. */
static int add(struct exclude *ex, const char *pattern, struct bad_line *bad)
{
	bad->pattern = pattern;
	if (strlen(pattern) > LINE_MAX_BYTES) {
		snprintf(bad->reason, sizeof(bad->reason), "longer than %d bytes", LINE_MAX_BYTES);
		return -EXCLUDE_EBADPAT;
	}
	if (copies(pattern) > COPIES_MAX) {
		snprintf(bad->reason, sizeof(bad->reason),
			 "its repetitions \\{m,n\\} multiply to more than %llu copies", COPIES_MAX);
		return -EXCLUDE_EBADPAT;
	}
	if (ex->n == ex->alloc) {
		ex->alloc = ex->alloc ? 2 * ex->alloc : 8;
		ex->re = xrealloc(ex->re, ex->alloc * sizeof(*ex->re));
	}
	int rc = regcomp(&ex->re[ex->n], pattern, REG_NOSUB);
	if (rc != 0) {
		/* a regex_t regcomp() failed on holds nothing to regfree() */
		regerror(rc, &ex->re[ex->n], bad->reason, sizeof(bad->reason));
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

/* Read file's patterns into ex (a regular file of at most
 * INPUT_MAX_TEXT bytes). 0, a negative errno with e filled, or
 * -EXCLUDE_E* with *bad filled (its pattern points into *text, which the
 * caller frees). */
static int read_list(struct exclude *ex, const char *file, struct bad_line *bad, char **text, struct err *e)
{
	size_t len;
	int rc = input_file_read(file, INPUT_MAX_TEXT, text, &len, e);
	if (rc < 0)
		return rc;
	char *end = *text + len;
	for (char *l = *text; l < end && rc == 0;) {
		char *nl = memchr(l, '\n', (size_t)(end - l));
		char *le = nl ? nl : end;
		*le = '\0';
		bad->line++;
		if (strlen(l) != (size_t)(le - l)) {
			bad->pattern = l;
			snprintf(bad->reason, sizeof(bad->reason), "the line holds a NUL byte");
			rc = -EXCLUDE_ENUL;
		} else if (!blank(l)) {
			rc = add(ex, l, bad);
		}
		l = le + 1;
	}
	return rc;
}

int exclude_read(struct exclude *ex, const char *file, struct err *e)
{
	struct bad_line bad = { 0 };
	char *text = NULL;
	struct err re;
	int rc = read_list(ex, file, &bad, &text, &re);
	if (rc == -EXCLUDE_EBADPAT || rc == -EXCLUDE_ENUL) {
		char *fq = path_quote(file);
		bad_pattern(e, rc, fq, &bad);
		free(fq);
	} else if (rc < 0) {
		char *fq = path_quote(file);
		err_set(e, rc, "cannot read exclude list '%s': %s", fq, re.msg);
		free(fq);
	}
	free(text);
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
