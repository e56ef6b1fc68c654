/* Collecting what create archives: a walk of each argument through
 * directory fds (no symlink followed inside a tree), names checked against
 * what the trees being written can hold. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "beneath.h"
#include "pathquote.h"
#include "volarc_input.h"
#include "xalloc.h"
#include "banned.h"

/* Joliet as libisofs writes it (long names on): a name of at most 103
 * UTF-16 units, without the characters Joliet forbids. */
#define JOLIET_NAME_MAX 103

void volarc_input_init(struct volarc_input *in, unsigned fs)
{
	memset(in, 0, sizeof(*in));
	in->fs = fs;
}

void volarc_input_release(struct volarc_input *in)
{
	for (size_t i = 0; i < in->nroots; i++)
		close(in->roots[i]);
	free(in->roots);
	for (size_t i = 0; i < in->set.nentries; i++)
		free(in->src[i].rel);
	free(in->src);
	volarc_set_release(&in->set);
	memset(in, 0, sizeof(*in));
}

static const char *kind(mode_t m)
{
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISBLK(m) || S_ISCHR(m))
		return "a device";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file or directory";
}

static size_t utf16_units(const char *s, size_t n)
{
	size_t units = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xc0) != 0x80)
			units += c >= 0xf0 ? 2 : 1;     /* beyond the BMP: a surrogate pair */
	}
	return units;
}

/* Can the name be stored so that it reads back as it is? Rock Ridge holds
 * any byte; libisofs writes Joliet names from UTF-8; when Joliet is the
 * only tree it must also hold them unchanged. */
static int check_name(const struct volarc_input *in, const char *name, struct err *e)
{
	if (!volarc_relpath_ok(name))
		return err_set(e, -EINVAL, "'%s': the name cannot be stored", name);
	if ((in->fs & VOLARC_FS_JOLIET) && !utf8_valid(name)) {
		char *q = path_quote(name);
		err_set(e, -EILSEQ, "'%s': the name is not UTF-8, which Joliet needs (use --fs rockridge)", q);
		free(q);
		return -EILSEQ;
	}
	if (in->fs != VOLARC_FS_JOLIET)
		return 0;
	for (const char *c = name; *c;) {
		size_t n = strcspn(c, "/");
		if (utf16_units(c, n) > JOLIET_NAME_MAX)
			return err_set(e, -ENAMETOOLONG, "'%s': a name longer than %d characters does not fit "
					"Joliet (add rockridge to --fs)", name, JOLIET_NAME_MAX);
		for (size_t i = 0; i < n; i++)
			if (strchr("*:;?\\", c[i]) || (unsigned char)c[i] < 0x20)
				return err_set(e, -EINVAL, "'%s': Joliet names cannot hold '%c' (add rockridge to --fs)",
						name, c[i] < 0x20 ? '?' : c[i]);
		c += n + (c[n] == '/');
	}
	return 0;
}

static int add_entry(struct volarc_input *in, size_t root, const char *rel, const char *name,
		     const struct stat *st, struct err *e)
{
	int rc = check_name(in, name, e);
	if (rc < 0)
		return rc;
	if (in->set.nentries == in->cap) {
		in->cap = in->cap ? 2 * in->cap : 256;
		in->set.entries = xrealloc(in->set.entries, in->cap * sizeof(*in->set.entries));
		in->src = xrealloc(in->src, in->cap * sizeof(*in->src));
	}
	struct volarc_entry *en = &in->set.entries[in->set.nentries];
	struct volarc_source *s = &in->src[in->set.nentries++];
	memset(en, 0, sizeof(*en));
	en->name = xstrdup(name);
	en->is_dir = S_ISDIR(st->st_mode);
	en->size = en->is_dir ? 0 : (uint64_t)st->st_size;
	en->mode = st->st_mode & 07777;
	en->mtime = st->st_mtim.tv_sec;
	en->mtime_ns = st->st_mtim.tv_nsec;
	*s = (struct volarc_source){
		.root = root, .rel = xstrdup(rel), .dev = st->st_dev, .ino = st->st_ino,
		.uid = st->st_uid, .gid = st->st_gid, .atime = st->st_atim.tv_sec,
	};
	return 0;
}

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = xmalloc(n);
	snprintf(s, n, "%s%s%s", a, *a ? "/" : "", b);
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of procfs, sysfs and their kin say size 0 (or 4096) and are made
 * when read, differently each time (/proc/self/status is the reader's own).
 * volarc lays out the volumes from the sizes before reading a byte and
 * checks every file against what it read: such a file cannot be archived
 * so that it checks on the way back, and a copy read now would be a
 * snapshot that was never on disk. Refused: copy it to a file first. */
static int pseudo_file(int fd)
{
	static const long magic[] = {
		0x9fa0,         /* PROC_SUPER_MAGIC */
		0x62656572,     /* SYSFS_MAGIC */
		0x64626720,     /* DEBUGFS_MAGIC */
		0x74726163,     /* TRACEFS_MAGIC */
		0x73636673,     /* SECURITYFS_MAGIC */
		0x27e0eb,       /* CGROUP_SUPER_MAGIC */
		0x63677270,     /* CGROUP2_SUPER_MAGIC */
		0x62656570,     /* CONFIGFS_MAGIC */
		0xde5e81e4,     /* EFIVARFS_MAGIC */
		0x6e736673,     /* NSFS_MAGIC */
	};
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if ((unsigned long)sf.f_type == (unsigned long)magic[i])
			return 1;
	return 0;
}

static int refuse_pseudo(const char *name, struct err *e)
{
	return err_set(e, -EINVAL, "'%s' is a file of procfs, sysfs or the like: its size does not say "
		       "what it holds (it is made when read): copy it to a regular file first", name);
}

/* Everything below the directory dfd (rel below root, stored as name/...). */
static int walk(struct volarc_input *in, size_t root, int dfd, const char *rel, const char *name,
		struct err *e)
{
	int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return err_set(e, -errno, "'%s': %s", *rel ? rel : name, strerror(errno));
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap)
			names = xrealloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	int rc = errno ? err_set(e, -errno, "'%s': reading the directory: %s", name, strerror(errno)) : 0;
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *crel = join(rel, names[i]), *cname = join(name, names[i]);
		struct stat st;
		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = err_set(e, -errno, "'%s': %s", cname, strerror(errno));
		} else if (!*name && strcmp(names[i], VOLARC_DIR) == 0) {
			rc = err_set(e, -EEXIST, "'%s': the name is reserved for volarc's set directory", cname);
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				rc = err_set(e, -errno, "'%s': %s", cname, strerror(errno));
			else if (pseudo_file(sub)) {
				rc = refuse_pseudo(cname, e);
				close(sub);
			} else {
				rc = add_entry(in, root, crel, cname, &st, e);
				if (rc == 0)
					rc = walk(in, root, sub, crel, cname, e);
				close(sub);
			}
		} else if (S_ISREG(st.st_mode)) {
			rc = add_entry(in, root, crel, cname, &st, e);
		} else {
			rc = err_set(e, -EINVAL, "'%s' is %s: only regular files and directories are archived",
				      cname, kind(st.st_mode));
		}
		free(crel);
		free(cname);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* The name an argument is stored under: its last component; "" when that
 * is "/", "." or ".." (its contents go to the root). */
static char *stored_name(const char *arg)
{
	size_t n = strlen(arg);
	while (n > 1 && arg[n - 1] == '/')
		n--;
	size_t b = n;
	while (b > 0 && arg[b - 1] != '/')
		b--;
	char *name = xmalloc(n - b + 1);
	memcpy(name, arg + b, n - b);
	name[n - b] = '\0';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "/") == 0 || !*name)
		name[0] = '\0';
	return name;
}

int volarc_input_add(struct volarc_input *in, const char *arg, struct err *e)
{
	int fd = open(arg, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return err_set(e, -errno, "'%s': %s", arg, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int err = errno;
		close(fd);
		return err_set(e, -err, "'%s': %s", arg, strerror(err));
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, -EINVAL, "'%s' is %s: only regular files and directories are archived", arg,
				kind(st.st_mode));
	}
	if (pseudo_file(fd)) {
		close(fd);
		return refuse_pseudo(arg, e);
	}
	fcntl(fd, F_SETFL, 0);  /* O_NONBLOCK was only for opening (a FIFO must not hang) */
	in->roots = xrealloc(in->roots, (in->nroots + 1) * sizeof(*in->roots));
	size_t root = in->nroots;
	in->roots[in->nroots++] = fd;
	char *name = stored_name(arg);
	int rc = 0;
	if (S_ISREG(st.st_mode) && !*name)
		rc = err_set(e, -EINVAL, "'%s': a file needs a name", arg);
	else if (strcmp(name, VOLARC_DIR) == 0)
		rc = err_set(e, -EEXIST, "'%s': the name is reserved for volarc's set directory", arg);
	else if (S_ISREG(st.st_mode))
		rc = add_entry(in, root, "", name, &st, e);
	else {
		if (*name)
			rc = add_entry(in, root, "", name, &st, e);
		if (rc == 0)
			rc = walk(in, root, fd, "", name, e);
	}
	free(name);
	return rc;
}

static const struct volarc_entry *sort_base;

static int cmp_index(const void *a, const void *b)
{
	return strcmp(sort_base[*(const size_t *)a].name, sort_base[*(const size_t *)b].name);
}

int volarc_input_finish(struct volarc_input *in, struct err *e)
{
	size_t n = in->set.nentries;
	size_t *order = xmalloc((n ? n : 1) * sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_base = in->set.entries;
	qsort(order, n, sizeof(*order), cmp_index);
	struct volarc_entry *en = xmalloc((n ? n : 1) * sizeof(*en));
	struct volarc_source *src = xmalloc((n ? n : 1) * sizeof(*src));
	for (size_t i = 0; i < n; i++) {
		en[i] = in->set.entries[order[i]];
		src[i] = in->src[order[i]];
	}
	free(order);
	free(in->set.entries);
	free(in->src);
	in->set.entries = en;
	in->src = src;
	in->cap = n;
	for (size_t i = 1; i < n; i++)
		if (strcmp(en[i - 1].name, en[i].name) == 0)
			return err_set(e, -EEXIST, "two arguments are both stored as '%s'", en[i].name);
	if (n == 0)
		return err_set(e, -ENOENT, "nothing to archive: the directories are empty");
	return 0;
}

int volarc_input_open(const struct volarc_input *in, size_t i, struct err *e)
{
	const struct volarc_source *s = &in->src[i];
	const char *name = in->set.entries[i].name;
	int fd = *s->rel ? beneath_open(in->roots[s->root], s->rel, O_RDONLY | O_NOCTTY, 0)
			 : fcntl(in->roots[s->root], F_DUPFD_CLOEXEC, 0);
	if (fd < 0) {
		int err = *s->rel ? fd : -errno;
		if (err == -ELOOP)
			return err_set(e, err, "'%s' was replaced by a symbolic link while it was archived", name);
		return err_set(e, err, "'%s': %s", name, strerror(-err));
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_dev != s->dev || st.st_ino != s->ino) {
		close(fd);
		return err_set(e, -ESTALE, "'%s' was replaced by another file while it was archived", name);
	}
	return fd;
}
