/* altkit: the multi-call binary. The name it is called by picks the command
 * (busybox style); "altkit CMD ..." works too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "altkit.h"
#include "libversions.h"

struct command {
	const char *name;       /* as the user types it: '-' where the C name has '_' */
	int (*fn)(int argc, char **argv);
	const char *help;
};

#define X(cname, internal, help) { #cname, cmd_##cname, help },
static const struct command commands[] = { ALTKIT_COMMANDS(X) };
#undef X
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* "altkit-init" and "altkit_init" name the same command; so does "init" (PID 1). */
static int name_matches(const char *cname, const char *typed)
{
	for (; *cname && *typed; cname++, typed++) {
		if (*cname == *typed)
			continue;
		if (*cname == '_' && *typed == '-')
			continue;
		return 0;
	}
	return *cname == *typed;
}

static const struct command *find_command(const char *typed)
{
	if (strcmp(typed, "init") == 0)
		typed = "altkit_init";
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (name_matches(commands[i].name, typed))
			return &commands[i];
	return NULL;
}

/* The user-visible name: altkit_init is installed as "altkit-init". */
static void put_name(FILE *out, const char *cname)
{
	if (strcmp(cname, "altkit_init") == 0)
		cname = "altkit-init";
	fputs(cname, out);
}

static void usage(FILE *out)
{
	fputs("Usage: altkit COMMAND [ARGS...]\n"
	      "       COMMAND [ARGS...]        (through a symlink named COMMAND)\n"
	      "       altkit --version | --list | --help\n\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct command *c = &commands[i];
		int width = (int)strlen(c->name);
		fputs("  ", out);
		put_name(out, c->name);
		fprintf(out, "%*s%s%s\n", 16 - width, "", c->help,
			c->fn ? "" : " (not implemented)");
	}
	fputs("\nRun 'COMMAND --help' for the options of a command.\n", out);
}

static int run(const struct command *c, int argc, char **argv)
{
	altkit_cmd = c->name;
	if (strcmp(c->name, "altkit_init") == 0)
		altkit_cmd = "altkit-init";
	if (!c->fn) {
		errmsg("not implemented yet");
		return EXIT_USAGE;
	}
	return c->fn(argc, argv);
}

int main(int argc, char **argv)
{
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	base = base ? base + 1 : (argc > 0 ? argv[0] : "altkit");

	const struct command *c = find_command(base);
	if (c)
		return run(c, argc, argv);

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return close_stdout();
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("altkit %s\n", ALTKIT_VERSION);
		print_library_versions(stdout);
		return close_stdout();
	}
	if (strcmp(argv[1], "--list") == 0) {
		/* names to install as symlinks */
		for (size_t i = 0; i < NCOMMANDS; i++) {
			put_name(stdout, commands[i].name);
			putchar('\n');
		}
		return close_stdout();
	}
	c = find_command(argv[1]);
	if (!c) {
		errmsg("'%s' is not an altkit command; see 'altkit --help'", argv[1]);
		return EXIT_USAGE;
	}
	return run(c, argc - 1, argv + 1);
}
