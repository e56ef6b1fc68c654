/* Reading the source volume: optical drives through libcdio, images with pread. */
#include <cdio/cdio.h>
#include <cdio/logging.h>
#include <cdio/mmc.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/cdrom.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "optical.h"
#include "optical_src.h"
#include "xalloc.h"

enum {
	SECTOR = 2048,
	DRIVE_READ_SECTORS = 32,        /* 64 KiB per MMC READ(10) */
	IMAGE_READ_SECTORS = 1024,      /* 2 MiB per pread */
	DRIVE_TIMEOUT_MS = 30000,
};

struct fault {
	uint64_t lba;
	long left;                      /* failures to come; -1: always */
};

struct optical_src {
	int fd;                         /* images */
	CdIo_t *cdio;                   /* drives */
	uint64_t sectors;
	uint64_t bytes;
	struct fault *faults;
	size_t nfaults;
	unsigned slow_ms;
	uint64_t *flips;                /* sectors read back with a byte inverted */
	size_t nflips;
};

static int is_optical_drive(int fd, const struct stat *st)
{
	return S_ISBLK(st->st_mode) && ioctl(fd, CDROM_GET_CAPABILITY, 0) >= 0;
}

/* libcdio logs to stderr; library code does not print: errors come back as
 * return values and the command says them once. */
static void quiet_log(cdio_log_level_t level, const char *message)
{
	(void)level;
	(void)message;
}

/* The profile of the medium: the "current profile" of the feature header of
 * GET CONFIGURATION (MMC-6 5.2.2), else what the disc mode suggests. */
static unsigned drive_profile(CdIo_t *p)
{
	unsigned char hdr[8];
	mmc_cdb_t cdb;
	memset(&cdb, 0, sizeof(cdb));
	memset(hdr, 0, sizeof(hdr));
	CDIO_MMC_SET_COMMAND(cdb.field, CDIO_MMC_GPCMD_GET_CONFIGURATION);
	cdb.field[1] = 0x01;            /* RT 1: the current features only */
	cdb.field[8] = sizeof(hdr);
	if (mmc_run_cmd(p, DRIVE_TIMEOUT_MS, &cdb, SCSI_MMC_DATA_READ, sizeof(hdr), hdr) == DRIVER_OP_SUCCESS) {
		unsigned prof = (unsigned)(hdr[6] << 8 | hdr[7]);
		if (prof != 0 && prof != 0xffff)
			return prof;
	}
	switch (cdio_get_discmode(p)) {
	case CDIO_DISC_MODE_CD_DA:
	case CDIO_DISC_MODE_CD_DATA:
	case CDIO_DISC_MODE_CD_XA:
	case CDIO_DISC_MODE_CD_MIXED:
		return OPT_PROF_CDROM;
	case CDIO_DISC_MODE_DVD_ROM: return OPT_PROF_DVDROM;
	case CDIO_DISC_MODE_DVD_RAM: return OPT_PROF_DVDRAM;
	case CDIO_DISC_MODE_DVD_R: return OPT_PROF_DVDR;
	case CDIO_DISC_MODE_DVD_RW: return OPT_PROF_DVDRW_SEQ;
	case CDIO_DISC_MODE_DVD_PR: return OPT_PROF_DVDPR;
	case CDIO_DISC_MODE_DVD_PRW: return OPT_PROF_DVDPRW;
	case CDIO_DISC_MODE_DVD_PRW_DL: return OPT_PROF_DVDPRW_DL;
	case CDIO_DISC_MODE_DVD_PR_DL: return OPT_PROF_DVDPR_DL;
	default: return 0xfffe;         /* something, but not a known profile */
	}
}

static int open_drive(struct optical_src *s, const char *path, int fd, struct optical_src_info *info)
{
	int status = ioctl(fd, CDROM_DRIVE_STATUS, CDSL_CURRENT);
	info->is_drive = 1;
	if (status == CDS_NO_DISC || status == CDS_TRAY_OPEN) {
		info->profile = OPT_PROF_NONE;
		return -ENOMEDIUM;
	}
	cdio_log_set_handler(quiet_log);
	CdIo_t *p = cdio_open(path, DRIVER_LINUX);
	if (!p)
		return -EIO;
	s->cdio = p;
	info->is_drive = 1;
	track_t first = cdio_get_first_track_num(p);
	track_t n = cdio_get_num_tracks(p);
	if (first == CDIO_INVALID_TRACK || n == CDIO_INVALID_TRACK || n == 0) {
		info->profile = OPT_PROF_NONE;
		return -ENOMEDIUM;
	}
	info->profile = drive_profile(p);
	info->tracks = n;
	info->sector_size = SECTOR;
	for (track_t t = first; t < first + n; t++)
		if (cdio_get_track_format(p, t) == TRACK_FORMAT_AUDIO) {
			info->audio_tracks++;
			info->sector_size = CDIO_CD_FRAMESIZE_RAW;
		}
	lsn_t last_session = 0;
	info->sessions = 1;
	if (cdio_get_last_session(p, &last_session) == DRIVER_OP_SUCCESS && last_session > 0)
		info->sessions = 2;     /* at least */
	lsn_t leadout = cdio_get_track_lsn(p, CDIO_CDROM_LEADOUT_TRACK);
	if (leadout == CDIO_INVALID_LSN || leadout < 0)
		return -EIO;
	s->sectors = (uint64_t)leadout;
	info->sectors = s->sectors;
	info->bytes = s->sectors * SECTOR;
	return 0;
}

int optical_src_open(const char *path, struct optical_src **out, struct optical_src_info *info)
{
	memset(info, 0, sizeof(*info));
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
	}
	struct optical_src *s = xcalloc(1, sizeof(*s));
	s->fd = -1;
	info->is_blockdev = S_ISBLK(st.st_mode);
	info->dev = S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode) ? st.st_rdev : st.st_dev;
	info->ino = S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode) ? 0 : st.st_ino;
	if (is_optical_drive(fd, &st)) {
		int rc = open_drive(s, path, fd, info);
		close(fd);
		if (rc < 0) {
			optical_src_close(s);
			return rc;
		}
		*out = s;
		return 0;
	}
	/* a volume image: a regular file or a block device */
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		close(fd);
		free(s);
		return -EINVAL;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	uint64_t bytes = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(fd, 0, SEEK_END);
		bytes = end > 0 ? (uint64_t)end : 0;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	s->fd = fd;
	s->bytes = bytes;
	s->sectors = bytes / SECTOR;
	info->profile = OPT_PROF_IMAGE;
	info->sector_size = SECTOR;
	info->sectors = s->sectors;
	info->bytes = bytes;
	info->tracks = 1;
	info->sessions = 1;
	*out = s;
	return 0;
}

void optical_src_close(struct optical_src *s)
{
	if (!s)
		return;
	if (s->cdio)
		cdio_destroy(s->cdio);
	if (s->fd >= 0)
		close(s->fd);
	free(s->faults);
	free(s->flips);
	free(s);
}

void optical_src_drop_cache(struct optical_src *s)
{
	if (s->fd < 0)
		return;
	fdatasync(s->fd);
	posix_fadvise(s->fd, 0, 0, POSIX_FADV_DONTNEED);
}

void optical_src_prefetch(struct optical_src *s, uint64_t lba, uint64_t count)
{
	if (s->fd >= 0)
		posix_fadvise(s->fd, (off_t)(lba * SECTOR), (off_t)(count * SECTOR), POSIX_FADV_WILLNEED);
}

uint32_t optical_src_max_read(const struct optical_src *s)
{
	return s->cdio ? DRIVE_READ_SECTORS : IMAGE_READ_SECTORS;
}

static int injected_fault(struct optical_src *s, uint64_t lba, uint32_t count)
{
	if (s->slow_ms) {
		struct timespec ts = { s->slow_ms / 1000, (long)(s->slow_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	for (size_t i = 0; i < s->nfaults; i++) {
		struct fault *f = &s->faults[i];
		if (f->lba < lba || f->lba >= lba + count || f->left == 0)
			continue;
		if (f->left > 0)
			f->left--;
		return 1;
	}
	return 0;
}

static int read_drive(struct optical_src *s, uint64_t lba, uint32_t count, void *buf)
{
	mmc_cdb_t cdb;
	memset(&cdb, 0, sizeof(cdb));
	CDIO_MMC_SET_COMMAND(cdb.field, CDIO_MMC_GPCMD_READ_10);
	CDIO_MMC_SET_READ_LBA(cdb.field, lba);
	CDIO_MMC_SET_READ_LENGTH16(cdb.field, count);
	driver_return_code_t rc = mmc_run_cmd(s->cdio, DRIVE_TIMEOUT_MS, &cdb, SCSI_MMC_DATA_READ,
					      count * SECTOR, buf);
	return rc == DRIVER_OP_SUCCESS ? 0 : -EIO;
}

static int read_image(struct optical_src *s, uint64_t lba, uint32_t count, void *buf)
{
	uint64_t off = lba * SECTOR, want = (uint64_t)count * SECTOR, got = 0;
	while (got < want) {
		ssize_t n = pread(s->fd, (char *)buf + got, want - got, (off_t)(off + got));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENODATA;
		got += (uint64_t)n;
	}
	return 0;
}

int optical_src_read(struct optical_src *s, uint64_t lba, uint32_t count, void *buf)
{
	int rc;
	if ((s->nfaults || s->slow_ms) && injected_fault(s, lba, count))
		return -EIO;
	if (s->cdio)
		rc = lba + count > s->sectors ? -ENODATA : read_drive(s, lba, count, buf);
	else
		rc = read_image(s, lba, count, buf);
	for (size_t i = 0; rc == 0 && i < s->nflips; i++)
		if (s->flips[i] >= lba && s->flips[i] < lba + count)
			((unsigned char *)buf)[(s->flips[i] - lba) * SECTOR] ^= 0xff;
	return rc;
}

int optical_src_set_faults(struct optical_src *s, const char *spec, int readback)
{
	char *copy = xstrdup(spec), *save = NULL;
	int rc = 0;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *end;
		if (strncmp(item, "verify-flip=", 12) == 0) {
			unsigned long long lba = strtoull(item + 12, &end, 10);
			if (*end || end == item + 12) {
				rc = -EINVAL;
				break;
			}
			if (readback) {
				s->flips = xrealloc(s->flips, (s->nflips + 1) * sizeof(*s->flips));
				s->flips[s->nflips++] = lba;
			}
			continue;
		}
		if (strncmp(item, "slow=", 5) == 0) {
			unsigned long ms = strtoul(item + 5, &end, 10);
			if (*end || end == item + 5 || ms > 60000) {
				rc = -EINVAL;
				break;
			}
			if (!readback)
				s->slow_ms = (unsigned)ms;
			continue;
		}
		unsigned long long lba = strtoull(item, &end, 10);
		long left = -1;
		if (end == item || (*end && *end != ':')) {
			rc = -EINVAL;
			break;
		}
		if (*end == ':') {
			char *e2;
			left = strtol(end + 1, &e2, 10);
			if (*e2 || e2 == end + 1 || left < 0) {
				rc = -EINVAL;
				break;
			}
		}
		if (readback)
			continue;
		s->faults = xrealloc(s->faults, (s->nfaults + 1) * sizeof(*s->faults));
		s->faults[s->nfaults++] = (struct fault){ lba, left };
	}
	free(copy);
	return rc;
}
