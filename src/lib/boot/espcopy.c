/* The files of one ESP onto another (see espcopy.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "espcopy.h"

#define MAX_DEPTH 16
#define MAX_ENTRIES 10000

int esp_copy_fd(int in, int out)
{
	char buf[1 << 16];
	for (ssize_t n; (n = read(in, buf, sizeof(buf))) != 0;) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -errno;
			off += w;
		}
	}
	return fsync(out) < 0 ? -errno : 0;
}

struct walk {
	char path[1024];        /* the entry being copied, for messages */
	unsigned entries;
	struct err *e;
};

static int copy_file_at(int src, int dst, const char *name, struct walk *w)
{
	int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return err_errno(w->e, -errno, "reading '%s'", w->path);
	int out = openat(dst, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	int rc = out < 0 ? -errno : esp_copy_fd(in, out);
	close(in);
	if (out >= 0)
		close(out);
	return rc < 0 ? err_errno(w->e, rc, "writing '%s' to the clone's ESP", w->path) : 0;
}

static int copy_dir(int src, int dst, int depth, struct walk *w);

static int copy_entry(int src, int dst, const char *name, int depth, struct walk *w)
{
	struct stat st;
	size_t plen = strlen(w->path);
	snprintf(w->path + plen, sizeof(w->path) - plen, "/%s", name);
	int rc;
	if (++w->entries > MAX_ENTRIES)
		rc = err_set(w->e, -E2BIG, "the source ESP has more than %d entries", MAX_ENTRIES);
	else if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		rc = err_errno(w->e, -errno, "'%s'", w->path);
	else if (S_ISREG(st.st_mode))
		rc = copy_file_at(src, dst, name, w);
	else if (!S_ISDIR(st.st_mode))
		rc = err_set(w->e, -EINVAL, "'%s' is neither a file nor a directory: not an ESP's", w->path);
	else if (depth >= MAX_DEPTH)
		rc = err_set(w->e, -ELOOP, "'%s' is more than %d levels deep", w->path, MAX_DEPTH);
	else {
		int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), d = -1;
		if (s >= 0 && (mkdirat(dst, name, 0755) == 0 || errno == EEXIST))
			d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = s < 0 || d < 0 ? err_errno(w->e, -errno, "copying the directory '%s'", w->path)
				    : copy_dir(s, d, depth + 1, w);
		if (s >= 0)
			close(s);
		if (d >= 0)
			close(d);
	}
	if (rc == 0)
		w->path[plen] = '\0';
	return rc;
}

static int copy_dir(int src, int dst, int depth, struct walk *w)
{
	int fd = dup(src);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return err_errno(w->e, -errno, "listing '%s'", w->path[0] ? w->path : "/");
	}
	rewinddir(dir);
	int rc = 0;
	for (struct dirent *de; rc == 0 && (de = readdir(dir));)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			rc = copy_entry(src, dst, de->d_name, depth, w);
	closedir(dir);
	return rc;
}

int esp_copy_tree(int src, int dst, struct err *e)
{
	struct walk w = { .path = "", .entries = 0, .e = e };
	return copy_dir(src, dst, 0, &w);
}
