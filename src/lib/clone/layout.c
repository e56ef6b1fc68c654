#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"
#include "inputfile.h"
#include "size.h"
#include "xalloc.h"

/* "line N: <what is wrong>" */
static int fail(struct err *err, unsigned line, const char *fmt, const char *arg)
{
	char what[512];
	snprintf(what, sizeof(what), fmt, arg);
	return err_set(err, -EINVAL, "line %u: %s", line, what);
}

/* LVM names: letters, digits and . _ - +; not starting with '-'. */
static int valid_lv_name(const char *s)
{
	if (!*s || *s == '-' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-+", *s))
			return 0;
	return 1;
}

static int parse_line(char *line, unsigned lineno, struct layout_entry *e, struct err *err)
{
	char *f[5];
	int n = 0;
	for (char *save = NULL, *tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == 4)
			return fail(err, lineno, "too many fields: expected name, size, fstype, mountpoint%s", "");
		f[n++] = tok;
	}
	if (n != 4)
		return fail(err, lineno, "expected 4 fields (name, size, fstype, mountpoint)%s", "");
	memset(e, 0, sizeof(*e));
	e->line = lineno;
	if (!valid_lv_name(f[0]) || strlen(f[0]) >= sizeof(e->name))
		return fail(err, lineno, "name '%s': not a valid LV name", f[0]);
	snprintf(e->name, sizeof(e->name), "%s", f[0]);
	if (strcmp(f[1], "same") == 0) {
		e->size_kind = LAYOUT_SAME;
	} else if (strncmp(f[1], "used+", 5) == 0) {
		char *end;
		const char *num = f[1] + 5;
		unsigned long v = isdigit((unsigned char)*num) ? strtoul(num, &end, 10) : 0;
		if (!isdigit((unsigned char)*num) || strcmp(end, "%") != 0 || v > 1000)
			return fail(err, lineno, "size '%s': expected SIZE, used+N%% or same", f[1]);
		e->size_kind = LAYOUT_USED_PCT;
		e->pct = (unsigned)v;
	} else {
		if (parse_size(f[1], &e->bytes) < 0 || e->bytes == 0)
			return fail(err, lineno, "size '%s': expected SIZE, used+N%% or same", f[1]);
		e->size_kind = LAYOUT_BYTES;
	}
	static const char *const types[] = { "ext2", "ext3", "ext4", "swap", "xfs", "vfat", "raw", NULL };
	int ok = 0;
	for (int i = 0; types[i]; i++)
		ok |= strcmp(f[2], types[i]) == 0;
	if (!ok)
		return fail(err, lineno, "fstype '%s': expected ext2, ext3, ext4, swap, xfs, vfat or raw", f[2]);
	snprintf(e->fstype, sizeof(e->fstype), "%s", f[2]);
	if (strcmp(f[3], "-") != 0 && (f[3][0] != '/' || strstr(f[3], "/../") || strlen(f[3]) >= sizeof(e->mountpoint)))
		return fail(err, lineno, "mountpoint '%s': expected an absolute path or -", f[3]);
	snprintf(e->mountpoint, sizeof(e->mountpoint), "%s", f[3]);
	return 0;
}

int layout_parse(const char *text, struct layout *l, struct err *err)
{
	char *copy = xstrdup(text);
	size_t cap = 8;
	unsigned lineno = 0;
	memset(l, 0, sizeof(*l));
	l->e = xcalloc(cap, sizeof(*l->e));
	int rc = 0;
	for (char *p = copy, *nl; p && rc == 0; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		lineno++;
		char *hash = strchr(p, '#');
		if (hash)
			*hash = '\0';
		if (strspn(p, " \t\r") == strlen(p))
			continue;
		p[strcspn(p, "\r")] = '\0';
		if (l->n == cap)
			l->e = xrealloc(l->e, (cap *= 2) * sizeof(*l->e));
		rc = parse_line(p, lineno, &l->e[l->n], err);
		if (rc == 0) {
			for (size_t i = 0; i < l->n; i++) {
				if (strcmp(l->e[i].name, l->e[l->n].name) == 0)
					rc = fail(err, lineno, "name '%s' is listed twice", l->e[i].name);
				else if (strcmp(l->e[l->n].mountpoint, "-") != 0 &&
					 strcmp(l->e[i].mountpoint, l->e[l->n].mountpoint) == 0)
					rc = fail(err, lineno, "mountpoint '%s' is listed twice", l->e[i].mountpoint);
			}
			l->n++;
		}
	}
	free(copy);
	if (rc < 0)
		layout_release(l);
	return rc;
}

int layout_load(const char *file, struct layout *l, struct err *err)
{
	size_t len;
	char *buf;
	struct err ie;
	int rc = input_file_read(file, INPUT_MAX_TEXT, &buf, &len, &ie);
	if (rc < 0)     /* -EINVAL is a line's fault; the caller names the file */
		return err_set(err, rc == -EINVAL ? -ENXIO : rc, "%s", ie.msg);
	rc = strlen(buf) != len ? fail(err, 0, "holds a NUL byte%s", "") : layout_parse(buf, l, err);
	free(buf);
	return rc;
}

void layout_release(struct layout *l)
{
	if (!l)
		return;
	free(l->e);
	memset(l, 0, sizeof(*l));
}

const struct layout_entry *layout_find(const struct layout *l, const char *mountpoint, const char *lvname)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct layout_entry *e = &l->e[i];
		if (mountpoint && *mountpoint ? strcmp(e->mountpoint, mountpoint) == 0
					       : strcmp(e->mountpoint, "-") == 0 && strcmp(e->name, lvname) == 0)
			return e;
	}
	return NULL;
}

void layout_write_entry(FILE *out, const char *name, uint64_t bytes, const char *fstype, const char *mountpoint)
{
	char size[32];
	snprintf(size, sizeof(size), "%lluM", (unsigned long long)((bytes + (1 << 20) - 1) >> 20));
	fprintf(out, "%-16s %-10s %-6s %s\n", name, size, fstype && *fstype ? fstype : "raw",
		mountpoint && *mountpoint ? mountpoint : "-");
}
