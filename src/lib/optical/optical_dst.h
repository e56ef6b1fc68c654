#ifndef ALTKIT_OPTICAL_DST_H
#define ALTKIT_OPTICAL_DST_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The target of a duplication, written through libburn: an optical drive,
 * or a libburn "stdio:" pseudo-drive on a block device or on an image file.
 * An image file is written under a temporary name in its directory and
 * renamed over the target only when it is complete and on disk. */

struct burn_source;
struct optical_dst;

enum optical_dst_kind {
	OPT_DST_DRIVE,          /* an MMC drive (libburn role 1) */
	OPT_DST_BLOCKDEV,       /* stdio: block device (role 2) */
	OPT_DST_FILE,           /* stdio: regular file, new or existing (role 2) */
};

struct optical_dst_info {
	enum optical_dst_kind kind;
	unsigned profile;               /* from libburn: 0xffff for stdio */
	char profile_name[80];          /* libburn's name ("stdio file") */
	int has_data;                   /* not blank: needs --clear (or refused) */
	int64_t room_sectors;           /* -1: not known until blanked */
	uint64_t device_bytes;          /* block devices */
	dev_t dev;                      /* identity (see optical_src_info) */
	ino_t ino;
	int exists;
};

/* Inspect the target (grabs drives and block devices; files are grabbed by
 * optical_dst_prepare). Errors: -ENOENT (no such drive / directory), -EBUSY
 * (in use: mounted, held, or grabbed elsewhere), -EINVAL (not a file, block
 * device or drive), -ENOMEDIUM, -EIO (libburn could not grab it). */
int optical_dst_open(const char *path, struct optical_dst **out, struct optical_dst_info *info);
void optical_dst_close(struct optical_dst *d);

/* Before writing: files get their temporary name and are grabbed; media that
 * need it are blanked (CD-RW, sequential DVD-RW); with wipe_tail, a block
 * device's last MiB (backup partition tables, RAID metadata) is zeroed
 * when it lies past sectors. Returns 0 or -errno. */
int optical_dst_prepare(struct optical_dst *d, int blank, int wipe_tail, uint64_t sectors);
/* After blanking: the room on the medium, in sectors (-1 unknown). */
int64_t optical_dst_room(struct optical_dst *d);

/* Write one data track of the given size from src. poll(arg) is called about
 * every 100 ms from this thread while libburn writes; when it returns
 * non-zero the write is cancelled. 0, or -EIO (libburn failed: see
 * optical_dst_message), -ECANCELED. */
int optical_dst_write(struct optical_dst *d, struct burn_source *src, uint64_t sectors,
		      int (*poll)(void *arg), void *arg);

/* After a good write: release the drive; files are fsynced and renamed over
 * the target, block devices fsynced. */
int optical_dst_commit(struct optical_dst *d);
/* After a failed write: remove a temporary file; on overwritable targets
 * (block devices, DVD+RW, ...) zero the first 64 sectors so that the volume
 * descriptors of the unfinished copy are gone. 1 if the target was marked
 * unfinished so, 0 if it could not be (WORM), -errno. */
int optical_dst_abandon(struct optical_dst *d);

/* The last error libburn reported (empty if none). */
const char *optical_dst_message(struct optical_dst *d);
/* The path the verification reads back (the final name). */
const char *optical_dst_path(const struct optical_dst *d);

/* libburn messages straight to stderr (-D debug). */
void optical_dst_debug(int on);
#endif
