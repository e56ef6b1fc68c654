/* What phase 2 installs into a clone: AIX's alt_disk_copy -l -w -b -F -f -I
 * on a Linux package manager. -l names where packages come from (a
 * directory of package files, a flat repository, or "system": the
 * repositories the clone is configured with); -w and -b name packages to
 * install or upgrade (-b update_all: upgrade whatever the location has newer);
 * -F and -f exact versions (name=version); -I extra words for the package
 * manager. Parsed and checked here, before anything is written. */
#ifndef ALTKIT_PKGREQ_H
#define ALTKIT_PKGREQ_H
#include <stddef.h>

#include "err.h"

#define PKGREQ_MAX_ITEMS 256
#define PKGREQ_MAX_FLAGS 32
#define PKGREQ_UPDATE_ALL "update_all"

struct pkgreq {
	const char *location;           /* -l: a directory, or "system" */
	int update_all;                 /* -b update_all */
	char *items[PKGREQ_MAX_ITEMS];  /* "name" or "name=version", in order */
	size_t n;
	char *flags[PKGREQ_MAX_FLAGS];  /* -I, word by word */
	size_t nflags;
};

/* Words (blank or comma separated) as items; pinned: each must be
 * name=version (-F), else a name (-w). what names the option for e. */
int pkgreq_add_words(struct pkgreq *r, const char *words, int pinned, const char *what, struct err *e);
/* A file with one item per line (# comments, blank lines skipped): -b's
 * bundle (names), -f's fixes (name=version). -b update_all is no file. */
int pkgreq_add_file(struct pkgreq *r, const char *file, int pinned, const char *what, struct err *e);
int pkgreq_set_flags(struct pkgreq *r, const char *words, struct err *e);
/* -l without anything to install, or something to install without -l
 * (usage errors, as on AIX). */
int pkgreq_check(const struct pkgreq *r, struct err *e);
/* Anything asked for at all. */
int pkgreq_wanted(const struct pkgreq *r);
void pkgreq_release(struct pkgreq *r);
#endif
