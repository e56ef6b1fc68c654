/* Recursive-descent JSON parser. Depth is bounded so that hostile input
 * cannot exhaust the stack. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "xalloc.h"

#define JSON_MAX_DEPTH 64

struct parser {
	const char *s, *p;
	int depth;
};

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int parse_hex4(const char *p, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		*v = *v << 4 | (uint32_t)h;
	}
	return 0;
}

/* A string starting at the opening quote; the result is malloc'd. */
static char *parse_string(struct parser *ps)
{
	const char *p = ps->p + 1, *end = p;
	/* the decoded text is never longer than the encoded one, up to the
	 * closing quote (not strlen(p): that makes a long document quadratic) */
	while (*end && *end != '"')
		end += end[0] == '\\' && end[1] ? 2 : 1;
	char *out = xmalloc((size_t)(end - p) + 1), *o = out;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;
		if (c == '\0' || c < 0x20)
			goto bad;
		if (c != '\\') {
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': case '/': *o++ = *p; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			uint32_t cp, lo;
			if (parse_hex4(p + 1, &cp) < 0)
				goto bad;
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && p[1] == '\\' && p[2] == 'u' &&
			    parse_hex4(p + 3, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			if (cp == 0)
				goto bad;   /* no NULs inside C strings */
			o += put_utf8(o, cp);
			break;
		}
		default:
			goto bad;
		}
		p++;
	}
	*o = '\0';
	ps->p = p + 1;
	return out;
bad:
	ps->p = p;
	free(out);
	return NULL;
}

static struct json *parse_value(struct parser *ps);

static struct json *new_node(enum json_type t)
{
	struct json *j = xcalloc(1, sizeof(*j));
	j->type = t;
	return j;
}

static struct json *parse_container(struct parser *ps, int is_object)
{
	struct json *j = new_node(is_object ? JSON_OBJECT : JSON_ARRAY), **tail = &j->child;
	char close = is_object ? '}' : ']';
	if (++ps->depth > JSON_MAX_DEPTH)
		goto bad;
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return j;
	}
	for (;;) {
		char *key = NULL;
		skip_ws(ps);
		if (is_object) {
			if (*ps->p != '"' || !(key = parse_string(ps)))
				goto bad;
			skip_ws(ps);
			if (*ps->p != ':') {
				free(key);
				goto bad;
			}
			ps->p++;
		}
		struct json *v = parse_value(ps);
		if (!v) {
			free(key);
			goto bad;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			ps->depth--;
			return j;
		}
		goto bad;
	}
bad:
	json_free(j);
	return NULL;
}

static struct json *parse_value(struct parser *ps)
{
	skip_ws(ps);
	const char *p = ps->p;
	if (*p == '{' || *p == '[')
		return parse_container(ps, *p == '{');
	if (*p == '"') {
		char *s = parse_string(ps);
		if (!s)
			return NULL;
		struct json *j = new_node(JSON_STRING);
		j->str = s;
		return j;
	}
	static const struct { const char *word; enum json_type t; } words[] = {
		{ "true", JSON_BOOL }, { "false", JSON_BOOL }, { "null", JSON_NULL },
	};
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i].word);
		if (strncmp(p, words[i].word, n) == 0) {
			struct json *j = new_node(words[i].t);
			if (words[i].t == JSON_BOOL)
				j->str = xstrdup(words[i].word);
			ps->p += n;
			return j;
		}
	}
	const char *q = p;
	if (*q == '-')
		q++;
	if (*q < '0' || *q > '9')
		return NULL;
	while ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' || *q == '+' || *q == '-')
		q++;
	struct json *j = new_node(JSON_NUMBER);
	j->str = xmalloc((size_t)(q - p) + 1);
	memcpy(j->str, p, (size_t)(q - p));
	j->str[q - p] = '\0';
	ps->p = q;
	return j;
}

int json_parse(const char *text, struct json **out, size_t *errpos)
{
	struct parser ps = { text, text, 0 };
	struct json *j = parse_value(&ps);
	if (j) {
		skip_ws(&ps);
		if (*ps.p == '\0') {
			*out = j;
			return 0;
		}
		json_free(j);
	}
	if (errpos)
		*errpos = (size_t)(ps.p - text);
	*out = NULL;
	return -EINVAL;
}

void json_free(struct json *j)
{
	while (j) {
		struct json *next = j->next;
		json_free(j->child);
		free(j->key);
		free(j->str);
		free(j);
		j = next;
	}
}

struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (struct json *m = obj->child; m; m = m->next)
		if (m->key && strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

const char *json_get_str(const struct json *obj, const char *key)
{
	struct json *m = json_get(obj, key);
	return m && (m->type == JSON_STRING || m->type == JSON_NUMBER) ? m->str : NULL;
}

size_t json_count(const struct json *arr)
{
	size_t n = 0;
	for (struct json *m = arr ? arr->child : NULL; m; m = m->next)
		n++;
	return n;
}

void json_write_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
