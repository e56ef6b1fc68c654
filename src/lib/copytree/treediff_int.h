/* Internals of treediff, shared by treediff*.c only. */
#ifndef ALTKIT_TREEDIFF_INT_H
#define ALTKIT_TREEDIFF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pathbuf.h"
#include "treediff.h"

#define CHUNK (1u << 20)        /* data compared per read */

struct link {
	struct link *next;
	dev_t dev, odev;
	ino_t ino, oino;
	char *path;
};

struct linktab {
	struct link **tab;
	size_t size, count;
};

struct tframe {
	int fd[2];
	dev_t dev[2];
	ino_t ino[2];
	char **names;
	unsigned char *where;   /* bit 0: in a, bit 1: in b */
	size_t n, i;
	size_t pathlen;
};

struct td {
	const struct treediff_opts *o;
	struct treediff_stats *st;
	const char *name[2];
	char *buf[2];
	struct pathbuf path;    /* "./a/b": the entry compared now */
	dev_t rootdev[2];
	int rootmnt[2];
	bool have_mnt[2];
	struct linktab links[2];
	int noatime;
};

/* treediff_pair.c: reports, and what two open files hold */
void td_differ(struct td *td, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Trouble reading side's tree at path; the comparison goes on. */
void td_trouble(struct td *td, int side, const char *path, const char *op, int err);
/* fd: two open files, or (opath) O_PATH descriptors read through /proc. */
void td_compare_xattrs(struct td *td, const char *path, const int fd[2], bool opath);
void td_compare_flags(struct td *td, const char *path, const int fd[2]);
/* Contents, holes too, of two files of that size. */
void td_compare_data(struct td *td, const char *path, const int fd[2], off_t size);

#endif
