/* -l: where phase 2's packages come from. A directory is either a flat
 * repository (a Packages index at its top, as dpkg-scanpackages or
 * apt-ftparchive make it) or a plain directory of .deb files, for which an
 * index is made in the clone's /run for the run. */
#ifndef ALTKIT_PKGLOC_H
#define ALTKIT_PKGLOC_H
#include <stddef.h>

#include "err.h"

#define PKGLOC_MAX_FILES 1024

enum pkgloc_kind { PKGLOC_SYSTEM, PKGLOC_FLAT_REPO, PKGLOC_DEB_DIR };

struct pkgloc {
	enum pkgloc_kind kind;
	const char *path;
	int dirfd;                      /* the directory (-1 for system) */
	char *debs[PKGLOC_MAX_FILES];   /* DEB_DIR: the .deb files' names */
	size_t ndebs;
};

/* Open and look at location ("system" or a directory). Refused: no such
 * directory, not a directory, nothing apt could install from it, a .deb
 * whose name a sources.list index cannot hold. 0 or -errno with e. */
int pkgloc_open(const char *location, struct pkgloc *l, struct err *e);
void pkgloc_close(struct pkgloc *l);

/* The Packages index of a DEB_DIR: one stanza per file, its control
 * fields (control_of gives them, e.g. dpkg-deb --field in the clone),
 * Filename pool/NAME, Size and SHA256. malloc'd text or NULL with e. */
char *pkgloc_index(const struct pkgloc *l, const char *pool,
		   char *(*control_of)(void *arg, const char *path, struct err *e), void *arg, struct err *e);
#endif
