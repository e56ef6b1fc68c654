/* Paths in messages: names may hold any byte but NUL, so what is printed is
 * quoted: backslash, newline and tab as \\ \n \t, other control bytes and
 * bytes that are not UTF-8 as \ooo (octal). Valid UTF-8 is kept as is. */
#ifndef ALTKIT_PATHQUOTE_H
#define ALTKIT_PATHQUOTE_H

/* The quoted form (malloc'd). */
char *path_quote(const char *path);
/* The same, but a backslash stays as it is: for text such as a regular
 * expression, where backslashes are the user's own. */
char *text_quote(const char *text);
/* The quoted form as a JSON string literal, with its double quotes (malloc'd). */
char *path_json(const char *path);

/* Is s valid UTF-8 throughout? */
int utf8_valid(const char *s);

#endif
