/* altkit-init: PID 1 of the altkit initramfs.
 *
 * Recovery mode (the boot image, or altkit.mode=recovery): mount the kernel
 * filesystems, wait for the devices to settle, show a banner and give a shell
 * on the console. A drive labelled "altkit-payload" turns recovery mode into
 * test payload mode: its payload.sh runs, its exit status is printed as
 * "altkit-payload-exit: N" on the console, and the machine powers off.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "altkit.h"
#include "blockdev.h"
#include "cmdline.h"
#include "run.h"

static const char usage_text[] =
	"Usage: altkit-init            (as PID 1, from the initramfs)\n"
	"       altkit-init --banner   print the recovery banner and exit\n"
	"\n"
	"Kernel command line:\n"
	"  altkit.mode=recovery     recovery shell (the default without altkit.vg=)\n"
	"  altkit.payload=1         wait for the drive labelled altkit-payload and run\n"
	"                           its payload.sh, then power off (tests)\n"
	"  altkit.settle=SECONDS    longest wait for devices to appear (default 5)\n";

#define PAYLOAD_LABEL "altkit-payload"
#define PAYLOAD_DIR "/payload"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void mount_one(const char *src, const char *dir, const char *type,
		      unsigned long flags, const char *data)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, flags, data) < 0 && errno != EBUSY)
		errmsg_errno(-errno, "mounting %s on '%s'", type, dir);
}

static void mount_kernel_filesystems(void)
{
	const unsigned long nodev = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	mount_one("proc", "/proc", "proc", nodev, NULL);
	mount_one("sysfs", "/sys", "sysfs", nodev, NULL);
	mount_one("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	mount_one("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=620,ptmxmode=666");
	mount_one("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	mkdir("/run/lock", 0755);
	mkdir("/run/lvm", 0700);
	if (access("/sys/firmware/efi/efivars", F_OK) == 0)
		mount_one("efivarfs", "/sys/firmware/efi/efivars", "efivarfs", nodev, NULL);
}

/* A fingerprint of the block devices present: it changes while probing goes on. */
static unsigned long devices_fingerprint(void)
{
	struct blockdev *list;
	size_t n;
	unsigned long h = 5381;
	blockdev_list(&list, &n, 0);
	for (size_t i = 0; i < n; i++) {
		for (const char *p = list[i].name; *p; p++)
			h = h * 33 + (unsigned char)*p;
		h = h * 33 + (unsigned long)(list[i].size >> 9);
	}
	free(list);
	return h ^ n;
}

/* The kernel does not wait for device probing before running an initramfs:
 * wait until the set of disks has been quiet for a moment, or max_s passed. */
static void settle_devices(double max_s)
{
	const double quiet_s = 0.5;
	double start = now(), last_change = start;
	unsigned long fp = devices_fingerprint();
	while (now() - start < max_s && now() - last_change < quiet_s) {
		sleep_ms(50);
		unsigned long f = devices_fingerprint();
		if (f != fp) {
			fp = f;
			last_change = now();
		}
	}
}

static void print_volume_groups(FILE *out)
{
	char *argv[] = { "lvm", "vgs", "--noheadings", "--separator", "|", "--units", "b",
			 "--nosuffix", "-o", "vg_name,vg_uuid,vg_size,pv_count,lv_count", NULL };
	struct run_result r;
	if (run_argv(argv, RUN_CAPTURE_OUT | RUN_QUIET_ERR | RUN_NULL_IN, &r) < 0) {
		fputs("  (lvm is not available)\n", out);
		return;
	}
	int any = 0;
	for (char *line = r.out, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		char name[128], uuid[64], size[32];
		int pvs, lvs;
		while (*line == ' ')
			line++;
		if (sscanf(line, "%127[^|]|%63[^|]|%31[^|]|%d|%d", name, uuid, size, &pvs, &lvs) != 5)
			continue;
		char human[32];
		format_size(strtoull(size, NULL, 10), human, sizeof(human));
		fprintf(out, "  %-16s %-10s %d PV, %d LV  %s\n", name, human, pvs, lvs, uuid);
		any = 1;
	}
	if (!any)
		fputs("  (none)\n", out);
	run_result_release(&r);
}

static void print_banner(FILE *out)
{
	struct utsname u;
	struct blockdev *list;
	size_t n;
	char human[32];
	int optical = 0;

	uname(&u);
	fprintf(out, "\naltkit %s recovery - Linux %s, %s firmware\n\n", ALTKIT_VERSION, u.release,
		access("/sys/firmware/efi", F_OK) == 0 ? "UEFI" : "BIOS");
	blockdev_list(&list, &n, 1);
	fputs("Disks:\n", out);
	for (size_t i = 0; i < n; i++) {
		struct blockdev *bd = &list[i];
		if (bd->optical) {
			optical = 1;
			continue;
		}
		format_size(bd->size, human, sizeof(human));
		fprintf(out, "  %s%-*s %9s  %-12s%s%s%s%s\n", bd->parent[0] ? "  " : "",
			bd->parent[0] ? 6 : 8, bd->name, human,
			bd->pttype[0] ? bd->pttype : bd->type[0] ? bd->type : "-",
			bd->label[0] ? " label=" : "", bd->label,
			bd->model[0] ? "  " : "", bd->model);
	}
	fputs("Volume groups:\n", out);
	print_volume_groups(out);
	fputs("Optical drives:\n", out);
	for (size_t i = 0; i < n; i++) {
		struct blockdev *bd = &list[i];
		if (!bd->optical)
			continue;
		if (bd->size == 0) {
			fprintf(out, "  %-8s %s, no medium\n", bd->name, bd->model);
			continue;
		}
		format_size(bd->size, human, sizeof(human));
		fprintf(out, "  %-8s %s, %s %s%s%s\n", bd->name, bd->model, human,
			bd->type[0] ? bd->type : "unknown medium",
			bd->label[0] ? " label=" : "", bd->label);
	}
	if (!optical)
		fputs("  (none)\n", out);
	free(list);
	fputs("\naltkit recovery: ready\n", out);
	fflush(out);
}

static _Noreturn void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/* Wait for one child, reaping any orphans PID 1 inherits meanwhile. */
static int wait_child(pid_t pid)
{
	int st;
	for (;;) {
		pid_t p = wait(&st);
		if (p == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (p < 0 && errno == ECHILD)
			return 127;
	}
}

static int run_payload(const struct blockdev *bd)
{
	char dev[64];
	snprintf(dev, sizeof(dev), "/dev/%s", bd->name);
	mkdir(PAYLOAD_DIR, 0755);
	if (mount(dev, PAYLOAD_DIR, "ext4", 0, NULL) < 0) {
		errmsg_errno(-errno, "mounting the payload drive '%s'", dev);
		return 125;
	}
	mkdir(PAYLOAD_DIR "/out", 0755);
	fprintf(stdout, "altkit-payload: running %s/payload.sh from %s\n", PAYLOAD_DIR, dev);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		setenv("PAYLOAD", PAYLOAD_DIR, 1);
		setenv("OUT", PAYLOAD_DIR "/out", 1);
		if (chdir(PAYLOAD_DIR) < 0)
			_exit(126);
		execl("/bin/sh", "sh", PAYLOAD_DIR "/payload.sh", (char *)NULL);
		_exit(127);
	}
	int status = pid < 0 ? 126 : wait_child(pid);
	sync();
	if (umount(PAYLOAD_DIR) < 0)
		errmsg_errno(-errno, "unmounting the payload drive");
	return status;
}

static _Noreturn void shell_loop(void)
{
	for (;;) {
		pid_t pid = fork();
		if (pid == 0) {
			/* cttyhack reopens the real console (ttyS0, tty1) so that the
			 * shell gets a controlling terminal and job control */
			execl("/bin/busybox", "setsid", "cttyhack", "/bin/sh", "-l", (char *)NULL);
			execl("/bin/sh", "sh", "-l", (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || wait_child(pid) == 127) {
			errmsg("no shell could be started; powering off in 10 seconds");
			sleep(10);
			power_off();
		}
		fputs("\naltkit-init: the shell exited; starting a new one (run 'poweroff' to stop)\n", stdout);
	}
}

static _Noreturn void recovery(const struct cmdline *cl)
{
	const char *v = cmdline_get(cl, "altkit.settle");
	double settle_s = v ? atof(v) : 5.0;
	const char *want_payload = cmdline_get(cl, "altkit.payload");
	struct blockdev payload;

	settle_devices(settle_s);
	int found = blockdev_find_label(PAYLOAD_LABEL, &payload) == 0;
	if (!found && want_payload && strcmp(want_payload, "0") != 0) {
		for (double t = now(); !found && now() - t < 30; sleep_ms(100))
			found = blockdev_find_label(PAYLOAD_LABEL, &payload) == 0;
		if (!found)
			errmsg("altkit.payload given but no drive labelled '%s' appeared", PAYLOAD_LABEL);
	}
	print_banner(stdout);
	if (found) {
		int status = run_payload(&payload);
		printf("altkit-payload-exit: %d\n", status);
		fflush(stdout);
		power_off();
	}
	shell_loop();
}

int cmd_altkit_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "banner", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, banner = 0;
	while ((c = getopt_long(argc, argv, "bh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			banner = 1;
			break;
		case 'h':
			print_usage(stdout, usage_text);
			return close_stdout();
		default:
			print_usage(stderr, usage_text);
			return EXIT_USAGE;
		}
	}
	if (banner) {
		print_banner(stdout);
		return close_stdout();
	}
	if (getpid() != 1) {
		errmsg("must run as PID 1 from the initramfs (try --banner)");
		return EXIT_USAGE;
	}

	setenv("PATH", "/sbin:/bin:/usr/sbin:/usr/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("TERM", "linux", 0);
	umask(022);
	mount_kernel_filesystems();

	struct cmdline cl;
	if (cmdline_read("/proc/cmdline", &cl) < 0)
		cmdline_parse("", &cl);
	/* PID 1 must never return: a failure ends in the recovery shell. */
	recovery(&cl);
}
