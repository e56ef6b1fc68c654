/* Options, declared once: each option in a table with its help and its
 * exclusive group; getopt_long's strings, the usage text, --help, --version
 * and the one bad-option reply are made from the table.
 *
 *	static const struct opt options[] = {
 *		{ 'm', "mode", "MODE", "normal|service|both|prevboot" },
 *		{ 'o', NULL, NULL, "print the list", .group = 1 },
 *		OPT_HELP_VERSION,
 *		{ 0 }
 *	};
 *	static const struct optspec spec = {
 *		.synopsis = "bootlist -m MODE [-o] [DISK...]",
 *		.about = "Show and set the firmware boot list.",
 *		.options = options,
 *	};
 *	struct optparser p;
 *	opt_init(&p, &spec, argc, argv);
 *	while ((c = opt_next(&p)) > 0)
 *		switch (c) { case 'm': mode = p.arg; break; ... }
 *	if (c == OPT_EXIT)
 *		return p.rc;
 *	// argv[p.ind] ... argv[argc - 1] are the operands
 *
 * Subcommands ("volarc create ..."): the command's spec lists them in .subs;
 * its options (only -h and --version) end at the first operand, the
 * subcommand's name; opt_find_sub finds that spec and opt_init_sub starts on
 * its options. Subcommands may share one table, each taking the .keys it
 * lists: an option of the table that a subcommand does not take is refused
 * in one line, "<cmd>: <sub>: --x is not an option of this command".
 */
#ifndef ALTKIT_OPT_H
#define ALTKIT_OPT_H

#include <stdio.h>

enum {
	OPT_END = -1,           /* opt_next: the options are over */
	OPT_EXIT = -2,          /* opt_next: return p.rc (help, version or a bad option) */
	OPT_LONG = 0x100,       /* keys of long-only options start here */
	OPT_KEY_HELP = 'h',
	OPT_KEY_VERSION = 0x1ff,
};

struct opt {
	int key;                /* the short letter, or OPT_LONG + n for long-only */
	const char *name;       /* the long name, or NULL */
	const char *arg;        /* the argument's name in the help, or NULL: a flag */
	const char *help;       /* the help: lines separated by '\n' */
	unsigned group;         /* options of one non-zero group exclude each other */
};

#define OPT_HELP_VERSION                                                        \
	{ OPT_KEY_HELP, "help", NULL, "show this help and exit" },              \
	{ OPT_KEY_VERSION, "version", NULL, "show the version and exit" }

struct optspec {
	const char *synopsis;   /* "cmd -d DISK [-P PHASES]": "Usage: " goes in front;
	                         * more lines after '\n' */
	const char *about;      /* one line on what the command does */
	const struct opt *options;  /* ends with { 0 } */
	const char *footer;     /* text after the options, or NULL */
	const char *name;       /* a subcommand's name ("create"), or NULL */
	const int *keys;        /* the keys of .options taken here, ending with 0
	                         * (-h and --version are always taken); NULL: all */
	const struct optspec *const *subs;  /* subcommands, ending with NULL; the
	                         * help shows their synopses, names, .about
	                         * and every option of .options */
};

struct optparser {
	const struct optspec *spec;
	int argc;
	char **argv;
	const char *prog;       /* the name in messages: "bootlist", "volarc create" */
	int ind;                /* after OPT_END: the first operand */
	const char *arg;        /* the current option's argument */
	const struct opt *cur;  /* the current option */
	int rc;                 /* after OPT_EXIT: what the command returns */
	const struct opt *seen_in[32];  /* the first option seen of each group */
	unsigned char seen[(OPT_KEY_VERSION + 1) / 8];  /* keys seen, a bit each */
	char progbuf[64];       /* a subcommand's prog */
};

void opt_init(struct optparser *p, const struct optspec *spec, int argc, char **argv);
/* After OPT_END of a command with .subs: the subcommand argv[p->ind] names,
 * or NULL when there is none or it is not one (the command says which). */
const struct optspec *opt_find_sub(const struct optparser *p);
/* Start on the options of subcommand spec, named by parent's argv[parent->ind]. */
void opt_init_sub(struct optparser *sub, const struct optparser *parent, const struct optspec *spec);
/* The next option's key; OPT_END; or OPT_EXIT with the help or version
 * printed (p->rc 0) or one line on a bad option or a conflict (p->rc 2). */
int opt_next(struct optparser *p);
/* Whether option key was given. */
int opt_given(const struct optparser *p, int key);
/* "-d" or "--source-vg" (the short form if it has one), for messages. */
const char *opt_label(const struct optspec *spec, int key);
/* The usage text, made from the table. */
void opt_usage(const struct optspec *spec, FILE *out);
/* A usage error: "<prog>: <message>" and the hint to --help on stderr;
 * returns EXIT_USAGE for the command to return. */
int opt_error(const struct optparser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Refuse an option that has no effect with the options given: key was
 * given, so "<label> <why>" is the error (e.g. why = "is for phase 2, which
 * -P 1 does not run"). Returns EXIT_USAGE when refused, 0 when key is absent. */
int opt_refuse_if(const struct optparser *p, int key, const char *why);

#endif
