/* Split the kernel command line the way the kernel does: words separated by
 * spaces, double quotes group, the first '=' splits key and value. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "xalloc.h"

int cmdline_parse(const char *text, struct cmdline *cl)
{
	size_t len = strlen(text), cap = 16;
	char *w;

	memset(cl, 0, sizeof(*cl));
	cl->buf = xmalloc(len + 1);
	cl->keys = xcalloc(cap, sizeof(char *));
	cl->values = xcalloc(cap, sizeof(char *));
	w = cl->buf;
	for (const char *p = text; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		char *word = w, *eq = NULL;
		int quoted = 0;
		for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
			if (*p == '"') {
				quoted = !quoted;
				continue;
			}
			if (*p == '=' && !eq)
				eq = w;
			*w++ = *p;
		}
		*w++ = '\0';
		if (cl->n == cap) {
			cap *= 2;
			cl->keys = xrealloc(cl->keys, cap * sizeof(char *));
			cl->values = xrealloc(cl->values, cap * sizeof(char *));
		}
		if (eq) {
			*eq = '\0';
			cl->values[cl->n] = eq + 1;
		} else {
			cl->values[cl->n] = NULL;
		}
		cl->keys[cl->n++] = word;
	}
	return 0;
}

int cmdline_read(const char *path, struct cmdline *cl)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	return cmdline_parse(buf, cl);
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
	const char *found = NULL;
	for (size_t i = 0; i < cl->n; i++)
		if (strcmp(cl->keys[i], key) == 0)
			found = cl->values[i] ? cl->values[i] : "";
	return found;
}

void cmdline_release(struct cmdline *cl)
{
	if (!cl)
		return;
	free(cl->buf);
	free(cl->keys);
	free(cl->values);
	memset(cl, 0, sizeof(*cl));
}

char **cmdline_words(const char *value, size_t max)
{
	size_t len = strlen(value);
	char **argv = xmalloc((max + 1) * sizeof(char *) + len + 1);
	char *buf = (char *)(argv + max + 1);
	memcpy(buf, value, len + 1);
	size_t n = 0;
	for (char *save = NULL, *w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		if (n == max) {
			free(argv);
			return NULL;
		}
		argv[n++] = w;
	}
	argv[n] = NULL;
	return argv;
}
