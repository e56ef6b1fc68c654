/* Where a program would be found by execvp, found without running it: so a
 * run can check every program it will execute before it writes anything. */
#ifndef ALTKIT_FINDPROG_H
#define ALTKIT_FINDPROG_H

#include <stddef.h>

/* The search execvp makes: a name with a '/' is that file alone; else each
 * element of PATH in turn (an empty element is the current directory; PATH
 * unset is musl's default, FINDPROG_DEFAULT_PATH), the first regular file
 * that is executable wins. 0 with its path in path (len bytes; path may be
 * NULL), or -ENOENT (nothing of that name), -EACCES (only files that cannot
 * be run: a directory, no execute permission; execvp fails with EACCES
 * then), -ENAMETOOLONG. */
#define FINDPROG_DEFAULT_PATH "/usr/local/bin:/bin:/usr/bin"
int findprog(const char *name, char *path, size_t len);

#endif
