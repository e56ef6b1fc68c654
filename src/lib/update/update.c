/* Phase 2's package installation into a clone (update.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "chrootenv.h"
#include "intree.h"
#include "update.h"

int update_check(const struct pkgreq *r, struct err *e)
{
	struct pkgloc loc;
	int rc = pkgreq_check(r, e);
	if (rc < 0 || !r->location)
		return rc;
	if ((rc = pkgloc_open(r->location, &loc, e)) < 0)
		return rc;
	pkgloc_close(&loc);
	return 0;
}

static int rpm_tree(const char *root)
{
	static const char *const marks[] = { "usr/bin/rpm", "var/lib/rpm", "usr/lib/sysimage/rpm", NULL };
	int n = 0;
	for (int i = 0; marks[i]; i++) {
		int fd = intree_open(root, marks[i], O_PATH, 0);
		if (fd >= 0) {
			close(fd);
			n++;
		}
	}
	return n >= 2;
}

/* The clone's package manager, known and sane, before anything is done. */
static int check_tree(const struct apt_ctx *a, struct err *e)
{
	if (!apt_detect(a->root))
		return rpm_tree(a->root)
		       ? err_set(e, -ENOTSUP, "the clone's packages are rpm's: installing into it in phase 2 is "
				 "done for apt and dpkg only so far")
		       : err_set(e, -ENOENT, "the clone has no package manager altkit drives (apt-get and dpkg)");
	return 0;
}

static void report_say(const struct update_report *rep, const char *msg)
{
	if (rep && rep->say)
		rep->say(rep->arg, msg);
}

void update_cleanup(const char *root)
{
	char pool[512];
	snprintf(pool, sizeof(pool), "%s/%s/update/pool", root, CHROOTENV_WORK);
	umount2(pool, MNT_DETACH | UMOUNT_NOFOLLOW);
	chrootenv_leave(root);
}

/* A failure: the database made consistent again, and e says what happened. */
static void after_failure(const struct apt_ctx *a, struct err *e)
{
	char removed[512], msg[sizeof(e->msg)];
	struct err ae;
	apt_repair(a, removed, sizeof(removed));
	char *audit = apt_audit(a, &ae);
	snprintf(msg, sizeof(msg), "%s", e->msg);
	if (removed[0])
		snprintf(e->msg, sizeof(e->msg), "%s\nleft half-installed, so removed again to keep the clone's "
			 "package database consistent: %s", msg, removed);
	if (!audit || audit[0]) {
		size_t l = strlen(e->msg);
		snprintf(e->msg + l, sizeof(e->msg) - l, "\n'dpkg --audit' in the clone still reports: %.300s",
			 audit ? audit : ae.msg);
	}
	free(audit);
}

int update_tree(const char *root, const struct pkgreq *r, const struct update_report *rep, struct err *e)
{
	struct pkgloc loc;
	struct apt_ctx a = { .root = root, .r = r, .loc = &loc, .rep = rep };
	char *audit = NULL;
	int rc;
	if ((rc = pkgloc_open(r->location, &loc, e)) < 0)
		return rc;
	if ((rc = check_tree(&a, e)) < 0 || (rc = chrootenv_enter(root, e)) < 0) {
		pkgloc_close(&loc);
		return rc;
	}
	/* a database that needs repair before anything goes in is the admin's */
	if (!(audit = apt_audit(&a, e)))
		rc = -EIO;
	else if (audit[0])
		rc = err_set(e, -EINVAL, "the clone's package database needs repair first; 'dpkg --audit' says: %.400s",
			     audit);
	free(audit);
	if (rc == 0)
		rc = apt_add_location(&a, e);
	if (rc == 0) {
		rc = apt_install(&a, e);
		if (rc < 0 && e->code == -EIO)
			after_failure(&a, e);
		if (rc == 0)
			report_say(rep, "the packages are installed in the clone");
	}
	update_cleanup(root);
	pkgloc_close(&loc);
	return rc;
}
