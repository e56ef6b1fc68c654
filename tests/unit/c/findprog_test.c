/* src/lib/util/findprog.c: a program is found where execvp would run it.
 * Each case sets PATH (and the current directory), asks findprog, then
 * asks the libc's own execvp in a child: both must agree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "findprog.h"
#include "tap.h"

static char dir[] = "/tmp/findprog-XXXXXX";

/* "%D" in s becomes the test directory. */
static void expand(char *buf, size_t len, const char *s)
{
	buf[0] = '\0';
	for (size_t n = 0; *s && n + 1 < len; s++) {
		if (s[0] == '%' && s[1] == 'D') {
			n += (size_t)snprintf(buf + n, len - n, "%s", dir);
			s++;
		} else {
			buf[n++] = *s;
			buf[n] = '\0';
		}
	}
}

static void make(const char *rel, const char *text, mode_t mode)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		abort();
	close(fd);
	chmod(p, mode);
}

/* What execvp does with name: 0 when it ran (the programs here exit 7),
 * else its errno, negated. */
static int execvp_says(const char *name)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)name, "-c", "exit 7", NULL };
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		execvp(name, argv);
		_exit(errno == ENOENT ? 100 : errno == EACCES ? 101 : 102);
	}
	int st;
	waitpid(pid, &st, 0);
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return code == 7 ? 0 : code == 100 ? -ENOENT : code == 101 ? -EACCES : -EIO;
}

static const struct {
	const char *title, *path, *cwd, *name;
	int rc;
	const char *found;
} cases[] = {
	{ "found in PATH", "%D/a", NULL, "prog", 0, "%D/a/prog" },
	{ "not in PATH", "%D/empty", NULL, "prog", -ENOENT, NULL },
	{ "a directory of that name: EACCES", "%D/dir", NULL, "prog", -EACCES, NULL },
	{ "a file without execute permission: EACCES", "%D/noexec", NULL, "prog", -EACCES, NULL },
	{ "a directory and a non-executable file are passed over", "%D/dir:%D/noexec:%D/a", NULL, "prog", 0,
	  "%D/a/prog" },
	{ "the first executable one wins", "%D/empty:%D/link:%D/a", NULL, "prog", 0, "%D/link/prog" },
	{ "nothing runnable, something seen: EACCES", "%D/empty:%D/noexec", NULL, "prog", -EACCES, NULL },
	{ "an empty PATH: the current directory", "", "%D/a", "prog", 0, "prog" },
	{ "an empty first element: the current directory", ":%D/empty", "%D/a", "prog", 0, "prog" },
	{ "an empty last element: the current directory", "%D/empty:", "%D/a", "prog", 0, "prog" },
	{ "no empty element: not the current directory", "%D/empty", "%D/a", "prog", -ENOENT, NULL },
	{ "a missing PATH directory is passed over", "%D/nosuch:%D/a", NULL, "prog", 0, "%D/a/prog" },
	{ "an absolute name: that file, PATH not searched", "%D/empty", NULL, "%D/a/prog", 0, "%D/a/prog" },
	{ "an absolute name of a directory: EACCES", "%D/a", NULL, "%D/dir/prog", -EACCES, NULL },
	{ "an absolute name that is missing: ENOENT", "%D/a", NULL, "%D/empty/prog", -ENOENT, NULL },
	{ "a relative name with a slash: from the current directory", "%D/empty", "%D/a", "./prog", 0, "./prog" },
	{ "a name with a slash is not searched for in PATH", "%D", NULL, "a/prog", -ENOENT, NULL },
	{ "an empty name: ENOENT", "%D/a", NULL, "", -ENOENT, NULL },
};

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	char p[256], q[256];
	const char *dirs[] = { "a", "empty", "dir", "dir/prog", "noexec", "link" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, dirs[i]);
		mkdir(p, 0755);
	}
	make("a/prog", "#!/bin/sh\nexit 7\n", 0755);
	make("noexec/prog", "#!/bin/sh\nexit 7\n", 0644);
	snprintf(p, sizeof(p), "%s/link/prog", dir);
	if (symlink("../a/prog", p) < 0)
		return 1;
	char start[256];
	if (!getcwd(start, sizeof(start)))
		return 1;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[512], name[256], found[256], want[256], title[300];
		expand(path, sizeof(path), cases[i].path);
		expand(name, sizeof(name), cases[i].name);
		setenv("PATH", path, 1);
		if (cases[i].cwd) {
			expand(q, sizeof(q), cases[i].cwd);
			if (chdir(q) < 0)
				return 1;
		}
		found[0] = '\0';
		int rc = findprog(name, found, sizeof(found));
		is_int(rc, cases[i].rc, cases[i].title);
		if (cases[i].found) {
			expand(want, sizeof(want), cases[i].found);
			snprintf(title, sizeof(title), "%s: its path", cases[i].title);
			is_str(found, want, title);
		}
		snprintf(title, sizeof(title), "%s: execvp agrees", cases[i].title);
		is_int(execvp_says(name), cases[i].rc, title);
		if (chdir(start) < 0)
			return 1;
	}

	snprintf(p, sizeof(p), "%s/a", dir);
	setenv("PATH", p, 1);
	char small[8];
	is_int(findprog("prog", small, sizeof(small)), -ENAMETOOLONG, "a path too long for the buffer: ENAMETOOLONG");
	is_int(findprog("prog", NULL, 0), 0, "found without a buffer");
	unsetenv("PATH");
	is_int(findprog("sh", q, sizeof(q)), 0, "PATH unset: the default path (" FINDPROG_DEFAULT_PATH ")");
	is_int(strncmp(q, "/usr/local/bin/", 15) == 0 || strcmp(q, "/bin/sh") == 0 || strcmp(q, "/usr/bin/sh") == 0,
	       1, "...in one of its directories");
	is_int(findprog("nosuch-program-of-altkit", NULL, 0), -ENOENT, "PATH unset: a missing program");

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return done_testing();
}
