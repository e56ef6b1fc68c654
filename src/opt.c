/* Options from one table (opt.h): getopt_long's strings, usage, --help,
 * --version, exclusive groups and the one reply to a bad option. */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "altkit.h"
#include "opt.h"

static size_t count(const struct opt *o)
{
	size_t n = 0;
	while (o[n].key)
		n++;
	return n;
}

static const struct opt *find(const struct optspec *spec, int key)
{
	for (const struct opt *o = spec->options; o->key; o++)
		if (o->key == key)
			return o;
	return NULL;
}

/* Whether this (sub)command takes option key: -h and --version always. */
static int takes(const struct optspec *spec, int key)
{
	if (!spec->keys || key == OPT_KEY_HELP || key == OPT_KEY_VERSION)
		return 1;
	for (const int *k = spec->keys; *k; k++)
		if (*k == key)
			return 1;
	return 0;
}

static void mark(struct optparser *p, int key)
{
	if (key >= 0 && (size_t)key < sizeof(p->seen) * 8)
		p->seen[key / 8] |= (unsigned char)(1u << (key % 8));
}

int opt_given(const struct optparser *p, int key)
{
	return key >= 0 && (size_t)key < sizeof(p->seen) * 8 && (p->seen[key / 8] >> (key % 8)) & 1;
}

const char *opt_label(const struct optspec *spec, int key)
{
	/* one label per key is enough for a message; keys are few */
	static char buf[8][64];
	static unsigned next;
	const struct opt *o = find(spec, key);
	char *b = buf[next++ % 8];
	if (!o)
		snprintf(b, sizeof(buf[0]), "?");
	else if (o->key < OPT_LONG)
		snprintf(b, sizeof(buf[0]), "-%c", o->key);
	else
		snprintf(b, sizeof(buf[0]), "--%s", o->name);
	return b;
}

void opt_init(struct optparser *p, const struct optspec *spec, int argc, char **argv)
{
	memset(p, 0, sizeof(*p));
	p->spec = spec;
	p->argc = argc;
	p->argv = argv;
	p->prog = altkit_cmd;   /* the name the user called, not a symlink's path */
	p->ind = 1;
	optind = 0;     /* a fresh scan (glibc and musl both reset on 0) */
}

const struct optspec *opt_find_sub(const struct optparser *p)
{
	if (!p->spec->subs || p->ind >= p->argc)
		return NULL;
	for (const struct optspec *const *s = p->spec->subs; *s; s++)
		if (strcmp((*s)->name, p->argv[p->ind]) == 0)
			return *s;
	return NULL;
}

void opt_init_sub(struct optparser *sub, const struct optparser *parent, const struct optspec *spec)
{
	opt_init(sub, spec, parent->argc - parent->ind, parent->argv + parent->ind);
	snprintf(sub->progbuf, sizeof(sub->progbuf), "%s %s", parent->prog, spec->name);
	sub->prog = sub->progbuf;
}

/* The synopsis's first line, for the hint after an error. */
static void hint(const struct optparser *p)
{
	const char *s = p->spec->synopsis;
	int n = (int)strcspn(s, "\n");
	fprintf(stderr, "Usage: %.*s; see '%s --help'\n", n, s, p->prog);
}

int opt_error(const struct optparser *p, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "%s: ", p->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	hint(p);
	return EXIT_USAGE;
}

int opt_refuse_if(const struct optparser *p, int key, const char *why)
{
	if (!opt_given(p, key))
		return 0;
	return opt_error(p, "%s %s", opt_label(p->spec, key), why);
}

static void put_help_lines(FILE *out, int col, const char *help)
{
	const char *line = help;
	for (;;) {
		int n = (int)strcspn(line, "\n");
		fprintf(out, "%*s%.*s\n", col, "", n, line);
		if (!line[n])
			break;
		line += n + 1;
	}
}

/* "  -m, --mode MODE" then its help from column col, on the next line
 * when the head is too wide. */
static void put_entry(FILE *out, const char *head, int col, const char *help)
{
	int n = (int)strlen(head);
	fputs(head, out);
	if (n + 2 > col) {
		fputc('\n', out);
		put_help_lines(out, col, help);
	} else {
		int first = (int)strcspn(help, "\n");
		fprintf(out, "%*s%.*s\n", col - n, "", first, help);
		if (help[first])
			put_help_lines(out, col, help + first + 1);
	}
}

/* Synopsis lines, the first after "Usage: ", the others under it. */
static void put_synopsis(FILE *out, const char *s, int *first)
{
	for (;;) {
		int n = (int)strcspn(s, "\n");
		fprintf(out, "%s%.*s\n", *first ? "Usage: " : "       ", n, s);
		*first = 0;
		if (!s[n])
			break;
		s += n + 1;
	}
}

static void put_option(FILE *out, const struct opt *o)
{
	char head[96];
	int n;
	if (o->key < OPT_LONG && o->name)
		n = snprintf(head, sizeof(head), "  -%c, --%s", o->key, o->name);
	else if (o->key < OPT_LONG)
		n = snprintf(head, sizeof(head), "  -%c", o->key);
	else
		n = snprintf(head, sizeof(head), "      --%s", o->name);
	if (o->arg)
		snprintf(head + n, sizeof(head) - (size_t)n, " %s", o->arg);
	put_entry(out, head, 26, o->help ? o->help : "");
}

void opt_usage(const struct optspec *spec, FILE *out)
{
	int first = 1;
	if (spec->subs) {
		for (const struct optspec *const *s = spec->subs; *s; s++)
			put_synopsis(out, (*s)->synopsis, &first);
	} else {
		put_synopsis(out, spec->synopsis, &first);
	}
	if (spec->about)
		fprintf(out, "%s\n", spec->about);
	if (spec->subs)
		fputc('\n', out);
	for (const struct optspec *const *s = spec->subs; s && *s; s++) {
		char head[64];
		snprintf(head, sizeof(head), "  %s", (*s)->name);
		put_entry(out, head, 14, (*s)->about ? (*s)->about : "");
	}
	if (spec->options && spec->options->key)
		fputc('\n', out);
	/* a command with subcommands shows every option, each subcommand its own */
	for (const struct opt *o = spec->options; o && o->key; o++)
		if (spec->subs || takes(spec, o->key))
			put_option(out, o);
	if (spec->footer)
		fprintf(out, "\n%s", spec->footer);
}

/* getopt_long's arguments, made from the table each call (tables are short). */
static void build(const struct optspec *spec, char *shorts, size_t slen, struct option *longs)
{
	size_t s = 0, l = 0;
	if (spec->subs)
		shorts[s++] = '+';      /* the options end at the subcommand's name */
	shorts[s++] = ':';      /* a missing argument returns ':' */
	for (const struct opt *o = spec->options; o->key; o++) {
		if (o->key < OPT_LONG && s + 3 < slen) {
			shorts[s++] = (char)o->key;
			if (o->arg)
				shorts[s++] = ':';
		}
		if (o->name)
			longs[l++] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL,
						      o->key };
	}
	shorts[s] = '\0';
	longs[l] = (struct option){ 0 };
}

static int bad_option(struct optparser *p, int c)
{
	const char *typed = optind > 0 && optind <= p->argc ? p->argv[optind - 1] : "?";
	if (c == ':') {
		if (optopt && optopt < OPT_LONG)
			p->rc = opt_error(p, "option -%c needs an argument", optopt);
		else
			p->rc = opt_error(p, "option %s needs an argument", typed);
	} else if (optopt && optopt < OPT_LONG) {
		p->rc = opt_error(p, "unknown option -%c", optopt);
	} else {
		p->rc = opt_error(p, "unknown option %s", typed);
	}
	return OPT_EXIT;
}

/* An option of the table that this (sub)command does not take. */
static int not_taken(struct optparser *p, const struct opt *o)
{
	const char *label = opt_label(p->spec, o->key);
	if (p->spec->subs) {
		p->rc = opt_error(p, "%s goes after the subcommand", label);
	} else {
		/* one line, as volarc has always said it: "volarc: create: --json ..." */
		if (p->spec->name)
			errmsg("%s: %s is not an option of this command", p->spec->name, label);
		else
			errmsg("%s is not an option of this command", label);
		p->rc = EXIT_USAGE;
	}
	return OPT_EXIT;
}

/* Two options of one exclusive group: refused, naming both. */
static int conflicts(struct optparser *p, const struct opt *o)
{
	if (!o->group || o->group >= sizeof(p->seen_in) / sizeof(p->seen_in[0]))
		return 0;
	const struct opt *first = p->seen_in[o->group];
	if (!first) {
		p->seen_in[o->group] = o;
		return 0;
	}
	if (first->key == o->key)
		return 0;
	p->rc = opt_error(p, "%s and %s cannot be used together", opt_label(p->spec, first->key),
			  opt_label(p->spec, o->key));
	return 1;
}

int opt_next(struct optparser *p)
{
	size_t n = count(p->spec->options);
	char shorts[2 * 128 + 2];
	struct option *longs = calloc(n + 1, sizeof(*longs));
	if (!longs) {
		errmsg("out of memory");
		p->rc = EXIT_FAIL;
		return OPT_EXIT;
	}
	build(p->spec, shorts, sizeof(shorts), longs);
	opterr = 0;
	int c = getopt_long(p->argc, p->argv, shorts, longs, NULL);
	free(longs);
	p->ind = optind;
	p->arg = optarg;
	if (c == -1)
		return OPT_END;
	if (c == '?' || c == ':')
		return bad_option(p, c);
	const struct opt *o = find(p->spec, c);
	p->cur = o;
	if (!o)
		return bad_option(p, '?');
	mark(p, c);
	if (c == OPT_KEY_HELP) {
		opt_usage(p->spec, stdout);
		p->rc = close_stdout();
		return OPT_EXIT;
	}
	if (c == OPT_KEY_VERSION) {
		printf("%s (altkit) %s\n", altkit_cmd, ALTKIT_VERSION);
		p->rc = close_stdout();
		return OPT_EXIT;
	}
	if (!takes(p->spec, c))
		return not_taken(p, o);
	if (conflicts(p, o))
		return OPT_EXIT;
	return c;
}
