/* findprog: execvp's search without the exec (see findprog.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "findprog.h"

/* 0: a regular file this process may execute; -EACCES: something there
 * that execve would refuse; -ENOENT: nothing there. */
static int runnable(const char *file)
{
	struct stat st;
	if (stat(file, &st) < 0)
		return errno == EACCES ? -EACCES : -ENOENT;
	if (!S_ISREG(st.st_mode) || access(file, X_OK) < 0)
		return -EACCES;
	return 0;
}

static int found(const char *file, char *path, size_t len)
{
	if (path && (size_t)snprintf(path, len, "%s", file) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int findprog(const char *name, char *path, size_t len)
{
	if (!name || !*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		int rc = runnable(name);
		return rc < 0 ? rc : found(name, path, len);
	}
	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	const char *p = getenv("PATH");
	if (!p)
		p = FINDPROG_DEFAULT_PATH;
	int seen_eacces = 0;
	for (;;) {
		const char *z = strchrnul(p, ':');
		size_t dl = (size_t)(z - p);
		char file[PATH_MAX];
		/* an element too long for a path is skipped, as execvp does */
		if (dl + 1 + strlen(name) < sizeof(file)) {
			/* "" is the current directory: the bare name */
			snprintf(file, sizeof(file), "%.*s%s%s", (int)dl, p, dl ? "/" : "", name);
			int rc = runnable(file);
			if (rc == 0)
				return found(file, path, len);
			if (rc == -EACCES)
				seen_eacces = 1;
		}
		if (!*z)
			break;
		p = z + 1;
	}
	return seen_eacces ? -EACCES : -ENOENT;
}
