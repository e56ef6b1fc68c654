#ifndef ALTKIT_READALL_H
#define ALTKIT_READALL_H
#include <stddef.h>
/* Read fd to its end into a NUL-terminated malloc'd buffer; *len (if not NULL)
 * gets the byte count, which may be less than strlen() of a text with a NUL.
 * NULL with errno set on a read error. */
char *read_all_fd(int fd, size_t *len);
#endif
