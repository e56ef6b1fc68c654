/* Files the user names (exclude lists, layouts, resolv.conf, scripts): each
 * is checked before anything is written, so that a directory, a FIFO, a
 * device such as /dev/zero or a file far too large for its kind is refused
 * at once with one message, not after the disks are written (or never, as
 * a FIFO's open() or a read of /dev/zero would be). */
#ifndef ALTKIT_INPUTFILE_H
#define ALTKIT_INPUTFILE_H

#include <stddef.h>

#include "err.h"

/* Bounds per kind of file. */
#define INPUT_MAX_TEXT (1u << 20)       /* exclude lists, layouts, resolv.conf */
#define INPUT_MAX_SCRIPT (8u << 20)     /* -s and -x scripts */

/* Open path (symbolic links followed; O_NONBLOCK, so a FIFO cannot block)
 * and check that it is a regular file of at most max bytes. Returns the
 * descriptor (blocking again), or a negative errno with e saying what
 * is wrong, without the path (the caller names the option and the file):
 * "a directory, not a regular file" (-EISDIR), "a FIFO, not a regular
 * file" (-EINVAL), "larger than 1 MiB" (-EFBIG) or strerror's text. */
int input_file_open(const char *path, size_t max, struct err *e);
/* input_file_open, then close: 0 or the negative errno. */
int input_file_check(const char *path, size_t max, struct err *e);
/* Read the whole file (after input_file_open's checks) into a malloc'd
 * NUL-terminated buffer; *len gets its length (a text with a NUL byte has
 * strlen() < *len). path "-" reads standard input, which may be a pipe but
 * is held to the same bound. 0 or the negative errno, e filled. */
int input_file_read(const char *path, size_t max, char **buf, size_t *len, struct err *e);

#endif
