/* src/lib/update: the update request of alt_disk_copy -l -w -b -F -f -I
 * (pkgreq.c), its location (pkgloc.c) and the dpkg states a failed run
 * leaves (apt.c), as tables. A request row: -l, -w, -b file text (or
 * update_all), -F, -I -> the items apt gets, or the refusal ("!message"). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkgloc.h"
#include "pkgreq.h"
#include "tap.h"
#include "update.h"

static char dir[64];

static const struct row {
	const char *what, *location, *w, *bundle, *fixes, *flags, *want;
} rows[] = {
	{ "-w: names in order, blanks and commas", "system", "marker  tool,marker", NULL, NULL, NULL, "marker tool" },
	{ "-w: an architecture qualifier", "system", "libc6:amd64", NULL, NULL, NULL, "libc6:amd64" },
	{ "-b: a bundle file, comments skipped", "system", NULL, "# base\nmarker\n\ntool # the tool\n", NULL, NULL,
	  "marker tool" },
	{ "-b update_all: no file", "system", NULL, "update_all", NULL, NULL, "update_all" },
	{ "-F: exact versions", "system", NULL, NULL, "marker=2 tool=1:2.3-4~bpo12+1", NULL,
	  "marker=2 tool=1:2.3-4~bpo12+1" },
	{ "-w and -F together", "system", "tool", NULL, "marker=2", NULL, "tool marker=2" },
	{ "-I: words for apt-get", "system", "marker", NULL, NULL, "--no-install-recommends -o A::B=1",
	  "marker [--no-install-recommends -o A::B=1]" },
	{ "-l alone: nothing to install", "system", NULL, NULL, NULL, NULL,
	  "!-l 'system': nothing to install: add -w, -b, -F or -f" },
	{ "-w without -l", NULL, "marker", NULL, NULL, NULL,
	  "!-w, -b, -F and -f need -l: a directory of packages, a repository, or 'system'" },
	{ "-I without -l", NULL, NULL, NULL, NULL, "-q", "!-I needs -l and something to install" },
	{ "-w: an option in disguise", "system", "--reinstall", NULL, NULL, NULL, "!-w '--reinstall': not a package name" },
	{ "-w: a shell word", "system", "a;b", NULL, NULL, NULL, "!-w 'a;b': not a package name" },
	{ "-w: a version belongs to -F", "system", "marker=2", NULL, NULL, NULL, "!-w 'marker=2': not a package name" },
	{ "-F: no version", "system", NULL, NULL, "marker", NULL, "!-F 'marker': expected name=version" },
	{ "-F: a version with a space-less trick", "system", NULL, NULL, "marker=-1", NULL,
	  "!-F 'marker=-1': not a package name=version" },
	{ "-b: a bad line names the file", "system", NULL, "marker\n-x\n", NULL, NULL,
	  "!'BUNDLE': -b '-x': not a package name" },
};

static void run_row(const struct row *r)
{
	struct pkgreq q = { .location = r->location };
	struct err e = { 0, "" };
	char bundle[128], got[1024] = "";
	int rc = 0;
	snprintf(bundle, sizeof(bundle), "%s/bundle", dir);
	if (r->bundle && strcmp(r->bundle, "update_all") != 0) {
		FILE *f = fopen(bundle, "w");
		fputs(r->bundle, f);
		fclose(f);
	}
	if (r->w)
		rc = pkgreq_add_words(&q, r->w, 0, "-w", &e);
	if (!rc && r->bundle)
		rc = pkgreq_add_file(&q, strcmp(r->bundle, "update_all") ? bundle : "update_all", 0, "-b", &e);
	if (!rc && r->fixes)
		rc = pkgreq_add_words(&q, r->fixes, 1, "-F", &e);
	if (!rc && r->flags)
		rc = pkgreq_set_flags(&q, r->flags, &e);
	if (!rc)
		rc = pkgreq_check(&q, &e);
	if (rc < 0) {
		/* the bundle's temporary path, named as BUNDLE */
		char *p = strstr(e.msg, bundle);
		snprintf(got, sizeof(got), "!%.*s%s%s", p ? (int)(p - e.msg) : (int)strlen(e.msg), e.msg,
			 p ? "BUNDLE" : "", p ? p + strlen(bundle) : "");
	} else {
		size_t n = 0;
		for (size_t i = 0; i < q.n; i++)
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", n ? " " : "", q.items[i]);
		if (q.update_all)
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%supdate_all", n ? " " : "");
		for (size_t i = 0; i < q.nflags; i++)
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s%s", i ? " " : " [", q.flags[i],
					      i + 1 == q.nflags ? "]" : "");
	}
	is_str(got, r->want, r->what);
	pkgreq_release(&q);
}

/* ---- locations: what is in the directory -> kind, .deb files, refusal ---- */

static const struct locrow {
	const char *what, *files, *want;
} locrows[] = {
	{ "a directory of .deb files, sorted, others ignored", "b_2_all.deb|a_1_all.deb|notes.txt", "debs a_1_all.deb b_2_all.deb" },
	{ "a flat repository: a Packages index", "Packages|a_1_all.deb", "flat" },
	{ "a flat repository: Packages.xz", "Packages.xz", "flat" },
	{ "nothing apt could use", "notes.txt", "!-l 'LOC': no .deb files and no Packages index in it" },
	{ "a name an index cannot hold", "a_1_all.deb|bad name.deb",
	  "!-l 'LOC': 'bad name.deb': a package file name with characters an index cannot hold; rename it" },
	{ "a .deb that is a symlink is not taken", "@x.deb|a_1_all.deb", "debs a_1_all.deb" },
};

/* files: names separated by '|'; "@name" is a symlink out of the tree */
static void make_files(const char *loc, const char *files)
{
	char *copy = strdup(files), path[512];
	for (char *save = NULL, *w = strtok_r(copy, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
		snprintf(path, sizeof(path), "%s/%s", loc, w + (*w == '@'));
		if (*w == '@')
			ok(symlink("/etc/passwd", path) == 0, "  (a symlink made)");
		else
			close(open(path, O_WRONLY | O_CREAT, 0644));
	}
	free(copy);
}

static void run_locrow(const struct locrow *r, int i)
{
	char loc[128], got[1024] = "";
	struct pkgloc l;
	struct err e = { 0, "" };
	snprintf(loc, sizeof(loc), "%s/loc%d", dir, i);
	mkdir(loc, 0755);
	make_files(loc, r->files);
	if (pkgloc_open(loc, &l, &e) < 0) {
		char *p = strstr(e.msg, loc);
		snprintf(got, sizeof(got), "!%.*sLOC%s", (int)(p - e.msg), e.msg, p + strlen(loc));
	} else {
		size_t n = (size_t)snprintf(got, sizeof(got), "%s", l.kind == PKGLOC_FLAT_REPO ? "flat" : "debs");
		for (size_t k = 0; k < l.ndebs; k++)
			n += (size_t)snprintf(got + n, sizeof(got) - n, " %s", l.debs[k]);
		pkgloc_close(&l);
	}
	is_str(got, r->want, r->what);
}

static void refusals_of_location(void)
{
	struct pkgloc l;
	struct err e;
	char path[128];
	is_int(pkgloc_open("/nonexistent-altkit", &l, &e), -ENOENT, "-l: a directory that does not exist");
	is_str(e.msg, "-l '/nonexistent-altkit': no such directory", "  its message");
	snprintf(path, sizeof(path), "%s/bundle", dir);
	pkgloc_open(path, &l, &e);
	ok(strstr(e.msg, "not a directory") != NULL, "-l: a file is not a directory");
	is_int(pkgloc_open("system", &l, &e), 0, "-l system");
	is_int(l.kind, PKGLOC_SYSTEM, "  is the clone's own repositories");
}

/* A generated index: the control fields, then where the file is. */
static char *fake_control(void *arg, const char *path, struct err *e)
{
	(void)arg;
	(void)e;
	char *t = malloc(256);
	snprintf(t, 256, "Package: %s\n\nVersion: 1\n\n", strrchr(path, '/') + 1);
	return t;
}

static void index_of_debs(void)
{
	char loc[128], path[256];
	struct pkgloc l;
	struct err e;
	snprintf(loc, sizeof(loc), "%s/idx", dir);
	mkdir(loc, 0755);
	snprintf(path, sizeof(path), "%s/m_1_all.deb", loc);
	FILE *f = fopen(path, "w");
	fputs("abc", f);
	fclose(f);
	pkgloc_open(loc, &l, &e);
	char *idx = pkgloc_index(&l, "/run/pool", fake_control, NULL, &e);
	is_str(idx, "Package: m_1_all.deb\nVersion: 1\nFilename: pool/m_1_all.deb\nSize: 3\n"
		    "SHA256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n\n",
	       "index: one stanza (blank lines of the control dropped), Filename, Size, SHA256");
	free(idx);
	pkgloc_close(&l);
}

static void broken_states(void)
{
	char text[] = "ii  marker\niF  failpkg\nrc  old\niU  half\niHR worse\nit  trig\nun  gone\n";
	char *names[8];
	size_t n = apt_parse_broken(text, names, 8);
	char got[256] = "";
	for (size_t i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "", names[i]);
	is_str(got, "failpkg half worse trig", "dpkg states: half-configured, unpacked, reinst-required, triggers");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pkgreq_test.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
	for (size_t i = 0; i < sizeof(locrows) / sizeof(locrows[0]); i++)
		run_locrow(&locrows[i], (int)i);
	refusals_of_location();
	index_of_debs();
	broken_states();
	char *rm[] = { "rm", "-rf", dir, NULL };
	if (fork() == 0)
		execvp(rm[0], rm);
	return done_testing();
}
