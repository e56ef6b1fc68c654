#ifndef ALTKIT_JSON_H
#define ALTKIT_JSON_H
#include <stddef.h>
#include <stdio.h>

/* A small JSON reader for the reports of `lvm --reportformat json` and the
 * like: the whole text parsed into a tree. Numbers are kept as text. */

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	char *key;              /* the member name inside an object, else NULL */
	char *str;              /* JSON_STRING/JSON_NUMBER text, JSON_BOOL "true"/"false" */
	struct json *child;     /* first element or member */
	struct json *next;      /* next sibling */
};

/* Returns 0 and *out, or -EINVAL with *errpos set to the byte offset of the error. */
int json_parse(const char *text, struct json **out, size_t *errpos);
void json_free(struct json *j);

/* Member of an object by name, or NULL. */
struct json *json_get(const struct json *obj, const char *key);
/* The string of member KEY, or NULL when absent or not a string/number. */
const char *json_get_str(const struct json *obj, const char *key);
size_t json_count(const struct json *arr);

/* Write s as a JSON string literal: its bytes as they are, only '"', '\\'
 * and control characters escaped. */
void json_write_str(FILE *f, const char *s);
#endif
