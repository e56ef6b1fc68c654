/* The location of phase 2's packages (pkgloc.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkgloc.h"
#include "volarc_sum.h"
#include "xalloc.h"

static const char *const index_names[] = { "Packages", "Packages.gz", "Packages.xz", NULL };

/* What an index's Filename: and a file: URI can carry as they are. */
static int plain_name(const char *s)
{
	if (!*s || *s == '.' || *s == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      strchr("+._~%-", *s)))
			return 0;
	return 1;
}

static int has_index(int dirfd)
{
	struct stat st;
	for (int i = 0; index_names[i]; i++)
		if (fstatat(dirfd, index_names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
			return 1;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular .deb files at the top of the directory, sorted. */
static int list_debs(struct pkgloc *l, struct err *e)
{
	int fd = dup(l->dirfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d)
		return err_errno(e, -errno, "-l '%.200s'", l->path);
	int rc = 0;
	for (struct dirent *de; !rc && (de = readdir(d));) {
		size_t len = strlen(de->d_name);
		struct stat st;
		if (len < 5 || strcmp(de->d_name + len - 4, ".deb") != 0)
			continue;
		if (fstatat(l->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (!plain_name(de->d_name))
			rc = err_set(e, -EINVAL, "-l '%.200s': '%.200s': a package file name with characters an "
				     "index cannot hold; rename it", l->path, de->d_name);
		else if (l->ndebs == PKGLOC_MAX_FILES)
			rc = err_set(e, -E2BIG, "-l '%.200s': more than %d .deb files", l->path, PKGLOC_MAX_FILES);
		else
			l->debs[l->ndebs++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(l->debs, l->ndebs, sizeof(l->debs[0]), cmp_names);
	return rc;
}

int pkgloc_open(const char *location, struct pkgloc *l, struct err *e)
{
	memset(l, 0, sizeof(*l));
	l->path = location;
	l->dirfd = -1;
	if (strcmp(location, "system") == 0) {
		l->kind = PKGLOC_SYSTEM;
		return 0;
	}
	l->dirfd = open(location, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->dirfd < 0)
		return err_set(e, -errno, "-l '%.200s': %s", location,
			       errno == ENOENT ? "no such directory" : errno == ENOTDIR ? "not a directory"
			       : strerror(errno));
	if (has_index(l->dirfd)) {
		l->kind = PKGLOC_FLAT_REPO;
		return 0;
	}
	l->kind = PKGLOC_DEB_DIR;
	int rc = list_debs(l, e);
	if (rc == 0 && l->ndebs == 0)
		rc = err_set(e, -ENOENT, "-l '%.200s': no .deb files and no Packages index in it", location);
	if (rc < 0)
		pkgloc_close(l);
	return rc;
}

void pkgloc_close(struct pkgloc *l)
{
	for (size_t i = 0; i < l->ndebs; i++)
		free(l->debs[i]);
	l->ndebs = 0;
	if (l->dirfd >= 0)
		close(l->dirfd);
	l->dirfd = -1;
}

/* Size and SHA-256 of a file of the directory. */
static int sum_file(int dirfd, const char *name, off_t *size, char hex[65])
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct sha256_ctx ctx;
	char buf[65536];
	ssize_t n;
	sha256_init(&ctx);
	*size = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		sha256_update(&ctx, (size_t)n, (const uint8_t *)buf);
		*size += n;
	}
	int rc = n < 0 ? -errno : 0;
	close(fd);
	volarc_sum_hex(&ctx, hex);
	return rc;
}

char *pkgloc_index(const struct pkgloc *l, const char *pool,
		   char *(*control_of)(void *arg, const char *path, struct err *e), void *arg, struct err *e)
{
	size_t len = 0, cap = 0;
	char *text = NULL;
	for (size_t i = 0; i < l->ndebs; i++) {
		char path[600], hex[65];
		off_t size;
		int rc = sum_file(l->dirfd, l->debs[i], &size, hex);
		if (rc < 0) {
			err_errno(e, rc, "-l '%.200s': reading '%s'", l->path, l->debs[i]);
			free(text);
			return NULL;
		}
		snprintf(path, sizeof(path), "%s/%s", pool, l->debs[i]);
		char *control = control_of(arg, path, e);
		if (!control) {
			free(text);
			return NULL;
		}
		/* one stanza: an empty line inside would start another */
		size_t cl = 0;
		for (const char *p = control; *p; p++)
			if (!(*p == '\n' && (cl == 0 || control[cl - 1] == '\n')))
				control[cl++] = *p;
		while (cl && control[cl - 1] == '\n')
			cl--;
		control[cl] = '\0';
		size_t need = cl + strlen(l->debs[i]) + 200;
		if (len + need > cap) {
			cap = (len + need) * 2;
			text = xrealloc(text, cap);
		}
		len += (size_t)snprintf(text + len, cap - len, "%s\nFilename: pool/%s\nSize: %lld\nSHA256: %s\n\n",
					control, l->debs[i], (long long)size, hex);
		free(control);
	}
	return text ? text : xstrdup("");
}
