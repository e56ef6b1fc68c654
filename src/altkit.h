/* altkit: shared declarations for the multi-call binary's commands. */
#ifndef ALTKIT_H
#define ALTKIT_H

#include <stdarg.h>
#include <stdio.h>

#define ALTKIT_VERSION "0.1.0"

/* Exit codes shared by every command. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,          /* the work failed, or a difference was found */
	EXIT_USAGE = 2,         /* bad invocation, or command not implemented */
};

/* Every command is int cmd_NAME(int argc, char **argv), argv[0] = its name. */
#define ALTKIT_COMMANDS(X)                                                     \
	X(alt_disk_copy, 0, "clone the root volume group to alternate disks")  \
	X(alt_rootvg_op, 0, "manage alternate and old root volume groups")     \
	X(bootlist, 0, "show and set the firmware boot list")                  \
	X(dupopt, 0, "duplicate an optical volume sector for sector")          \
	X(volarc, 0, "CD-ROM volume archives and their catalog")              \
	X(altkit_init, 1, "the initramfs init (recovery and system mode)")     \
	X(copytree, 1, "copy a filesystem tree, losing nothing")               \
	X(treediff, 1, "compare two trees: contents and metadata")            \
	X(mkgpt, 1, "write a GPT with an ESP and LVM partitions (libfdisk)")   \
	X(isoread, 1, "list or extract files of an ISO 9660 volume (libiso9660)") \
	X(setxattr, 1, "set an extended attribute from text or hex (no symlink followed)") \
	X(extfs, 1, "read ext2/3/4 parameters, used-block copy (libext2fs)")

/* Commands that are built define cmd_NAME; the others are weak and NULL. */
#define X(name, internal, help) int cmd_##name(int argc, char **argv) __attribute__((weak));
ALTKIT_COMMANDS(X)
#undef X

/* The name the user called us by ("alt_disk_copy", "altkit copytree" -> "copytree"). */
extern const char *altkit_cmd;

/* Messages at the edge: "<cmd>: <message>\n" on stderr. Library code never prints. */
void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void verrmsg(const char *fmt, va_list ap);
/* errmsg with ": <strerror(-err)>" appended; err is a negative errno. */
void errmsg_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Check that stdout was written completely; call before a successful exit. */
int close_stdout(void);
/* Print the usage text of a command to out. */
void print_usage(FILE *out, const char *usage);

#include "banned.h"
#endif
