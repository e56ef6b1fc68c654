/* altkit-init: PID 1 of the altkit initramfs.
 *
 * Recovery mode (the boot image, or altkit.mode=recovery): mount the kernel
 * filesystems, wait for the devices to settle, show a banner and give a shell
 * on the console. A drive labelled "altkit-payload" turns recovery mode into
 * test payload mode: its payload.sh runs, its exit status is printed as
 * "altkit-payload-exit: N" on the console, and the machine powers off.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
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

#include "testhook.h"
#include "altkit.h"
#include "blockdev.h"
#include "bootlist.h"
#include "cmdline.h"
#include "efivars.h"
#include "intree.h"
#include "altvg.h"
#include "lvm.h"
#include "lvmdevices.h"
#include "opt.h"
#include "run.h"
#include "vgroles.h"
#include "xalloc.h"

enum { OPT_RUN_PAYLOAD = OPT_LONG, OPT_RENAME, OPT_ACTIVATE };

static const struct opt options[] = {
	{ 'b', "banner", NULL, "print the recovery banner and exit" },
	{ OPT_RUN_PAYLOAD, "run-payload", NULL, "run the payload drive's script, if one is present,\n"
						"and power off (from a booted system's startup)" },
	{ OPT_RENAME, "rename", NULL, "give the VG of altkit.vg= the name rootvg (and the one\n"
				      "it replaces old_rootvg), then exit: from a distribution's\n"
				      "initramfs, before LVM activates anything" },
	{ OPT_ACTIVATE, "activate", NULL, "with --rename: then activate rootvg's LVs (-aay), for\n"
					  "an initramfs whose LVM activates only from udev events,\n"
					  "which may have named the VGs before the renames" },
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec spec = {
	.synopsis = "altkit-init [--banner | --run-payload | --rename [--activate]]",
	.about = "The initramfs init, as PID 1: the recovery shell, or the system of altkit.vg=.",
	.options = options,
	.footer = "Kernel command line:\n"
		  "  altkit.vg=UUID           system mode: activate that VG, mount its root LV\n"
		  "                           (root=, rootfstype=, rootflags=, rw), switch_root\n"
		  "                           to init= (default /sbin/init)\n"
		  "  altkit.mode=recovery     recovery shell (the default without altkit.vg=)\n"
		  "  altkit.payload=1         wait for the drive labelled altkit-payload and run\n"
		  "                           its payload.sh, then power off (tests)\n"
		  "  altkit.run=\"CMD ARGS\"    recovery mode: run that altkit command (alt_disk_copy,\n"
		  "                           alt_rootvg_op, bootlist, dupopt, volarc) unattended,\n"
		  "                           its status on the console as altkit-run-exit: N\n"
		  "  altkit.then=poweroff|reboot|shell\n"
		  "                           after altkit.run (default: the shell)\n"
		  "  altkit.settle=SECONDS    longest wait for devices to appear (default 5)\n"
		  "  altkit.firstboot_timeout=SECONDS\n"
		  "                           longest run of a pending first-boot script (default 600)\n",
};

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
	const double quiet_s = 0.3;
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

/* The volume groups; returns whether one is named rootvg. */
static bool print_volume_groups(FILE *out)
{
	bool rootvg = false;
	struct lvm_vg *vgs;
	size_t n;
	char human[32];
	struct err e;
	int rc = lvm_vgs(NULL, &vgs, &n, &e);
	if (rc == -ENOENT) {
		fputs("  (lvm is not available)\n", out);
		return false;
	}
	if (rc < 0) {
		fprintf(out, "  (lvm failed: %s)\n", e.msg);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		rootvg |= strcmp(vgs[i].name, "rootvg") == 0;
		format_size(vgs[i].size, human, sizeof(human));
		fprintf(out, "  %-16s %-9s %9s  %u PV, %u LV  %s\n", vgs[i].name, vgroles_role(vgs[i].name), human,
			vgs[i].pv_count, vgs[i].lv_count, vgs[i].uuid);
	}
	if (n == 0)
		fputs("  (none)\n", out);
	free(vgs);
	return rootvg;
}

/* A system on rootvg and a blank disk beside it: the main job, spelled out
 * for whoever just booted the image (the make run demo, a new admin). */
static void print_next_steps(FILE *out, const struct blockdev *list, size_t n)
{
	const struct blockdev *blank = NULL;
	for (size_t i = 0; i < n && !blank; i++)
		if (!list[i].parent[0] && !list[i].optical && !list[i].pttype[0] && !list[i].type[0] &&
		    list[i].size >= (1ull << 30))
			blank = &list[i];
	if (!blank)
		return;
	fprintf(out, "\nTo clone rootvg to %s (offline, nothing written to rootvg's disks):\n"
		     "  alt_disk_copy --source-vg rootvg -d %s\n"
		     "then 'reboot' starts the clone (it is first in the boot list: bootlist -m normal -o);\n"
		     "to go back, bootlist -m normal DISK names the disk of the original and reboot.\n",
		blank->name, blank->name);
}

static void print_boot_list(FILE *out, const char *var, const char *title)
{
	uint16_t *nums;
	size_t n;
	if (bootlist_read(var, &nums, &n) < 0)
		return;
	if (n == 0) {
		free(nums);
		return;
	}
	struct bootlist_line *lines = xcalloc(n, sizeof(*lines));
	bootlist_describe(nums, n, lines);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-8s Boot%04X  %-8s %-16s %s\n", i ? "" : title, lines[i].num, lines[i].disk,
			lines[i].vg_name, lines[i].description);
	free(lines);
	free(nums);
}

/* The firmware's boot list, as bootlist -o shows it. */
static void print_boot_entries(FILE *out)
{
	if (efivars_available() < 0)
		return;
	fputs("Boot entries (UEFI):\n", out);
	print_boot_list(out, "BootCurrent", "booted");
	print_boot_list(out, "BootNext", "next");
	print_boot_list(out, "BootOrder", "order");
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
	bool rootvg = print_volume_groups(out);
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
	print_boot_entries(out);
	if (rootvg)
		print_next_steps(out, list, n);
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

/* busybox halt/poweroff/reboot signal PID 1 (SIGUSR1/SIGUSR2/SIGTERM). */
static volatile sig_atomic_t shutdown_cmd;

static void on_shutdown_signal(int sig)
{
	shutdown_cmd = sig == SIGTERM ? RB_AUTOBOOT : sig == SIGUSR1 ? RB_HALT_SYSTEM : RB_POWER_OFF;
}

static _Noreturn void shutdown_now(int how)
{
	fputs("\naltkit-init: stopping all processes\n", stdout);
	fflush(stdout);
	kill(-1, SIGTERM);
	sleep_ms(500);
	kill(-1, SIGKILL);
	sync();
	reboot(how);
	for (;;)
		pause();
}

static void catch_shutdown_signals(void)
{
	struct sigaction sa = { .sa_handler = on_shutdown_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Wait for one child, reaping any orphans PID 1 inherits meanwhile; a
 * shutdown request ends the wait (and the machine). */
static int wait_child(pid_t pid)
{
	int st;
	for (;;) {
		if (shutdown_cmd)
			shutdown_now(shutdown_cmd);
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

/* The protocol qemu/vm reads: the payload's exit status on the console. */
static _Noreturn void run_payload_and_power_off(const struct blockdev *payload)
{
	int status = run_payload(payload);
	printf("altkit-payload-exit: %d\n", status);
	fflush(stdout);
	power_off();
}

/* The commands altkit.run may name: the user's, not the internal ones. */
static bool user_command(const char *name)
{
#define X(cname, internal, help) if (!(internal) && strcmp(name, #cname) == 0) return true;
	ALTKIT_COMMANDS(X)
#undef X
	return false;
}

/* altkit.run="CMD ARGS": the unattended run a network boot asks for (an
 * offline clone of a fleet's servers), then altkit.then=. The command is
 * exec'd with its words as argv, never through a shell; only altkit's own
 * user commands are taken. Returns when the shell should follow. */
static void run_unattended(const struct cmdline *cl)
{
	const char *run = cmdline_get(cl, "altkit.run"), *then = cmdline_get(cl, "altkit.then");
	if (!run)
		return;
	if (then && strcmp(then, "poweroff") && strcmp(then, "reboot") && strcmp(then, "shell")) {
		errmsg("altkit.then=%s: expected poweroff, reboot or shell; nothing run", then);
		return;
	}
	char **argv = cmdline_words(run, 64);
	if (!argv || !argv[0] || !user_command(argv[0])) {
		errmsg("altkit.run=\"%s\": not an altkit command (alt_disk_copy, alt_rootvg_op, bootlist, "
		       "dupopt, volarc); nothing run", run);
		free(argv);
		return;
	}
	printf("altkit-init: running '%s' (altkit.run)\n", run);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	int status = pid < 0 ? 126 : wait_child(pid);
	free(argv);
	sync();
	printf("altkit-run-exit: %d\n", status);
	fflush(stdout);
	if (then && strcmp(then, "poweroff") == 0)
		power_off();
	if (then && strcmp(then, "reboot") == 0) {
		reboot(RB_AUTOBOOT);
		for (;;)
			pause();
	}
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

/* altkit.test.cut_after_renames=N: stop dead after the Nth rename, so that a
 * test can cut the power at exactly that point (a real cut lands anywhere). */
static void say_rename(const struct vgroles_step *st, void *arg)
{
	static int done;
	const char *cut = arg;
	printf("altkit-init: volume group %s: '%s' is now '%s'\n", st->uuid, st->from, st->to);
	if (cut && atoi(cut) == ++done) {
		printf("altkit-init: test: stopped after %d rename%s (altkit.test.cut_after_renames)\n", done,
		       done == 1 ? "" : "s");
		fflush(stdout);
		sync();
		for (;;)
			pause();
	}
	fflush(stdout);
}

static void snapshot_removed(void *arg, const char *name, const struct err *e)
{
	(void)arg;
	if (!e)
		printf("altkit-init: removed '%s', a snapshot left by an interrupted alt_disk_copy\n", name);
}

/* A snapshot alt_disk_copy takes is temporary; one still here was left by an
 * interrupted run. It has its origin's filesystem UUID, so it goes before
 * activation: fstab's UUID= must find the origin only. */
static void remove_stale_snapshots(const char *uuid)
{
	altvg_remove_snapshots(uuid, NULL, snapshot_removed, NULL);
	fflush(stdout);
}

#define FIRSTBOOT "etc/altkit/firstboot"

/* alt_disk_copy -x: the script runs once, at the first boot of the clone,
 * after the names are switched and before the system's init: chrooted into
 * its root (read-write for the moment; its other filesystems not mounted).
 * It is renamed to firstboot.done before it runs, so a crash in it does not
 * make it run again. */
/* Wait for the first-boot script at most limit_s seconds: a script that
 * hangs must not stop the system from booting. Its process group is killed
 * then. Returns its status, or -1 when it was killed for the time. */
static int wait_limited(pid_t pid, double limit_s)
{
	double start = now();
	for (;;) {
		if (shutdown_cmd)
			shutdown_now(shutdown_cmd);
		int st;
		pid_t p = waitpid(pid, &st, WNOHANG);
		if (p == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (p < 0)
			return 127;
		if (now() - start > limit_s) {
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		sleep_ms(100);
	}
}

static void run_firstboot(int root_ro, double limit_s)
{
	int fd = intree_open("/sysroot", FIRSTBOOT, O_RDONLY, 0);
	if (fd < 0)
		return;
	close(fd);
	if (root_ro && mount("/sysroot", "/sysroot", NULL, MS_REMOUNT, NULL) < 0) {
		errmsg_errno(-errno, "the first-boot script cannot run: remounting the root read-write");
		return;
	}
	int dir = intree_open("/sysroot", "etc/altkit", O_RDONLY | O_DIRECTORY, 0);
	if (dir < 0 || renameat(dir, "firstboot", dir, "firstboot.done") < 0) {
		errmsg_errno(dir < 0 ? dir : -errno, "the first-boot script cannot run: marking it done");
	} else {
		fsync(dir);
		printf("altkit-init: running the first-boot script /%s\n", FIRSTBOOT);
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			setpgid(0, 0);      /* its children are killed with it */
			if (chroot("/sysroot") < 0 || chdir("/") < 0)
				_exit(126);
			setenv("ALTKIT_FIRSTBOOT", "1", 1);
			execl("/" FIRSTBOOT ".done", "/" FIRSTBOOT, (char *)NULL);
			_exit(127);
		}
		int st = pid < 0 ? 126 : wait_limited(pid, limit_s);
		if (st < 0)
			printf("altkit-init: the first-boot script was killed after %.0f s (altkit.firstboot_timeout); "
			       "the boot goes on (kept as /%s.done)\n", limit_s, FIRSTBOOT);
		else
			printf("altkit-init: the first-boot script exited %d (kept as /%s.done)\n", st, FIRSTBOOT);
		fflush(stdout);
	}
	if (dir >= 0)
		close(dir);
	sync();
	if (root_ro && mount("/sysroot", "/sysroot", NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
		errmsg_errno(-errno, "remounting the root read-only after the first-boot script");
}

/* System mode: boot the root LV of the VG whose UUID is on the command line.
 * Returns only on failure, with the reason in why. */
/* Its PVs may appear after the initramfs has started: wait altkit.settle
 * seconds (10) for the VG. */
static int wait_for_vg(const struct cmdline *cl, const char *select)
{
	struct lvm_vg *vgs = NULL;
	size_t n = 0;
	const char *v = cmdline_get(cl, "altkit.settle");
	double wait_s = v ? atof(v) : 10.0;
	for (double t = now();; sleep_ms(200)) {
		free(vgs);
		if (lvm_vgs(select, &vgs, &n, NULL) == 0 && n == 1)
			break;
		if (now() - t > wait_s) {
			free(vgs);
			return -1;
		}
	}
	free(vgs);
	return 0;
}

static void boot_system(const struct cmdline *cl, const char *uuid, char *why, size_t whylen)
{
	char select[96], vgname[128];
	struct err e;

	snprintf(select, sizeof(select), "vg_uuid=%s", uuid);
	if (wait_for_vg(cl, select) < 0) {
		snprintf(why, whylen, "no volume group with UUID %s was found", uuid);
		return;
	}

	/* Names before activation: the booted VG becomes rootvg (DESIGN §2). */
	int rc = vgroles_take_root(uuid, say_rename, (void *)cmdline_get(cl, testhook_name(HOOK_CUT_AFTER_RENAMES)),
				   &e);
	if (rc < 0) {
		snprintf(why, whylen, "cannot give volume group %s the name '%s': %s", uuid, ROOTVG,
			 rc == LVM_E_FAILED ? e.msg : strerror(-rc));
		return;
	}
	snprintf(vgname, sizeof(vgname), "%s", ROOTVG);
	remove_stale_snapshots(uuid);

	const char *activate[] = { "vgchange", "-ay", "--select", select, NULL };
	if (lvm_run(activate, &e) < 0) {
		snprintf(why, whylen, "cannot activate volume group '%s': %s", vgname, e.msg);
		return;
	}
	char rootdev[300];
	const char *root = cmdline_get(cl, "root");
	if (root && *root)
		snprintf(rootdev, sizeof(rootdev), "%s", root);
	else
		snprintf(rootdev, sizeof(rootdev), "/dev/%s/root", vgname);

	struct blockdev probe = { 0 };
	/* blockdev_probe wants a name under /dev */
	snprintf(probe.name, sizeof(probe.name), "%s", rootdev + (strncmp(rootdev, "/dev/", 5) == 0 ? 5 : 0));
	if (access(rootdev, F_OK) < 0 || blockdev_probe(&probe) < 0 || !probe.type[0]) {
		snprintf(why, whylen, "root '%s' is missing or holds no filesystem", rootdev);
		return;
	}
	const char *fstype = cmdline_get(cl, "rootfstype");
	if (!fstype || !*fstype)
		fstype = strncmp(probe.type, "ext", 3) == 0 ? "ext4" : probe.type;
	unsigned long flags = cmdline_get(cl, "rw") ? 0 : MS_RDONLY;
	mkdir("/sysroot", 0755);
	if (mount(rootdev, "/sysroot", fstype, flags, cmdline_get(cl, "rootflags")) < 0) {
		snprintf(why, whylen, "cannot mount root '%s' (%s): %s", rootdev, fstype, strerror(errno));
		return;
	}
	const char *init = cmdline_get(cl, "init");
	if (!init || !*init)
		init = "/sbin/init";
	char initpath[300];
	snprintf(initpath, sizeof(initpath), "/sysroot%s", init);
	if (access(initpath, X_OK) < 0) {
		snprintf(why, whylen, "root '%s' has no init '%s'", rootdev, init);
		umount("/sysroot");
		return;
	}
	/* The system gets our /dev (with the LVM nodes lvm made: no udev here),
	 * /proc, /sys and /run; what it has no directory for is left behind. */
	static const char *const keep[] = { "/dev", "/proc", "/sys", "/run" };
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		char target[64];
		snprintf(target, sizeof(target), "/sysroot%s", keep[i]);
		if (mount(keep[i], target, NULL, MS_MOVE, NULL) < 0)
			umount2(keep[i], MNT_DETACH);
	}
	const char *limit = cmdline_get(cl, "altkit.firstboot_timeout");
	run_firstboot(flags & MS_RDONLY, limit && atof(limit) > 0 ? atof(limit) : 600);
	printf("altkit-init: booting '%s' from volume group '%s' (%s)\n", rootdev, vgname, uuid);
	fflush(stdout);
	execl("/bin/busybox", "switch_root", "/sysroot", init, (char *)NULL);
	snprintf(why, whylen, "switch_root failed: %s", strerror(errno));
}

/* --rename, from a distribution's initramfs (initramfs-tools' init-premount,
 * dracut's pre-trigger): only the names, as boot_system does them; the
 * distribution's scripts then activate rootvg and mount root= as usual.
 * Without altkit.vg= there is nothing to do. */
static int rename_only(int activate)
{
	struct cmdline cl;
	struct err e;
	if (cmdline_read("/proc/cmdline", &cl) < 0) {
		errmsg("cannot read /proc/cmdline: %s", strerror(errno));
		return EXIT_FAIL;
	}
	const char *uuid = cmdline_get(&cl, "altkit.vg");
	char select[96];
	int rc = EXIT_OK;
	if (!uuid || !*uuid)
		goto out;
	snprintf(select, sizeof(select), "vg_uuid=%s", uuid);
	if (wait_for_vg(&cl, select) < 0) {
		errmsg("no volume group with UUID %s (altkit.vg=) was found", uuid);
		rc = EXIT_FAIL;
		goto out;
	}
	int r = vgroles_take_root(uuid, say_rename, (void *)cmdline_get(&cl, testhook_name(HOOK_CUT_AFTER_RENAMES)), &e);
	if (r < 0) {
		errmsg("cannot give volume group %s the name '%s': %s", uuid, ROOTVG,
		       r == LVM_E_FAILED ? e.msg : strerror(-r));
		rc = EXIT_FAIL;
		goto out;
	}
	/* an initramfs's devices file (dracut copies the system's) lists the
	 * PVs of the disk it was made on: the VG booting now must be in it */
	int added = 0;
	if (lvmdevices_in_use(NULL) && lvmdevices_add_vg(NULL, uuid, &added, &e) < 0) {
		errmsg("volume group %s: the initramfs's LVM devices file: %s", uuid, e.msg);
		rc = EXIT_FAIL;
		goto out;
	}
	if (added)
		printf("altkit: the PVs of %s (%s) added to the initramfs's LVM devices file\n", ROOTVG, uuid);
	remove_stale_snapshots(uuid);
	/* Debian's lvm2 (initramfs-tools) activates a VG from the udev event of
	 * its last PV, by the name the VG had then: a name the renames have
	 * since given to the other VG. What that event would have done, done
	 * now by UUID (-aay: auto_activation_volume_list is honoured). */
	const char *act[] = { "vgchange", "-aay", "--sysinit", "--select", select, NULL };
	if (activate && lvm_run(act, &e) < 0) {
		errmsg("cannot activate volume group %s (%s): %s", ROOTVG, uuid, e.msg);
		rc = EXIT_FAIL;
	}
out:
	cmdline_release(&cl);
	return rc;
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
	if (found)
		run_payload_and_power_off(&payload);
	run_unattended(cl);
	shell_loop();
}

int cmd_altkit_init(int argc, char **argv)
{
	struct optparser p;
	int c, banner = 0, payload_only = 0, rename = 0, activate = 0;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0) {
		if (c == 'b')
			banner = 1;
		else if (c == OPT_RUN_PAYLOAD)
			payload_only = 1;
		else if (c == OPT_RENAME)
			rename = 1;
		else if (c == OPT_ACTIVATE)
			activate = 1;
	}
	if (c == OPT_EXIT)
		return p.rc;
	if (banner) {
		print_banner(stdout);
		return close_stdout();
	}
	if (activate && !rename) {
		errmsg("--activate goes with --rename");
		return EXIT_USAGE;
	}
	if (rename)
		return rename_only(activate);
	if (payload_only) {
		/* from a booted system's startup: nothing to do without a payload drive */
		struct blockdev payload;
		if (blockdev_find_label(PAYLOAD_LABEL, &payload) < 0)
			return EXIT_OK;
		run_payload_and_power_off(&payload);
	}
	if (getpid() != 1) {
		errmsg("must run as PID 1 from the initramfs (try --banner)");
		return EXIT_USAGE;
	}

	setenv("PATH", "/sbin:/bin:/usr/sbin:/usr/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("TERM", "linux", 0);
	umask(022);
	catch_shutdown_signals();
	mount_kernel_filesystems();

	struct cmdline cl;
	if (cmdline_read("/proc/cmdline", &cl) < 0)
		cmdline_parse("", &cl);
	const char *uuid = cmdline_get(&cl, "altkit.vg");
	const char *mode = cmdline_get(&cl, "altkit.mode");
	if (uuid && *uuid && !(mode && strcmp(mode, "recovery") == 0)) {
		char why[512] = "";
		settle_devices(0.5);
		boot_system(&cl, uuid, why, sizeof(why));
		/* PID 1 must never return or panic: a failure ends in the recovery shell. */
		printf("\naltkit-init: cannot boot the system: %s\n"
		       "altkit-init: dropping to the recovery shell\n", why);
		fflush(stdout);
	}
	recovery(&cl);
}
