/* Installing packages into a clone while production runs (alt_disk_copy -l
 * -w -b -F -f -I, phase 2): the clone's own package manager, run chrooted
 * into it (chrootenv.h) with the request of pkgreq.h and the packages of
 * pkgloc.h. Debian's apt and dpkg are driven (apt.c); a clone with rpm is
 * refused for now. The source is never touched: everything runs inside the
 * clone's tree, with what it needs in the clone's own fresh /run. */
#ifndef ALTKIT_UPDATE_H
#define ALTKIT_UPDATE_H
#include "err.h"
#include "pkgloc.h"
#include "pkgreq.h"

struct update_report {
	void (*say)(void *arg, const char *msg);        /* a step ("apt-get install marker") */
	void (*line)(void *arg, const char *line);      /* the package manager's output */
	void *arg;
};

/* The request and its location, before anything is written (the location
 * is opened and looked at, and closed again). 0 or -errno with e. */
int update_check(const struct pkgreq *r, struct err *e);

/* Install r into the tree at root. 0 when done, 1 when there was nothing
 * to do (update_all and nothing newer: said), negative with e: e says what
 * failed with the package manager's last line, rep->line had them all; the
 * tree's package database is left consistent (what the failed run left
 * half-installed is removed, and e says so). */
int update_tree(const char *root, const struct pkgreq *r, const struct update_report *rep, struct err *e);

/* What a crashed run left in the tree (mounts, policy-rc.d). */
void update_cleanup(const char *root);

/* ---- apt.c: Debian's apt-get and dpkg, in a tree made ready ---- */
struct apt_ctx {
	const char *root;
	const struct pkgreq *r;
	const struct pkgloc *loc;
	const struct update_report *rep;
};
int apt_detect(const char *root);
/* dpkg --audit's words on the tree ("" when clean), malloc'd, or NULL. */
char *apt_audit(const struct apt_ctx *a, struct err *e);
/* Make the location an apt source in the tree's /run (the pool bound in,
 * an index made for a directory of .deb files). */
int apt_add_location(const struct apt_ctx *a, struct err *e);
int apt_install(const struct apt_ctx *a, struct err *e);
/* dpkg-query's "${db:Status-Abbrev} ${binary:Package}" lines: the packages
 * a failed run left half-way (names point into text). */
size_t apt_parse_broken(char *text, char *names[], size_t max);
/* After a failed run: remove what is half-installed, finish what waits
 * for triggers. The packages removed go in removed (comma separated). */
void apt_repair(const struct apt_ctx *a, char *removed, size_t len);
#endif
