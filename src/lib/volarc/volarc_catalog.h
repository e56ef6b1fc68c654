/* The catalog of backup references (SQLite): which volume of which set
 * (serial) holds a backup of which file, and where volumes are resident
 * when they are not at their own name (links). Safe with several writers
 * at once and across power loss: WAL, full sync, every change one
 * transaction, a busy timeout instead of "database is locked". */
#ifndef ALTKIT_VOLARC_CATALOG_H
#define ALTKIT_VOLARC_CATALOG_H
#include <stddef.h>
#include <stdint.h>

#include "volarc_set.h"

#define VOLARC_CATALOG_DEFAULT "/var/lib/altkit/volarc.db"

struct volarc_catalog;

/* Open the catalog; with create, make it (and its directory) when missing,
 * else -ENOENT. */
int volarc_catalog_open(const char *path, int create, struct volarc_catalog **out, struct err *e);
void volarc_catalog_close(struct volarc_catalog *c);

struct volarc_ref {
	char *file, *volume, *serial;
	unsigned index, volumes;
	char sha256[65];
	uint64_t size;
	int64_t mtime, created, catalogued;
};
void volarc_refs_free(struct volarc_ref *refs, size_t n);

struct volarc_record_opts {
	const char *volume;     /* the set's name (volarc_abspath) */
	int64_t now;
	int add;                /* ADD&CATALOG: every file must be known already */
	long crash_after;       /* tests: _exit() after this many references */
};

/* The files of set that have no reference yet (malloc'd names). */
int volarc_catalog_unknown(struct volarc_catalog *c, const struct volarc_set *set, char ***names, size_t *n,
			   struct err *e);

/* One reference per file of set, in one transaction (a file already
 * catalogued under this serial gets its reference renewed). With add, a
 * file without a reference fails it all: -ENOENT, names in *unknown. */
int volarc_catalog_record(struct volarc_catalog *c, const struct volarc_set *set,
			  const struct volarc_record_opts *o, char ***unknown, size_t *nunknown, struct err *e);

/* The references of file, newest first. */
int volarc_catalog_where(struct volarc_catalog *c, const char *file, struct volarc_ref **refs, size_t *n,
			 struct err *e);

/* Record that the images of the set named volume (serial) are resident at
 * path. */
int volarc_catalog_link(struct volarc_catalog *c, const char *volume, const char *serial, const char *path,
			int64_t now, struct err *e);

/* The path of the link of volume, else of a link of that serial (NULL for
 * none), malloc'd. */
char *volarc_catalog_link_lookup(struct volarc_catalog *c, const char *volume, const char *serial);

/* The serial catalogued for volume (its newest cataloguing), malloc'd or NULL. */
char *volarc_catalog_serial_of(struct volarc_catalog *c, const char *volume);

const char *volarc_catalog_version(void);

#endif
