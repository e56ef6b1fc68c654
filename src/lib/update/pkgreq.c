/* The update request of alt_disk_copy (pkgreq.h). A name or version that
 * could be read as an option by the package manager ("-o...", "--x") or
 * holds anything beyond the characters Debian and RPM allow is refused
 * here: the words go into a package manager's argv as they are. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inputfile.h"
#include "pkgreq.h"
#include "xalloc.h"

static int alnum(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Debian: [a-z0-9][a-z0-9+.-]+ with an optional :arch; RPM adds capitals
 * and '_'. */
static int valid_name(const char *s, size_t len)
{
	if (len == 0 || len > 200 || !alnum(s[0]))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!alnum(s[i]) && !strchr("+.-_:", s[i]))
			return 0;
	return 1;
}

/* Debian's [epoch:]upstream[-revision] and RPM's [epoch:]version-release. */
static int valid_version(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > 200 || !alnum(s[0]))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!alnum(s[i]) && !strchr(".+~:_-", s[i]))
			return 0;
	return 1;
}

static int add_item(struct pkgreq *r, const char *word, int pinned, const char *what, struct err *e)
{
	const char *eq = strchr(word, '=');
	size_t nl = eq ? (size_t)(eq - word) : strlen(word);
	if (pinned && !eq)
		return err_set(e, -EINVAL, "%s '%.200s': expected name=version", what, word);
	if (!valid_name(word, nl) || (!pinned && eq) || (eq && !valid_version(eq + 1)))
		return err_set(e, -EINVAL, "%s '%.200s': not a package %s", what, word,
			       pinned ? "name=version" : "name");
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->items[i], word) == 0)
			return 0;
	if (r->n == PKGREQ_MAX_ITEMS)
		return err_set(e, -E2BIG, "%s: more than %d packages", what, PKGREQ_MAX_ITEMS);
	r->items[r->n++] = xstrdup(word);
	return 0;
}

int pkgreq_add_words(struct pkgreq *r, const char *words, int pinned, const char *what, struct err *e)
{
	char *copy = xstrdup(words);
	int rc = 0;
	for (char *save = NULL, *w = strtok_r(copy, " \t\n,", &save); w && !rc; w = strtok_r(NULL, " \t\n,", &save))
		rc = add_item(r, w, pinned, what, e);
	free(copy);
	return rc;
}

int pkgreq_add_file(struct pkgreq *r, const char *file, int pinned, const char *what, struct err *e)
{
	char *text;
	size_t len;
	int rc;
	if (!pinned && strcmp(file, PKGREQ_UPDATE_ALL) == 0) {
		r->update_all = 1;
		return 0;
	}
	if ((rc = input_file_read(file, INPUT_MAX_TEXT, &text, &len, e)) < 0) {
		err_prefix(e, "%s '%.200s'", what, file);
		return rc;
	}
	if (strlen(text) != len)
		rc = err_set(e, -EINVAL, "%s '%.200s': not a text file (it holds a NUL byte)", what, file);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && !rc; l = strtok_r(NULL, "\n", &save)) {
		l[strcspn(l, "#")] = '\0';
		rc = pkgreq_add_words(r, l, pinned, what, e);
		if (rc)
			err_prefix(e, "'%.200s'", file);
	}
	free(text);
	return rc;
}

int pkgreq_set_flags(struct pkgreq *r, const char *words, struct err *e)
{
	char *copy = xstrdup(words);
	int rc = 0;
	for (char *save = NULL, *w = strtok_r(copy, " \t\n", &save); w && !rc; w = strtok_r(NULL, " \t\n", &save))
		if (r->nflags == PKGREQ_MAX_FLAGS)
			rc = err_set(e, -E2BIG, "-I: more than %d words", PKGREQ_MAX_FLAGS);
		else
			r->flags[r->nflags++] = xstrdup(w);
	free(copy);
	return rc;
}

int pkgreq_wanted(const struct pkgreq *r)
{
	return r->update_all || r->n > 0;
}

int pkgreq_check(const struct pkgreq *r, struct err *e)
{
	if (r->location && !pkgreq_wanted(r))
		return err_set(e, -EINVAL, "-l '%.200s': nothing to install: add -w, -b, -F or -f", r->location);
	if (!r->location && pkgreq_wanted(r))
		return err_set(e, -EINVAL, "-w, -b, -F and -f need -l: a directory of packages, a repository, "
			       "or 'system'");
	if (!r->location && r->nflags)
		return err_set(e, -EINVAL, "-I needs -l and something to install");
	return 0;
}

void pkgreq_release(struct pkgreq *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->items[i]);
	for (size_t i = 0; i < r->nflags; i++)
		free(r->flags[i]);
	r->n = r->nflags = 0;
}
