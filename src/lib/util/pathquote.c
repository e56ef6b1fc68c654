/* Quoting of paths for messages and JSON. See pathquote.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathquote.h"
#include "xalloc.h"
#include "banned.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	unsigned cp = c & (0x3f >> (n - 1));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static char *quote(const char *path, bool backslash)
{
	const unsigned char *s = (const unsigned char *)path;
	size_t cap = 4 * strlen(path) + 1, o = 0;
	char *out = xmalloc(cap);
	while (*s) {
		size_t n = utf8_len(s);
		if (n > 1 || (n == 1 && *s >= 0x20 && *s != 0x7f && (*s != '\\' || !backslash))) {
			memcpy(out + o, s, n);
			o += n;
			s += n;
			continue;
		}
		out[o++] = '\\';
		switch (*s) {
		case '\\': out[o++] = '\\'; break;
		case '\n': out[o++] = 'n'; break;
		case '\t': out[o++] = 't'; break;
		default:
			out[o++] = (char)('0' + (*s >> 6));
			out[o++] = (char)('0' + ((*s >> 3) & 7));
			out[o++] = (char)('0' + (*s & 7));
		}
		s++;
	}
	out[o] = '\0';
	return out;
}

int utf8_valid(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);
		if (!n)
			return 0;
		p += n;
	}
	return 1;
}

char *path_quote(const char *path)
{
	return quote(path, true);
}

char *text_quote(const char *text)
{
	return quote(text, false);
}

char *path_json(const char *path)
{
	char *q = path_quote(path);
	size_t cap = 6 * strlen(q) + 3, o = 0;
	char *out = xmalloc(cap);
	out[o++] = '"';
	for (const unsigned char *s = (const unsigned char *)q; *s; s++) {
		if (*s == '"' || *s == '\\') {
			out[o++] = '\\';
			out[o++] = (char)*s;
		} else if (*s < 0x20) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", *s);
		} else {
			out[o++] = (char)*s;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	free(q);
	return out;
}
