/* The target: libburn drives and stdio: pseudo-drives. */
#include <errno.h>
#include <fcntl.h>
#include <libburn/libburn.h>
#include <libgen.h>
#include <limits.h>
#include <linux/cdrom.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "optical.h"
#include "optical_dst.h"
#include "xalloc.h"

enum {
	SECTOR = 2048,
	PROBE_BYTES = 1 << 20,          /* where we look for data on a device */
	MARK_SECTORS = 64,              /* zeroed to mark a copy unfinished */
	POLL_MS = 10,
};

struct optical_dst {
	struct optical_dst_info info;
	char *path;                     /* absolute, as the user named it */
	char *tmp;                      /* files: the temporary name */
	struct burn_drive_info *infos;
	struct burn_drive *drive;
	int overwritable;               /* random access writable medium */
	char msg[BURN_MSGS_MESSAGE_LEN];
};

static int burn_users;
static int burn_debug;

static int burn_up(void)
{
	if (burn_users++ > 0)
		return 0;
	if (!burn_initialize()) {
		burn_users = 0;
		return -EIO;
	}
	/* messages are queued and turned into one message by the command */
	burn_msgs_set_severities("SORRY", burn_debug ? "ALL" : "NEVER", "libburn: ");
	/* burn_set_signal_handling() is not called: libburn installs no signal
	 * handler then, and the command decides what signals do */
	return 0;
}

static void burn_down(void)
{
	if (burn_users > 0 && --burn_users == 0)
		burn_finish();
}

void optical_dst_debug(int on)
{
	burn_debug = on;
	if (burn_users)
		burn_msgs_set_severities("SORRY", on ? "ALL" : "NEVER", "libburn: ");
}

/* Keep the most recent libburn message of severity SORRY or worse. */
static void collect_messages(struct optical_dst *d)
{
	char text[BURN_MSGS_MESSAGE_LEN], sev[80];
	int code, os_errno;
	while (burn_msgs_obtain("SORRY", &code, text, &os_errno, sev) > 0) {
		size_t n = strlen(text);
		while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
			text[--n] = 0;
		/* libburn gives the system's reason apart ("Cannot write
		 * desired amount of 32768 bytes" + ENOSPC): say it */
		const char *why = os_errno > 0 ? strerror(os_errno) : NULL;
		if (why && !strstr(text, why)) {
			while (n > 0 && text[n - 1] == '.')
				text[--n] = 0;
			snprintf(d->msg, sizeof(d->msg), "%.*s: %s", (int)(sizeof(d->msg) - 80), text, why);
		} else {
			snprintf(d->msg, sizeof(d->msg), "%s", text);
		}
	}
}

const char *optical_dst_message(struct optical_dst *d)
{
	collect_messages(d);
	return d->msg;
}

const char *optical_dst_path(const struct optical_dst *d)
{
	return d->path;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void wait_idle(struct burn_drive *drive)
{
	struct burn_progress p;
	while (burn_drive_get_status(drive, &p) != BURN_DRIVE_IDLE)
		sleep_ms(POLL_MS);
}

static int grab(struct optical_dst *d, const char *adr)
{
	int rc = burn_drive_scan_and_grab(&d->infos, (char *)adr, 1);
	if (rc != 1) {
		collect_messages(d);
		d->infos = NULL;
		return rc == 0 ? -ENOENT : -EBUSY;
	}
	d->drive = d->infos[0].drive;
	return 0;
}

static void ungrab(struct optical_dst *d)
{
	if (!d->drive)
		return;
	burn_drive_release(d->drive, 0);
	burn_drive_info_free(d->infos);
	d->drive = NULL;
	d->infos = NULL;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A block device holds data when its first or last MiB is not all zeros. */
static int blockdev_has_data(int fd, uint64_t bytes)
{
	unsigned char *buf = xmalloc(PROBE_BYTES);
	int found = 0;
	uint64_t where[2] = { 0, bytes > PROBE_BYTES ? bytes - PROBE_BYTES : 0 };
	for (int i = 0; i < 2 && !found; i++) {
		ssize_t n = pread(fd, buf, PROBE_BYTES, (off_t)where[i]);
		if (n > 0 && !all_zero(buf, (size_t)n))
			found = 1;
	}
	free(buf);
	return found;
}

static void set_profile(struct optical_dst *d)
{
	int pno = 0;
	char name[80] = "";
	burn_disc_get_profile(d->drive, &pno, name);
	d->info.profile = (unsigned)pno;
	snprintf(d->info.profile_name, sizeof(d->info.profile_name), "%s", name);
}

static int open_drive(struct optical_dst *d)
{
	char adr[BURN_DRIVE_ADR_LEN];
	if (burn_drive_convert_fs_adr(d->path, adr) <= 0)
		snprintf(adr, sizeof(adr), "%s", d->path);
	int rc = grab(d, adr);
	if (rc < 0)
		return rc;
	enum burn_disc_status st;
	while ((st = burn_disc_get_status(d->drive)) == BURN_DISC_UNREADY)
		sleep_ms(POLL_MS);
	set_profile(d);
	if (st == BURN_DISC_EMPTY) {
		d->info.profile = OPT_PROF_NONE;
		return 0;
	}
	const struct optical_profile *p = optical_profile(d->info.profile);
	d->overwritable = (p->cls == OPT_CLASS_ERASE || p->cls == OPT_CLASS_RAM) && !p->needs_blanking;
	d->info.room_sectors = -1;
	if (st == BURN_DISC_FULL || st == BURN_DISC_APPENDABLE) {
		d->info.has_data = 1;
		/* a full CD-RW: its capacity from the ATIP */
		int start = 0, end = 0;
		if (p->needs_blanking && burn_disc_read_atip(d->drive) == 1 &&
		    burn_drive_get_start_end_lba(d->drive, &start, &end, 0) == 1 && end > 0)
			d->info.room_sectors = end;
	} else if (st == BURN_DISC_BLANK) {
		d->info.room_sectors = burn_disc_available_space(d->drive, NULL) / SECTOR;
		if (d->overwritable) {
			/* overwritable media always say "blank": look at them */
			char *buf = xcalloc(MARK_SECTORS, SECTOR);
			off_t got = 0;
			if (burn_read_data(d->drive, 0, buf, MARK_SECTORS * SECTOR, &got, 2 | 4) == 1)
				d->info.has_data = !all_zero((unsigned char *)buf, (size_t)got);
			free(buf);
			collect_messages(d);
			d->msg[0] = 0;
		}
	} else {
		d->info.has_data = 1;
	}
	return 0;
}

static int open_blockdev(struct optical_dst *d)
{
	/* O_EXCL on a block device fails while it is mounted or held */
	int fd = open(d->path, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0)
		return errno == EBUSY ? -EBUSY : -errno;
	uint64_t bytes = 0;
	if (ioctl(fd, BLKGETSIZE64, &bytes) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	d->info.device_bytes = bytes;
	d->info.room_sectors = (int64_t)(bytes / SECTOR);
	d->info.has_data = blockdev_has_data(fd, bytes);
	close(fd);
	char adr[PATH_MAX + 8];
	snprintf(adr, sizeof(adr), "stdio:%s", d->path);
	int rc = grab(d, adr);
	if (rc < 0)
		return rc;
	set_profile(d);
	d->overwritable = 1;
	return 0;
}

static int open_file(struct optical_dst *d, const struct stat *st, int exists)
{
	char *dircopy = xstrdup(d->path);
	struct statvfs vfs;
	int rc = statvfs(dirname(dircopy), &vfs);
	free(dircopy);
	if (rc < 0)
		return -errno;
	d->info.exists = exists;
	d->info.has_data = exists && st->st_size > 0;
	d->info.room_sectors = (int64_t)((uint64_t)vfs.f_bavail * vfs.f_frsize / SECTOR);
	/* grabbed later, under its temporary name; libburn calls any file it
	 * writes a "stdio file", profile 0xffff */
	d->info.profile = OPT_PROF_STDIO;
	snprintf(d->info.profile_name, sizeof(d->info.profile_name), "stdio file");
	d->overwritable = 1;
	return 0;
}

/* An absolute path whose directory exists: /abs/dir/name */
static char *absolute_path(const char *path)
{
	char *copy = xstrdup(path), *copy2 = xstrdup(path);
	char *dir = dirname(copy), *base = basename(copy2);
	char real[PATH_MAX];
	char *out = NULL;
	if (realpath(dir, real)) {
		size_t n = strlen(real) + strlen(base) + 2;
		out = xmalloc(n);
		snprintf(out, n, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
	}
	free(copy);
	free(copy2);
	return out;
}

int optical_dst_open(const char *path, struct optical_dst **out, struct optical_dst_info *info)
{
	struct stat st;
	int exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT)
		return -errno;
	if (exists && S_ISDIR(st.st_mode))
		return -EISDIR;
	if (exists && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return -EINVAL;
	/* an existing target is written where it is (through symlinks) */
	char *abs = exists ? realpath(path, NULL) : absolute_path(path);
	if (!abs)
		return -ENOENT;         /* the directory does not exist */
	struct optical_dst *d = xcalloc(1, sizeof(*d));
	d->path = abs;
	d->info.room_sectors = -1;
	if (exists) {
		d->info.exists = 1;
		d->info.dev = S_ISBLK(st.st_mode) ? st.st_rdev : st.st_dev;
		d->info.ino = S_ISBLK(st.st_mode) ? 0 : st.st_ino;
	}
	int rc = burn_up();
	if (rc < 0) {
		free(d->path);
		free(d);
		return rc;
	}
	if (exists && S_ISBLK(st.st_mode)) {
		int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		int is_drive = fd >= 0 && ioctl(fd, CDROM_GET_CAPABILITY, 0) >= 0;
		if (fd >= 0)
			close(fd);
		d->info.kind = is_drive ? OPT_DST_DRIVE : OPT_DST_BLOCKDEV;
		rc = is_drive ? open_drive(d) : open_blockdev(d);
	} else {
		d->info.kind = OPT_DST_FILE;
		rc = open_file(d, &st, exists);
	}
	*info = d->info;
	if (rc < 0) {
		optical_dst_close(d);
		return rc;
	}
	*out = d;
	return 0;
}

void optical_dst_close(struct optical_dst *d)
{
	if (!d)
		return;
	ungrab(d);
	if (d->tmp) {
		unlink(d->tmp);
		free(d->tmp);
	}
	free(d->path);
	free(d);
	burn_down();
}

static int make_temp(struct optical_dst *d)
{
	char *copy = xstrdup(d->path), *copy2 = xstrdup(d->path);
	char *dir = dirname(copy), *base = basename(copy2);
	size_t n = strlen(dir) + strlen(base) + 32;
	d->tmp = xmalloc(n);
	snprintf(d->tmp, n, "%s/.%s.dupopt-XXXXXX", dir, base);
	free(copy);
	free(copy2);
	int fd = mkstemp(d->tmp);
	if (fd < 0) {
		int e = -errno;
		free(d->tmp);
		d->tmp = NULL;
		return e;
	}
	/* the mode of the file it replaces, else what a new file gets */
	struct stat st;
	mode_t mode;
	if (stat(d->path, &st) == 0) {
		mode = st.st_mode & 07777;
	} else {
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	fchmod(fd, mode);
	close(fd);
	return 0;
}

static int wipe_tail(struct optical_dst *d, uint64_t sectors)
{
	uint64_t bytes = d->info.device_bytes;
	if (bytes < PROBE_BYTES)
		return 0;
	uint64_t start = (bytes - PROBE_BYTES) & ~(uint64_t)(32 * 1024 - 1);
	if (start < sectors * SECTOR)
		return 0;
	char *zeros = xcalloc(1, PROBE_BYTES);
	int rc = burn_random_access_write(d->drive, (off_t)start, zeros,
					  (off_t)(bytes - start > PROBE_BYTES ? PROBE_BYTES : bytes - start), 1);
	free(zeros);
	return rc == 1 ? 0 : -EIO;
}

int optical_dst_prepare(struct optical_dst *d, int blank, int wipe, uint64_t sectors)
{
	if (d->info.kind == OPT_DST_FILE) {
		int rc = make_temp(d);
		if (rc < 0)
			return rc;
		char adr[PATH_MAX + 8];
		snprintf(adr, sizeof(adr), "stdio:%s", d->tmp);
		rc = grab(d, adr);
		if (rc < 0)
			return -EIO;
		set_profile(d);
		if (d->info.profile != OPT_PROF_STDIO || burn_drive_get_drive_role(d->drive) != 2)
			return -EMEDIUMTYPE;
		return 0;
	}
	if (blank && d->info.kind == OPT_DST_DRIVE) {
		burn_disc_erase(d->drive, 1);
		sleep_ms(POLL_MS);
		wait_idle(d->drive);
		if (!burn_drive_wrote_well(d->drive)) {
			collect_messages(d);
			return -EIO;
		}
		enum burn_disc_status st;
		while ((st = burn_disc_get_status(d->drive)) == BURN_DISC_UNREADY)
			sleep_ms(POLL_MS);
		if (st != BURN_DISC_BLANK)
			return -EIO;
	}
	if (wipe && d->info.kind == OPT_DST_BLOCKDEV)
		return wipe_tail(d, sectors);
	return 0;
}

int64_t optical_dst_room(struct optical_dst *d)
{
	if (d->info.kind == OPT_DST_DRIVE && d->drive)
		return burn_disc_available_space(d->drive, NULL) / SECTOR;
	return d->info.room_sectors;
}

int optical_dst_write(struct optical_dst *d, struct burn_source *src, uint64_t sectors,
		      int (*poll)(void *arg), void *arg)
{
	struct burn_disc *disc = burn_disc_create();
	struct burn_session *session = burn_session_create();
	struct burn_track *track = burn_track_create();
	struct burn_write_opts *opts = burn_write_opts_new(d->drive);
	char reasons[BURN_REASONS_LEN];
	int rc = 0, cancelled = 0;

	burn_disc_add_session(disc, session, BURN_POS_END);
	burn_track_define_data(track, 0, 0, 1, BURN_MODE1);
	burn_track_set_source(track, src);
	burn_track_set_size(track, (off_t)(sectors * SECTOR));
	burn_session_add_track(session, track, BURN_POS_END);
	burn_write_opts_set_perform_opc(opts, 0);
	burn_write_opts_set_multi(opts, 0);             /* close the disc */
	burn_write_opts_set_underrun_proof(opts, 1);
	burn_write_opts_set_stdio_fsync(opts, 1);       /* fsync at the end */
	burn_write_opts_set_dvd_obs(opts, 64 * 1024);   /* 64 KiB writes */
	if (burn_write_opts_auto_write_type(opts, disc, reasons, 0) == BURN_WRITE_NONE) {
		snprintf(d->msg, sizeof(d->msg), "no write mode for this medium: %s", reasons);
		rc = -EIO;
		goto out;
	}
	d->msg[0] = 0;
	collect_messages(d);
	d->msg[0] = 0;
	burn_disc_write(opts, disc);
	struct burn_progress p;
	while (burn_drive_get_status(d->drive, &p) != BURN_DRIVE_IDLE) {
		if (!cancelled && poll && poll(arg)) {
			burn_drive_cancel(d->drive);
			cancelled = 1;
		}
		sleep_ms(POLL_MS);
	}
	if (poll)
		poll(arg);
	collect_messages(d);
	if (cancelled)
		rc = -ECANCELED;
	else if (!burn_drive_wrote_well(d->drive))
		rc = -EIO;
out:
	burn_write_opts_free(opts);
	burn_disc_free(disc);
	burn_session_free(session);
	burn_track_free(track);
	return rc;
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

int optical_dst_commit(struct optical_dst *d)
{
	ungrab(d);
	if (d->info.kind == OPT_DST_DRIVE)
		return 0;
	if (d->info.kind == OPT_DST_BLOCKDEV)
		return fsync_path(d->path);
	int rc = fsync_path(d->tmp);
	if (rc < 0)
		return rc;
	if (rename(d->tmp, d->path) < 0)
		return -errno;
	free(d->tmp);
	d->tmp = NULL;
	char *copy = xstrdup(d->path);
	rc = fsync_path(dirname(copy));
	free(copy);
	return rc;
}

int optical_dst_abandon(struct optical_dst *d)
{
	int marked = 0;
	if (d->info.kind == OPT_DST_FILE) {
		ungrab(d);
		if (d->tmp) {
			unlink(d->tmp);
			free(d->tmp);
			d->tmp = NULL;
		}
		return 1;
	}
	if (d->drive && d->overwritable) {
		char *zeros = xcalloc(MARK_SECTORS, SECTOR);
		marked = burn_random_access_write(d->drive, 0, zeros, MARK_SECTORS * SECTOR, 1) == 1;
		free(zeros);
	}
	ungrab(d);
	if (marked && d->info.kind == OPT_DST_BLOCKDEV)
		fsync_path(d->path);
	return marked;
}
