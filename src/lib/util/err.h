/* The one error shape of the library: a negative errno (or a documented
 * code) and the message the command prints after "<command>: ".
 *
 * Library code composes the message because only it knows which file, disk
 * or volume failed and why; it never prints it. Functions take a
 * struct err *e that may be NULL, fill it on failure and return e->code. */
#ifndef ALTKIT_ERR_H
#define ALTKIT_ERR_H

struct err {
	int code;
	char msg[1024];
};

/* Fill e (may be NULL) with code and the message; return code. */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* err_set with ": <strerror(-code)>" appended. */
int err_errno(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Put "what: " in front of the message already in e (a caller adding what
 * it was doing); returns e->code. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empty e (may be NULL). */
void err_clear(struct err *e);

#endif
