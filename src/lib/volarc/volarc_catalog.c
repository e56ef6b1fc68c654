/* The catalog in SQLite. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "volarc_catalog.h"
#include "xalloc.h"
#include "banned.h"

enum {
	BUSY_TIMEOUT_MS = 60 * 1000,    /* another writer's transaction */
	SCHEMA_VERSION = 1,
};

struct volarc_catalog {
	sqlite3 *db;
	char *path;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS catalogings(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  volume TEXT NOT NULL, serial TEXT NOT NULL, volumes INTEGER NOT NULL,\n"
	"  created INTEGER NOT NULL, catalogued INTEGER NOT NULL,\n"
	"  files INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('copy', 'add')));\n"
	"CREATE TABLE IF NOT EXISTS refs(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  cataloging INTEGER NOT NULL REFERENCES catalogings(id),\n"
	"  file TEXT NOT NULL, volume TEXT NOT NULL, serial TEXT NOT NULL,\n"
	"  vol_index INTEGER NOT NULL, volumes INTEGER NOT NULL,\n"
	"  sha256 TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,\n"
	"  created INTEGER NOT NULL, catalogued INTEGER NOT NULL,\n"
	"  UNIQUE (file, serial));\n"
	"CREATE INDEX IF NOT EXISTS refs_by_file ON refs(file);\n"
	"CREATE TABLE IF NOT EXISTS links(\n"
	"  volume TEXT PRIMARY KEY, serial TEXT NOT NULL, path TEXT NOT NULL, linked INTEGER NOT NULL);\n";

const char *volarc_catalog_version(void)
{
	static char v[32];
	snprintf(v, sizeof(v), "SQLite %s", sqlite3_libversion());
	return v;
}

static int db_fail(struct volarc_catalog *c, int rc, const char *what, struct err *e)
{
	int code = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? -EBUSY
		 : rc == SQLITE_FULL ? -ENOSPC
		 : rc == SQLITE_READONLY || rc == SQLITE_PERM || rc == SQLITE_AUTH ? -EACCES
		 : rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? -EINVAL
		 : -EIO;
	return err_set(e, code, "catalog '%s': %s: %s", c->path, what, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
}

static int exec(struct volarc_catalog *c, const char *sql, const char *what, struct err *e)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : db_fail(c, rc, what, e);
}

/* mkdir -p of the catalog's directory (0755). */
static int make_dirs(const char *path)
{
	char *d = xstrdup(path);
	char *dir = dirname(d);
	int rc = 0;
	for (char *p = dir + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			rc = -errno;
		*p = c;
		if (!c)
			break;
	}
	free(d);
	return rc;
}

/* WAL: readers never block the writer, a crash never leaves a half
 * transaction. The mode stays with the file; switching needs a moment
 * alone with it, and SQLite answers "busy" there without calling the busy
 * handler: so wait here. */
static int set_wal(struct volarc_catalog *c, struct err *e)
{
	for (int waited = 0;; waited += 10) {
		sqlite3_stmt *st;
		int rc = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
		if (rc == SQLITE_OK) {
			rc = sqlite3_step(st);
			const char *mode = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
			int wal = mode && strcmp(mode, "wal") == 0;
			sqlite3_finalize(st);
			if (wal)
				return 0;
			if (rc == SQLITE_ROW)
				return err_set(e, -ENOTSUP, "catalog '%s': the file system does not allow "
						"write-ahead logging", c->path);
		}
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited >= BUSY_TIMEOUT_MS)
			return db_fail(c, rc, "setting WAL mode", e);
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

/* The schema, made by whichever of several first users gets there first. */
static int setup(struct volarc_catalog *c, struct err *e)
{
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	/* FULL: a committed reference survives a power cut */
	int rc = set_wal(c, e);
	if (rc == 0)
		rc = exec(c, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", "setting it up", e);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st;
	int version = 0;
	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			version = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (version == SCHEMA_VERSION)
		return 0;
	if (version > SCHEMA_VERSION)
		return err_set(e, -EPROTO, "catalog '%s': made by a newer volarc (schema %d)", c->path, version);
	rc = exec(c, "BEGIN IMMEDIATE", "starting a transaction", e);
	if (rc < 0)
		return rc;
	char sql[sizeof(schema) + 64];
	snprintf(sql, sizeof(sql), "%sPRAGMA user_version=%d;", schema, SCHEMA_VERSION);
	rc = exec(c, sql, "making the tables", e);
	if (rc == 0)
		rc = exec(c, "COMMIT", "making the tables", e);
	if (rc < 0)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int volarc_catalog_open(const char *path, int create, struct volarc_catalog **out, struct err *e)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno != ENOENT || !create)
			return err_set(e, -errno, "catalog '%s': %s", path, strerror(errno));
		int rc = make_dirs(path);
		if (rc < 0)
			return err_set(e, rc, "catalog '%s': making its directory: %s", path, strerror(-rc));
	}
	struct volarc_catalog *c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
	int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = db_fail(c, rc, "opening", e);
		volarc_catalog_close(c);
		return rc;
	}
	sqlite3_extended_result_codes(c->db, 0);
	/* SQLite opens a write-protected file read-only without a word; the
	 * first statement would then make -wal and -shm files beside it and
	 * fail. Refuse before any is run: nothing is left behind. */
	if (sqlite3_db_readonly(c->db, "main") == 1) {
		rc = err_set(e, -EACCES, "catalog '%s': read-only (volarc writes its catalog's log even "
			     "to read it): nothing done", path);
		volarc_catalog_close(c);
		return rc;
	}
	rc = setup(c, e);
	if (rc < 0) {
		volarc_catalog_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

void volarc_catalog_close(struct volarc_catalog *c)
{
	if (!c)
		return;
	sqlite3_close(c->db);
	free(c->path);
	free(c);
}

void volarc_refs_free(struct volarc_ref *refs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(refs[i].file);
		free(refs[i].volume);
		free(refs[i].serial);
	}
	free(refs);
}

static int prepare(struct volarc_catalog *c, const char *sql, sqlite3_stmt **st, struct err *e)
{
	int rc = sqlite3_prepare_v2(c->db, sql, -1, st, NULL);
	return rc == SQLITE_OK ? 0 : db_fail(c, rc, "preparing a query", e);
}

static int find_unknown(struct volarc_catalog *c, const struct volarc_set *set, char ***names, size_t *n,
			struct err *e)
{
	sqlite3_stmt *st;
	*names = NULL;
	*n = 0;
	int rc = prepare(c, "SELECT 1 FROM refs WHERE file = ?1 LIMIT 1", &st, e);
	for (size_t i = 0; i < set->nentries && rc == 0; i++) {
		const struct volarc_entry *en = &set->entries[i];
		if (en->is_dir)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, en->name, -1, SQLITE_STATIC);
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE) {
			*names = xrealloc(*names, (*n + 1) * sizeof(**names));
			(*names)[(*n)++] = xstrdup(en->name);
		} else if (s != SQLITE_ROW) {
			rc = db_fail(c, s, "reading", e);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int volarc_catalog_unknown(struct volarc_catalog *c, const struct volarc_set *set, char ***names, size_t *n,
			   struct err *e)
{
	return find_unknown(c, set, names, n, e);
}

static int count_files(const struct volarc_set *set)
{
	int n = 0;
	for (size_t i = 0; i < set->nentries; i++)
		n += !set->entries[i].is_dir;
	return n;
}

static int insert_refs(struct volarc_catalog *c, const struct volarc_set *set, const struct volarc_record_opts *o,
		       struct err *e)
{
	sqlite3_stmt *st;
	int rc = prepare(c, "INSERT INTO catalogings(volume, serial, volumes, created, catalogued, files, kind) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, e);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, o->volume, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, set->serial, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)set->count);
	sqlite3_bind_int64(st, 4, set->created);
	sqlite3_bind_int64(st, 5, o->now);
	sqlite3_bind_int(st, 6, count_files(set));
	sqlite3_bind_text(st, 7, o->add ? "add" : "copy", -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s != SQLITE_DONE)
		return db_fail(c, s, "recording the cataloguing", e);
	sqlite3_int64 run = sqlite3_last_insert_rowid(c->db);
	rc = prepare(c, "INSERT INTO refs(cataloging, file, volume, serial, vol_index, volumes, sha256, size, "
		     "mtime, created, catalogued) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
		     "ON CONFLICT (file, serial) DO UPDATE SET cataloging = excluded.cataloging, "
		     "volume = excluded.volume, vol_index = excluded.vol_index, volumes = excluded.volumes, "
		     "sha256 = excluded.sha256, size = excluded.size, mtime = excluded.mtime, "
		     "created = excluded.created, catalogued = excluded.catalogued", &st, e);
	long done = 0;
	for (size_t i = 0; i < set->nentries && rc == 0; i++) {
		const struct volarc_entry *en = &set->entries[i];
		if (en->is_dir)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, en->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, o->volume, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, set->serial, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, (int)volarc_entry_start(en));
		sqlite3_bind_int(st, 6, (int)set->count);
		sqlite3_bind_text(st, 7, en->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, (sqlite3_int64)en->size);
		sqlite3_bind_int64(st, 9, en->mtime);
		sqlite3_bind_int64(st, 10, set->created);
		sqlite3_bind_int64(st, 11, o->now);
		s = sqlite3_step(st);
		if (s != SQLITE_DONE)
			rc = db_fail(c, s, "recording a reference", e);
		/* tests: a crash in the middle of the transaction */
		if (o->crash_after && ++done == o->crash_after)
			_exit(99);
	}
	sqlite3_finalize(st);
	return rc;
}

int volarc_catalog_record(struct volarc_catalog *c, const struct volarc_set *set,
			  const struct volarc_record_opts *o, char ***unknown, size_t *nunknown, struct err *e)
{
	*unknown = NULL;
	*nunknown = 0;
	/* IMMEDIATE: take the write lock now, so that the --add check and the
	 * references it allows are one consistent step */
	int rc = exec(c, "BEGIN IMMEDIATE", "starting a transaction", e);
	if (rc < 0)
		return rc;
	if (o->add) {
		rc = find_unknown(c, set, unknown, nunknown, e);
		if (rc == 0 && *nunknown)
			rc = err_set(e, -ENOENT, "%zu file%s not catalogued yet", *nunknown, *nunknown == 1 ? " is" : "s are");
	}
	if (rc == 0)
		rc = insert_refs(c, set, o, e);
	if (rc == 0)
		rc = exec(c, "COMMIT", "committing", e);
	if (rc < 0)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int volarc_catalog_where(struct volarc_catalog *c, const char *file, struct volarc_ref **refs, size_t *n,
			 struct err *e)
{
	sqlite3_stmt *st;
	*refs = NULL;
	*n = 0;
	int rc = prepare(c, "SELECT file, volume, serial, vol_index, volumes, sha256, size, mtime, created, "
			 "catalogued FROM refs WHERE file = ?1 ORDER BY catalogued DESC, cataloging DESC", &st, e);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		*refs = xrealloc(*refs, (*n + 1) * sizeof(**refs));
		struct volarc_ref *r = &(*refs)[(*n)++];
		memset(r, 0, sizeof(*r));
		r->file = xstrdup((const char *)sqlite3_column_text(st, 0));
		r->volume = xstrdup((const char *)sqlite3_column_text(st, 1));
		r->serial = xstrdup((const char *)sqlite3_column_text(st, 2));
		r->index = (unsigned)sqlite3_column_int(st, 3);
		r->volumes = (unsigned)sqlite3_column_int(st, 4);
		snprintf(r->sha256, sizeof(r->sha256), "%s", (const char *)sqlite3_column_text(st, 5));
		r->size = (uint64_t)sqlite3_column_int64(st, 6);
		r->mtime = sqlite3_column_int64(st, 7);
		r->created = sqlite3_column_int64(st, 8);
		r->catalogued = sqlite3_column_int64(st, 9);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		volarc_refs_free(*refs, *n);
		*refs = NULL;
		*n = 0;
		return db_fail(c, s, "reading", e);
	}
	return 0;
}

int volarc_catalog_link(struct volarc_catalog *c, const char *volume, const char *serial, const char *path,
			int64_t now, struct err *e)
{
	sqlite3_stmt *st;
	int rc = prepare(c, "INSERT INTO links(volume, serial, path, linked) VALUES (?1, ?2, ?3, ?4) "
			 "ON CONFLICT (volume) DO UPDATE SET serial = excluded.serial, path = excluded.path, "
			 "linked = excluded.linked", &st, e);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, volume, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? 0 : db_fail(c, s, "recording the link", e);
}

static char *one_text(struct volarc_catalog *c, const char *sql, const char *a)
{
	sqlite3_stmt *st;
	char *out = NULL;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

char *volarc_catalog_link_lookup(struct volarc_catalog *c, const char *volume, const char *serial)
{
	char *p = one_text(c, "SELECT path FROM links WHERE volume = ?1", volume);
	if (!p && serial)
		p = one_text(c, "SELECT path FROM links WHERE serial = ?1 ORDER BY linked DESC LIMIT 1", serial);
	return p;
}

char *volarc_catalog_serial_of(struct volarc_catalog *c, const char *volume)
{
	return one_text(c, "SELECT serial FROM catalogings WHERE volume = ?1 ORDER BY catalogued DESC, id DESC LIMIT 1",
			volume);
}
