/* altkit extfs: what alt_disk_copy reads and does with ext2/3/4 through
 * libext2fs, as a command for tests and the admin. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "altkit.h"
#include "blockdev.h"
#include "extfs.h"
#include "opt.h"
#include "progress.h"
#include "run.h"
#include "size.h"

enum { OPT_EXT4 = OPT_LONG, OPT_SIZE, OPT_TARGET, OPT_DIRECT, OPT_NO_SYNC, OPT_NEW_UUID };

/* The options of every subcommand, each taking those its spec lists. */
static const struct opt options[] = {
	{ OPT_EXT4, "ext4", NULL, "an ext2/ext3 DEV becomes ext4 (alt_disk_copy -T)" },
	{ OPT_SIZE, "size", "SIZE", "mkfs-args: the new filesystem's size;\n"
				    "min-size: exit 1 when SIZE is smaller than the minimum" },
	{ OPT_TARGET, "target", "TARGET", "mkfs-args: the device named in the argv" },
	{ OPT_DIRECT, "direct", NULL, "copy-used: O_DIRECT" },
	{ OPT_NO_SYNC, "no-sync", NULL, "copy-used: no final fdatasync" },
	{ OPT_NEW_UUID, "new-uuid", NULL, "copy-used: then give DST a new UUID (e2fsck -f first\n"
					  "when metadata_csum needs it) and grow it to fill a\n"
					  "bigger DST" },
	{ 'v', "verbose", NULL, "copy-used: a summary" },
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec info_spec = {
	.name = "info",
	.synopsis = "altkit extfs info DEV",
	.about = "key=value lines: type, sizes, counts, features, label, UUID, ...",
	.options = options,
	.keys = (const int[]){ 0 },
};

static const struct optspec mkfs_args_spec = {
	.name = "mkfs-args",
	.synopsis = "altkit extfs mkfs-args [--ext4] --size SIZE [--target TARGET] DEV",
	.about = "the mke2fs argv (one argument per line) that makes a filesystem of\n"
		 "DEV's parameters, SIZE bytes big, on TARGET; refused when DEV's\n"
		 "used data and inodes would not fit",
	.options = options,
	.keys = (const int[]){ OPT_EXT4, OPT_SIZE, OPT_TARGET, 0 },
};

static const struct optspec tune_args_spec = {
	.name = "tune-args",
	.synopsis = "altkit extfs tune-args DEV TARGET",
	.about = "the tune2fs argv that sets on TARGET, made by mke2fs from\n"
		 "mkfs-args, what mke2fs cannot (default mount options, checks, ...);\n"
		 "nothing when nothing differs",
	.options = options,
	.keys = (const int[]){ 0 },
};

static const struct optspec min_size_spec = {
	.name = "min-size",
	.synopsis = "altkit extfs min-size [--ext4] [--size SIZE] DEV",
	.about = "the smallest filesystem (bytes) DEV's used data fits in; with\n"
		 "--size, exit 1 when SIZE is smaller",
	.options = options,
	.keys = (const int[]){ OPT_EXT4, OPT_SIZE, 0 },
};

static const struct optspec copy_used_spec = {
	.name = "copy-used",
	.synopsis = "altkit extfs copy-used [--direct] [--no-sync] [--new-uuid] [-v] SRC DST",
	.about = "copy the filesystem block for block, used blocks only, to DST (a\n"
		 "block device or file at least as big; never mounted read-write SRC)",
	.options = options,
	.keys = (const int[]){ OPT_DIRECT, OPT_NO_SYNC, OPT_NEW_UUID, 'v', 0 },
};

static const struct optspec spec = {
	.synopsis = "altkit extfs info|mkfs-args|tune-args|min-size|copy-used [OPTIONS] ARGS...",
	.about = "Read an ext2/3/4 filesystem's parameters without writing to it (it may be\n"
		 "mounted) and recreate them, as alt_disk_copy does. DEV is a block device or an\n"
		 "image file; SIZE is bytes or 512K, 260M, 2G, ...",
	.options = options,
	.keys = (const int[]){ 0 },
	.subs = (const struct optspec *const[]){ &info_spec, &mkfs_args_spec, &tune_args_spec,
						 &min_size_spec, &copy_used_spec, NULL },
};

struct args {
	int ext4, direct, no_sync, new_uuid, verbose;
	uint64_t size;
	int have_size;
	const char *target;
};

/* A subcommand's options into a; whether it goes on, else *status is what
 * the command returns (--help, --version, a bad option). */
static bool parse(struct optparser *q, struct args *a, int *status)
{
	int c;
	while ((c = opt_next(q)) > 0) {
		switch (c) {
		case OPT_EXT4: a->ext4 = 1; break;
		case OPT_SIZE:
			if (parse_size(q->arg, &a->size) < 0) {
				errmsg("'%s': not a size", q->arg);
				*status = EXIT_USAGE;
				return false;
			}
			a->have_size = 1;
			break;
		case OPT_TARGET: a->target = q->arg; break;
		case OPT_DIRECT: a->direct = 1; break;
		case OPT_NO_SYNC: a->no_sync = 1; break;
		case OPT_NEW_UUID: a->new_uuid = 1; break;
		case 'v': a->verbose = 1; break;
		}
	}
	*status = q->rc;
	return c != OPT_EXIT;
}

/* n operands, named by what ("DEV", "SRC and DST"); else the usage error. */
static int operands(const struct optparser *q, int n, const char *what)
{
	int have = q->argc - q->ind;
	if (have == n)
		return 0;
	return opt_error(q, have < n ? "%s needed" : "too many arguments", what);
}

static int read_or_say(const char *dev, struct extfs_params *p)
{
	int rc = extfs_read_params(dev, p);
	if (rc)
		errmsg("'%s': %s", dev, extfs_strerror(rc));
	return rc;
}

/* Bytes, with the size a person reads beside them. */
static void say_size(char *buf, size_t len, uint64_t bytes)
{
	char h[32];
	format_size(bytes, h, sizeof(h));
	snprintf(buf, len, "%llu bytes (%s)", (unsigned long long)bytes, h);
}

static void print_argv(char **argv)
{
	for (char **p = argv; *p; p++)
		printf("%s\n", *p);
}

/* A label or option string as one line: control bytes and '\' escaped. */
static void put_value(const char *key, const char *s)
{
	printf("%s=", key);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('\n');
}

static int do_info(const char *dev)
{
	struct extfs_params p;
	if (read_or_say(dev, &p))
		return EXIT_FAIL;
	char buf[1024];
	static const char *const mnt[] = { "no", "ro", "rw" };
	printf("type=%s\n", p.type);
	printf("revision=%u\n", p.rev_level);
	printf("block_size=%u\n", p.block_size);
	printf("cluster_size=%u\n", p.cluster_size);
	printf("inode_size=%u\n", p.inode_size);
	printf("size_bytes=%llu\n", (unsigned long long)(p.blocks_count * p.block_size));
	printf("blocks=%llu\n", (unsigned long long)p.blocks_count);
	printf("free_blocks=%llu\n", (unsigned long long)p.free_blocks);
	printf("reserved_blocks=%llu\n", (unsigned long long)p.r_blocks_count);
	printf("reserved_percent=%.10g\n", p.reserved_pct);
	printf("inodes=%u\n", p.inodes_count);
	printf("free_inodes=%u\n", p.free_inodes);
	printf("used_inodes=%u\n", p.used_inodes);
	printf("bytes_per_inode=%llu\n", (unsigned long long)p.inode_ratio);
	printf("blocks_per_group=%u\n", p.blocks_per_group);
	printf("inodes_per_group=%u\n", p.inodes_per_group);
	printf("groups=%u\n", p.groups);
	printf("used_bytes=%llu\n", (unsigned long long)p.used_bytes);
	printf("data_bytes=%llu\n", (unsigned long long)p.data_bytes);
	extfs_features_string(p.feature_compat, p.feature_incompat, p.feature_ro_compat,
			      buf, sizeof(buf));
	printf("features=%s\n", buf);
	put_value("label", p.label);
	char uuid[37];
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			uuid[k++] = '-';
		uuid[k++] = hex[p.uuid[i] >> 4];
		uuid[k++] = hex[p.uuid[i] & 15];
	}
	uuid[k] = 0;
	printf("uuid=%s\n", uuid);
	extfs_mntopts_string(p.default_mntopts, buf, sizeof(buf));
	printf("default_mount_options=%s\n", buf);
	put_value("mount_options", p.mount_opts);
	printf("errors=%s\n", extfs_errors_string(p.errors));
	printf("max_mount_count=%d\n", p.max_mnt_count);
	printf("check_interval=%u\n", p.checkinterval);
	printf("reserved_uid=%u\n", p.def_resuid);
	printf("reserved_gid=%u\n", p.def_resgid);
	printf("journal=%s\n", p.journal_external ? "external" :
	       p.journal_bytes ? "internal" : "none");
	printf("journal_bytes=%llu\n", (unsigned long long)p.journal_bytes);
	printf("flex_bg_size=%u\n", p.flex_bg_size);
	printf("raid_stride=%u\n", p.raid_stride);
	printf("raid_stripe_width=%u\n", p.raid_stripe_width);
	printf("state=%s%s\n", p.state & 1 ? "clean" : "not clean",
	       p.state & 2 ? " with errors" : "");
	printf("needs_recovery=%d\n", p.needs_recovery);
	printf("mounted=%s\n", mnt[p.mounted]);
	const char *bad = extfs_unsupported_feature(&p);
	printf("mke2fs_can_recreate=%s\n", bad ? "no" : "yes");
	return close_stdout();
}

/* The message for a target too small, or any other failure of the fit check. */
static int fit_or_say(const char *dev, const struct extfs_params *p,
		      const struct extfs_mkfs_opts *o)
{
	uint64_t min = 0;
	int rc = extfs_check_fit(p, o, &min);
	if (rc == -EXTFS_E_TOO_SMALL) {
		char need[64], have[64];
		say_size(need, sizeof(need), min);
		say_size(have, sizeof(have), o->size_bytes);
		errmsg("'%s': the used data needs a filesystem of at least %s; %s is too small",
		       dev, need, have);
		return EXIT_FAIL;
	}
	if (rc == -EXTFS_E_FEATURE) {
		errmsg("'%s': feature '%s' cannot be recreated by mke2fs", dev,
		       extfs_unsupported_feature(p));
		return EXIT_FAIL;
	}
	if (rc) {
		errmsg("'%s': %s", dev, extfs_strerror(rc));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int do_mkfs_args(const char *dev, const struct args *a)
{
	struct extfs_params p;
	if (read_or_say(dev, &p))
		return EXIT_FAIL;
	struct extfs_mkfs_opts o = {
		.device = a->target ? a->target : "TARGET",
		.size_bytes = a->size,
		.convert_to_ext4 = a->ext4,
	};
	int rc = fit_or_say(dev, &p, &o);
	if (rc)
		return rc;
	char **argv;
	if ((rc = extfs_mkfs_argv(&p, &o, &argv)) != 0) {
		errmsg("'%s': %s", dev, extfs_strerror(rc));
		return EXIT_FAIL;
	}
	print_argv(argv);
	extfs_argv_free(argv);
	return close_stdout();
}

static int do_tune_args(const char *dev, const char *target)
{
	struct extfs_params p, made;
	if (read_or_say(dev, &p) || read_or_say(target, &made))
		return EXIT_FAIL;
	char **argv;
	int rc = extfs_tune_argv(&p, &made, target, &argv);
	if (argv) {
		print_argv(argv);
		extfs_argv_free(argv);
	}
	if (rc == 1) {
		int err = extfs_set_mount_opts(target, p.mount_opts);
		if (err) {
			errmsg("'%s': setting mount options '%s': %s", target, p.mount_opts,
			       extfs_strerror(err));
			return EXIT_FAIL;
		}
	}
	return close_stdout();
}

static int do_min_size(const char *dev, const struct args *a)
{
	struct extfs_params p;
	if (read_or_say(dev, &p))
		return EXIT_FAIL;
	struct extfs_mkfs_opts o = { .size_bytes = a->size, .convert_to_ext4 = a->ext4 };
	if (a->have_size) {
		int rc = fit_or_say(dev, &p, &o);
		if (rc)
			return rc;
	}
	uint64_t min;
	int rc = extfs_min_size(&p, &o, &min);
	if (rc == -EXTFS_E_FEATURE) {
		errmsg("'%s': feature '%s' cannot be recreated by mke2fs", dev,
		       extfs_unsupported_feature(&p));
		return EXIT_FAIL;
	}
	if (rc) {
		errmsg("'%s': %s", dev, extfs_strerror(rc));
		return EXIT_FAIL;
	}
	printf("%llu\n", (unsigned long long)min);
	return close_stdout();
}

static volatile sig_atomic_t stop_copy;

static void on_signal(int sig)
{
	(void)sig;
	stop_copy = 1;
}

static void show_progress(void *arg, uint64_t done, uint64_t total)
{
	struct progress *pr = arg;
	pr->total = total;
	progress_show(pr, done, NULL, false);
}

static int run_list(char ***argvs)
{
	for (char ***p = argvs; *p; p++) {
		char **argv = *p;
		struct run_result res;
		int rc = run_argv(argv, RUN_NULL_IN | RUN_CAPTURE_OUT | RUN_CAPTURE_ERR, &res);
		if (rc < 0) {
			errmsg_errno(rc, "running '%s'", argv[0]);
			return EXIT_FAIL;
		}
		/* e2fsck -p: 1 means it fixed something and all is well. */
		int ok = res.status == 0 || (res.status == 1 && strcmp(argv[0], "e2fsck") == 0);
		if (!ok) {
			/* Its own words first, then ours. */
			fwrite(res.out, 1, res.out_len, stderr);
			fwrite(res.err, 1, res.err_len, stderr);
			errmsg("'%s' failed (exit %d)", argv[0], res.status);
		}
		run_result_release(&res);
		if (!ok)
			return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* The one message for a failed used-block copy; EXIT_FAIL. */
static int say_copy_error(int rc, const char *src, const char *dst, const struct extfs_copy_stats *st)
{
	if (rc == -ECANCELED) {
		errmsg("stopped: '%s' is incomplete", dst);
		return EXIT_FAIL;
	}
	if (rc == -EXTFS_E_TOO_SMALL) {
		char need[64], have[64];
		say_size(need, sizeof(need), st->fs_bytes);
		say_size(have, sizeof(have), st->dst_bytes);
		struct stat ds;
		if (stat(dst, &ds) == 0 && S_ISREG(ds.st_mode))
			errmsg("'%s' is a file of %s, smaller than '%s' (%s): name an empty or new "
			       "file (it is grown), or one at least that big", dst, have, src, need);
		else
			errmsg("'%s' is too small: '%s' needs %s", dst, src, need);
		return EXIT_FAIL;
	}
	if (rc == -EXTFS_E_DAMAGED) {
		const char *name = extfs_errname(st->damage_code);
		errmsg("'%s': %s (%s): run e2fsck -fn on it; alt_disk_copy --copy-mode files "
		       "copies it file by file", src, st->damage, name ? name : extfs_strerror(-(int)st->damage_code));
		return EXIT_FAIL;
	}
	if (rc == -EXTFS_E_SAME) {
		if (strstr(st->same_how, " is backed by ") || strstr(st->same_how, " lies on "))
			errmsg("'%s' and '%s' are the same (%s)", src, dst, st->same_how);
		else
			errmsg("'%s' and '%s' are the same", src, dst);
		return EXIT_FAIL;
	}
	if (rc == -EXTFS_E_CHANGED) {
		errmsg("'%s' changed while it was copied: '%s' is not a good copy", src, dst);
		return EXIT_FAIL;
	}
	if (rc && st->err_offset) {
		errmsg("%s '%s' at byte %llu: %s", st->err_dst ? "writing" : "reading",
		       st->err_dst ? dst : src, (unsigned long long)st->err_offset,
		       extfs_strerror(rc));
		return EXIT_FAIL;
	}
	errmsg("'%s': %s", st->err_dst ? dst : src, extfs_strerror(rc));
	return EXIT_FAIL;
}

static int do_copy_used(const char *src, const char *dst, const struct args *a)
{
	struct extfs_params p;
	if (read_or_say(src, &p))
		return EXIT_FAIL;
	struct progress pr;
	progress_begin(&pr, progress_mode(-1), NULL, 0);
	struct extfs_copy_opts o = {
		.flags = (a->direct ? EXTFS_COPY_DIRECT : 0) | (a->no_sync ? EXTFS_COPY_NO_SYNC : 0),
		.progress = show_progress,
		.arg = &pr,
		.cancel = &stop_copy,
	};
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct extfs_copy_stats st;
	int rc = extfs_copy_used_blocks(src, dst, &o, &st);
	progress_end(&pr);
	if (rc)
		return say_copy_error(rc, src, dst, &st);
	if (a->verbose) {
		char c[32], f[32];
		format_size(st.copied, c, sizeof(c));
		format_size(st.fs_bytes, f, sizeof(f));
		fprintf(stderr, "extfs: copied %s of %s in %llu run%s%s\n", c, f,
			(unsigned long long)st.runs, st.runs == 1 ? "" : "s",
			st.whole ? " (the journal needs recovery: every block)" : "");
	}
	if (a->new_uuid) {
		/* The filesystem grows to fill a bigger target. */
		uint64_t tsize = 0;
		int fd = open(dst, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			off_t end = lseek(fd, 0, SEEK_END);
			tsize = end > 0 ? (uint64_t)end : 0;
			close(fd);
		}
		char ***list;
		extfs_postcopy_argvs(&p, dst, tsize, 1, NULL, &list);
		rc = run_list(list);
		extfs_argvs_free(list);
		if (rc)
			return rc;
	}
	return EXIT_OK;
}

int cmd_extfs(int argc, char **argv)
{
	struct optparser p, q;
	int c;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0)
		;
	if (c == OPT_EXIT)
		return p.rc;
	if (p.ind >= argc)
		return opt_error(&p, "a subcommand is needed");
	const struct optspec *sub = opt_find_sub(&p);
	if (!sub) {
		errmsg("'%s' is not an extfs command; see 'altkit extfs --help'", argv[p.ind]);
		return EXIT_USAGE;
	}
	struct args a = { 0 };
	opt_init_sub(&q, &p, sub);
	int rc;
	if (!parse(&q, &a, &rc))
		return rc;
	char **v = q.argv + q.ind;
	if (sub == &info_spec)
		return operands(&q, 1, "DEV is") ?: do_info(v[0]);
	if (sub == &mkfs_args_spec) {
		if ((rc = operands(&q, 1, "DEV is")))
			return rc;
		if (!a.have_size) {
			errmsg("mkfs-args needs --size");
			return EXIT_USAGE;
		}
		return do_mkfs_args(v[0], &a);
	}
	if (sub == &tune_args_spec)
		return operands(&q, 2, "DEV and TARGET are") ?: do_tune_args(v[0], v[1]);
	if (sub == &min_size_spec)
		return operands(&q, 1, "DEV is") ?: do_min_size(v[0], &a);
	return operands(&q, 2, "SRC and DST are") ?: do_copy_used(v[0], v[1], &a);
}
