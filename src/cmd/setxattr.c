/* altkit setxattr: set an extended attribute from text or 0x-hex, without
 * following a symlink. The recovery shell's busybox setfattr takes text only,
 * so capabilities and ACLs (binary values) need this. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "altkit.h"
#include "opt.h"
#include "xalloc.h"

static const struct opt options[] = {
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec spec = {
	.synopsis = "altkit setxattr PATH NAME VALUE",
	.about = "Set the extended attribute NAME of PATH (a symlink itself, never its target).",
	.options = options,
	.footer = "VALUE is text, or binary written as 0x followed by hex digits, e.g.\n"
		  "  altkit setxattr ./ping security.capability 0x0100000200200000000000000000000000000000\n",
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "0x..." -> bytes; returns the length or -1 for bad hex. */
static long decode_hex(const char *hex, unsigned char *out)
{
	size_t n = strlen(hex);
	if (n % 2)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

int cmd_setxattr(int argc, char **argv)
{
	int c;
	struct optparser p;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0)
		;
	if (c == OPT_EXIT)
		return p.rc;
	if (argc - p.ind != 3)
		return opt_error(&p, argc - p.ind < 3 ? "PATH, NAME and VALUE are needed" : "too many arguments");
	const char *path = argv[p.ind], *name = argv[p.ind + 1], *value = argv[p.ind + 2];
	const void *data = value;
	size_t len = strlen(value);
	unsigned char *bin = NULL;
	if (strncmp(value, "0x", 2) == 0) {
		bin = xmalloc(strlen(value) / 2 + 1);
		long n = decode_hex(value + 2, bin);
		if (n < 0) {
			errmsg("'%s': not an even number of hex digits", value);
			free(bin);
			return EXIT_USAGE;
		}
		data = bin;
		len = (size_t)n;
	}
	int rc = lsetxattr(path, name, data, len, 0);
	int e = errno;
	free(bin);
	if (rc < 0) {
		errmsg_errno(-e, "'%s': setting '%s'", path, name);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
