/* Debian's apt-get and dpkg, run chrooted in a tree (update.h). apt is
 * pointed at the location alone: its own sources.list, lists and archive
 * cache in the tree's fresh /run (gone when the run ends), so that the
 * clone's apt state is left as it was and only what the location offers
 * can be installed; dependencies already installed count. -l system uses
 * the clone's own sources instead. Configuration files the admin changed
 * are kept (--force-confold). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "beneath.h"
#include "chrootenv.h"
#include "intree.h"
#include "run.h"
#include "update.h"
#include "xalloc.h"

#define WORK CHROOTENV_WORK "/update"   /* in the tree */
#define IN_CHROOT(rel) "/" rel          /* the same, as the chroot sees it */
#define MAX_ARGS (PKGREQ_MAX_ITEMS + PKGREQ_MAX_FLAGS + 40)

static char *env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"DEBIAN_FRONTEND=noninteractive", "DEBCONF_NONINTERACTIVE_SEEN=true",
	"LC_ALL=C", "HOME=/root", "TERM=dumb", "SYSTEMD_OFFLINE=1", NULL,
};

struct args {
	char *v[MAX_ARGS];
	size_t n;
};

static void push(struct args *a, const char *w)
{
	if (a->n < MAX_ARGS - 1)
		a->v[a->n++] = (char *)w;
	a->v[a->n] = NULL;
}

/* apt-get with the options every run takes, then the location's. */
static void apt_get(const struct apt_ctx *a, struct args *v)
{
	static const char *const common[] = {
		"apt-get", "-y", "-q", "-o", "Dpkg::Use-Pty=0", "-o", "APT::Color=0",
		"-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold", NULL,
	};
	static const char *const local[] = {
		"-o", "Dir::Etc::SourceList=" IN_CHROOT(WORK) "/sources.list",
		"-o", "Dir::Etc::SourceParts=" IN_CHROOT(WORK) "/parts",
		"-o", "Dir::State::Lists=" IN_CHROOT(WORK) "/lists",
		"-o", "Dir::Cache::Archives=" IN_CHROOT(WORK) "/archives",
		"-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
		"-o", "APT::Get::List-Cleanup=false", "-o", "APT::Sandbox::User=root", NULL,
	};
	v->n = 0;
	for (int i = 0; common[i]; i++)
		push(v, common[i]);
	for (int i = 0; a->loc->kind != PKGLOC_SYSTEM && local[i]; i++)
		push(v, local[i]);
}

static void user_flags(const struct apt_ctx *a, struct args *v)
{
	for (size_t i = 0; i < a->r->nflags; i++)
		push(v, a->r->flags[i]);
}

/* ---- running in the tree ---- */

static void show_line(void *arg, const char *line)
{
	const struct update_report *rep = arg;
	if (rep && rep->line)
		rep->line(rep->arg, line);
}

/* Run v in the tree, its lines shown; the exit status or -errno. */
static int run_shown(const struct apt_ctx *a, const struct args *v, struct run_stream *s)
{
	memset(s, 0, sizeof(*s));
	s->root = a->root;
	s->env = env;
	s->line = show_line;
	s->arg = (void *)a->rep;
	return run_stream(v->v, s);
}

struct text {
	char *p;
	size_t len;
};

static void keep_line(void *arg, const char *line)
{
	struct text *t = arg;
	size_t l = strlen(line);
	t->p = xrealloc(t->p, t->len + l + 2);
	memcpy(t->p + t->len, line, l);
	t->len += l;
	t->p[t->len++] = '\n';
	t->p[t->len] = '\0';
}

/* Run v in the tree and return its output (malloc'd, "" when none), or
 * NULL with e when it could not run or failed. */
static char *run_captured(const struct apt_ctx *a, const struct args *v, struct err *e)
{
	struct run_stream s = { .root = a->root, .env = env, .line = keep_line };
	struct text t = { xstrdup(""), 0 };
	s.arg = &t;
	int rc = run_stream(v->v, &s);
	if (rc == 0)
		return t.p;
	if (rc < 0)
		err_errno(e, rc, "cannot run '%s' in the clone", v->v[0]);
	else
		err_set(e, -EIO, "'%s' failed in the clone (exit %d)%s%s", v->v[0], rc, s.ntail ? ": " : "",
			s.ntail ? s.tail[s.ntail - 1] : "");
	free(t.p);
	return NULL;
}

/* "'apt-get install' failed in the clone (exit 100):" and its last lines. */
static int failed(const struct args *v, const char *step, int rc, const struct run_stream *s, struct err *e)
{
	if (rc < 0)
		return err_errno(e, rc, "cannot run '%s' in the clone", v->v[0]);
	int n = snprintf(e->msg, sizeof(e->msg), "'%s %s' failed in the clone (exit %d)%s", v->v[0], step, rc,
			 s->ntail ? ":" : "");
	for (size_t i = s->ntail > 6 ? s->ntail - 6 : 0; i < s->ntail && n > 0 && (size_t)n < sizeof(e->msg); i++)
		n += snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, "\n  %s", s->tail[i]);
	e->code = -EIO;
	return -EIO;
}

int apt_detect(const char *root)
{
	static const char *const need[] = { "usr/bin/apt-get", "usr/bin/dpkg", "var/lib/dpkg/status", NULL };
	for (int i = 0; need[i]; i++) {
		int fd = intree_open(root, need[i], O_PATH, 0);
		if (fd < 0)
			return 0;
		close(fd);
	}
	return 1;
}

char *apt_audit(const struct apt_ctx *a, struct err *e)
{
	struct args v = { .n = 0 };
	push(&v, "dpkg");
	push(&v, "--audit");
	return run_captured(a, &v, e);
}

/* ---- the location as an apt source ---- */

static char *control_of(void *arg, const char *path, struct err *e)
{
	const struct apt_ctx *a = arg;
	struct args v = { .n = 0 };
	push(&v, "dpkg-deb");
	push(&v, "--field");
	push(&v, path);
	char *text = run_captured(a, &v, e);
	if (!text)
		err_prefix(e, "-l '%.200s': '%s' is not a Debian package", a->loc->path, strrchr(path, '/') + 1);
	return text;
}

/* -l system: a clone whose resolv.conf points into /run (systemd-resolved's
 * stub) gets the running system's there, in the fresh /run. */
static void system_resolver(const struct apt_ctx *a)
{
	char target[256], rel[300];
	int etc = intree_open(a->root, "etc", O_PATH | O_DIRECTORY, 0);
	ssize_t n = etc < 0 ? -1 : readlinkat(etc, "resolv.conf", target, sizeof(target) - 1);
	if (etc >= 0)
		close(etc);
	if (n <= 0)
		return;
	target[n] = '\0';
	const char *p = strncmp(target, "../run/", 7) == 0 ? target + 3 : strncmp(target, "/run/", 5) == 0 ? target + 1
		: NULL;
	if (!p || strstr(p, ".."))
		return;
	snprintf(rel, sizeof(rel), "%s", p);
	char *slash = strrchr(rel, '/');
	*slash = '\0';
	int rootfd = open(a->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int dir = rootfd < 0 ? -1 : beneath_mkdirs(rootfd, rel, 0755);
	if (dir >= 0)
		close(dir);
	if (rootfd >= 0)
		close(rootfd);
	*slash = '/';
	if (dir >= 0)
		intree_copy_in(a->root, "/etc/resolv.conf", rel, 0644);
}

int apt_add_location(const struct apt_ctx *a, struct err *e)
{
	static const char *const dirs[] = { WORK, WORK "/pool", WORK "/parts", WORK "/lists", WORK "/lists/partial",
					    WORK "/archives", WORK "/archives/partial", WORK "/index", NULL };
	char src[64], line[128];
	int rc;
	if (a->loc->kind == PKGLOC_SYSTEM) {
		system_resolver(a);
		return 0;
	}
	for (int i = 0; dirs[i]; i++)
		if ((rc = intree_mkdir(a->root, dirs[i], 0755)) < 0)
			return err_errno(e, rc, "making /%s in the clone", dirs[i]);
	/* the location, read-only, bound in through the descriptor it was opened with */
	snprintf(src, sizeof(src), "/proc/self/fd/%d", a->loc->dirfd);
	if ((rc = intree_mount(a->root, WORK "/pool", src, NULL, MS_BIND, NULL)) < 0 ||
	    (rc = intree_mount(a->root, WORK "/pool", NULL, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL)) < 0)
		return err_errno(e, rc, "-l '%.200s': binding it into the clone", a->loc->path);
	if (a->loc->kind == PKGLOC_DEB_DIR) {
		char *index = pkgloc_index(a->loc, IN_CHROOT(WORK) "/pool", control_of, (void *)a, e);
		if (!index)
			return -EINVAL;
		rc = intree_write(a->root, WORK "/index/Packages", index, strlen(index), 0644);
		free(index);
		if (rc < 0)
			return err_errno(e, rc, "writing the index of '%.200s' in the clone", a->loc->path);
	}
	snprintf(line, sizeof(line), "deb [trusted=yes] file:%s\n", a->loc->kind == PKGLOC_DEB_DIR
		 ? IN_CHROOT(WORK) " index/" : IN_CHROOT(WORK) "/pool ./");
	if ((rc = intree_write(a->root, WORK "/sources.list", line, strlen(line), 0644)) < 0)
		return err_errno(e, rc, "writing the clone's sources.list for the run");
	return 0;
}

/* ---- installing ---- */

static void say(const struct apt_ctx *a, const char *fmt, const char *arg)
{
	char msg[512];
	snprintf(msg, sizeof(msg), fmt, arg);
	if (a->rep && a->rep->say)
		a->rep->say(a->rep->arg, msg);
}

/* update_all, simulated: how many packages it would install or upgrade. */
static int upgrades_wanted(const struct apt_ctx *a, struct err *e)
{
	struct args v;
	apt_get(a, &v);
	user_flags(a, &v);
	push(&v, "-s");
	push(&v, "dist-upgrade");
	push(&v, "--no-remove");
	char *out = run_captured(a, &v, e);
	if (!out)
		return -EIO;
	int n = 0;
	for (const char *p = out; (p = strstr(p, "Inst ")); p += 5)
		n += p == out || p[-1] == '\n';
	free(out);
	return n;
}

int apt_install(const struct apt_ctx *a, struct err *e)
{
	struct run_stream s;
	struct args v;
	int rc, pinned = 0;
	apt_get(a, &v);
	push(&v, "update");
	say(a, "apt-get update (%s)", a->loc->path);
	if ((rc = run_shown(a, &v, &s)) != 0)
		return failed(&v, "update", rc, &s, e);
	if (a->r->update_all) {
		if ((rc = upgrades_wanted(a, e)) < 0)
			return rc;
		if (rc == 0) {
			say(a, "update_all: nothing in '%s' is newer than what the clone has", a->loc->path);
			if (a->r->n == 0)
				return 1;
		} else {
			apt_get(a, &v);
			user_flags(a, &v);
			push(&v, "dist-upgrade");
			push(&v, "--no-remove");
			say(a, "apt-get dist-upgrade --no-remove: update_all from '%s'", a->loc->path);
			if ((rc = run_shown(a, &v, &s)) != 0)
				return failed(&v, "dist-upgrade", rc, &s, e);
		}
	}
	if (a->r->n == 0)
		return 0;
	apt_get(a, &v);
	user_flags(a, &v);
	for (size_t i = 0; i < a->r->n; i++)
		pinned |= strchr(a->r->items[i], '=') != NULL;
	/* -F: the version asked for, older or not */
	if (pinned)
		push(&v, "--allow-downgrades");
	push(&v, "install");
	for (size_t i = 0; i < a->r->n; i++)
		push(&v, a->r->items[i]);
	char list[400];
	size_t n = 0;
	for (size_t i = 0; i < a->r->n && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? " " : "", a->r->items[i]);
	say(a, "apt-get install %s", list);
	if ((rc = run_shown(a, &v, &s)) != 0)
		return failed(&v, "install", rc, &s, e);
	return 0;
}

/* ---- after a failure ---- */

size_t apt_parse_broken(char *text, char *names[], size_t max)
{
	size_t n = 0;
	/* "<want><status><error> <package>": half-installed, unpacked,
	 * half-configured, awaiting or pending triggers, or reinst-required */
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save)) {
		if (strlen(l) < 5 || l[3] != ' ')
			continue;
		if (strchr("HUFWt", l[1]) || l[2] == 'R')
			names[n++] = l + 4;
	}
	return n;
}

void apt_repair(const struct apt_ctx *a, char *removed, size_t len)
{
	struct args v = { .n = 0 };
	struct run_stream s;
	struct err e;
	char *names[PKGREQ_MAX_ITEMS];
	removed[0] = '\0';
	push(&v, "dpkg-query");
	push(&v, "-W");
	push(&v, "-f=${db:Status-Abbrev} ${binary:Package}\\n");
	char *out = run_captured(a, &v, &e);
	size_t n = out ? apt_parse_broken(out, names, PKGREQ_MAX_ITEMS) : 0;
	if (n) {
		v.n = 0;
		push(&v, "dpkg");
		push(&v, "--remove");
		push(&v, "--force-remove-reinstreq");
		push(&v, "--force-depends");
		for (size_t i = 0; i < n; i++) {
			push(&v, names[i]);
			size_t l = strlen(removed);
			snprintf(removed + l, len - l, "%s%s", l ? ", " : "", names[i]);
		}
		run_shown(a, &v, &s);
	}
	/* triggers the failed run left pending on packages that are fine */
	v.n = 0;
	push(&v, "dpkg");
	push(&v, "--configure");
	push(&v, "-a");
	run_shown(a, &v, &s);
	free(out);
}
