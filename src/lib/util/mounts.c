/* /proc/self/mountinfo: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mounts.h"
#include "xalloc.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static char *unescape(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

int mounts_read(struct mount_table *t)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0, alloc = 32;
	memset(t, 0, sizeof(*t));
	if (!f)
		return -errno;
	t->e = xcalloc(alloc, sizeof(*t->e));
	while (getline(&line, &cap, f) > 0) {
		char *fields[16];
		int nf = 0;
		for (char *save = NULL, *tok = strtok_r(line, " \n", &save); tok && nf < 16;
		     tok = strtok_r(NULL, " \n", &save))
			fields[nf++] = tok;
		/* optional fields end at "-"; then fstype, source, super options */
		int dash = -1;
		for (int i = 6; i < nf; i++)
			if (strcmp(fields[i], "-") == 0) {
				dash = i;
				break;
			}
		if (nf < 6 || dash < 0 || dash + 2 >= nf)
			continue;
		unsigned maj, min;
		if (sscanf(fields[2], "%u:%u", &maj, &min) != 2)
			continue;
		if (t->n == alloc)
			t->e = xrealloc(t->e, (alloc *= 2) * sizeof(*t->e));
		struct mount_entry *m = &t->e[t->n++];
		m->major = maj;
		m->minor = min;
		m->target = unescape(fields[4]);
		m->options = xstrdup(fields[5]);
		m->fstype = xstrdup(fields[dash + 1]);
		m->source = unescape(fields[dash + 2]);
	}
	free(line);
	fclose(f);
	return 0;
}

void mounts_release(struct mount_table *t)
{
	for (size_t i = 0; t && i < t->n; i++) {
		free(t->e[i].target);
		free(t->e[i].fstype);
		free(t->e[i].source);
		free(t->e[i].options);
	}
	if (t) {
		free(t->e);
		memset(t, 0, sizeof(*t));
	}
}

const struct mount_entry *mounts_find_dev(const struct mount_table *t, unsigned major, unsigned minor)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].major == major && t->e[i].minor == minor)
			return &t->e[i];
	return NULL;
}

const struct mount_entry *mounts_find_target(const struct mount_table *t, const char *path)
{
	const struct mount_entry *found = NULL;
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->e[i].target, path) == 0)
			found = &t->e[i];
	return found;
}

int mounts_is_target(const char *path)
{
	struct mount_table mt;
	if (mounts_read(&mt) < 0)
		return 0;
	int m = mounts_find_target(&mt, path) != NULL;
	mounts_release(&mt);
	return m;
}
