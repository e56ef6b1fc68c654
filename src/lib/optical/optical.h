#ifndef ALTKIT_OPTICAL_H
#define ALTKIT_OPTICAL_H
#include <stddef.h>
#include <stdint.h>

/* Optical media: MMC profiles, their media classes, and the DUPOPT rule
 * table that says which source may be duplicated onto which target.
 * Everything here is pure: no I/O, no printing. */

/* MMC profile numbers (MMC-6 "Profile List"), plus two of altkit's own. */
enum {
	OPT_PROF_NONE = 0x0000,         /* no medium (or none reported) */
	OPT_PROF_CDROM = 0x0008,
	OPT_PROF_CDR = 0x0009,
	OPT_PROF_CDRW = 0x000a,
	OPT_PROF_DVDROM = 0x0010,
	OPT_PROF_DVDR = 0x0011,
	OPT_PROF_DVDRAM = 0x0012,
	OPT_PROF_DVDRW_RO = 0x0013,     /* DVD-RW restricted overwrite */
	OPT_PROF_DVDRW_SEQ = 0x0014,
	OPT_PROF_DVDR_DL = 0x0015,
	OPT_PROF_DVDR_DL_JUMP = 0x0016,
	OPT_PROF_DVDPRW = 0x001a,       /* DVD+RW */
	OPT_PROF_DVDPR = 0x001b,        /* DVD+R */
	OPT_PROF_DVDPRW_DL = 0x002a,
	OPT_PROF_DVDPR_DL = 0x002b,
	OPT_PROF_BDROM = 0x0040,
	OPT_PROF_BDR_SRM = 0x0041,
	OPT_PROF_BDR_RRM = 0x0042,
	OPT_PROF_BDRE = 0x0043,
	OPT_PROF_STDIO = 0xffff,        /* libburn's "stdio file": a file or block
	                                   device written through libburn, which
	                                   treats it as overwritable media */
	OPT_PROF_IMAGE = 0x10000,       /* altkit: a volume image read from a file
	                                   or block device (a source only) */
};

/* Media classes, as DUPOPT names them. */
enum optical_class {
	OPT_CLASS_NONE,         /* no medium */
	OPT_CLASS_UNKNOWN,      /* a profile dupopt does not handle */
	OPT_CLASS_ROM,          /* pressed, read-only: CD-ROM, DVD-ROM, BD-ROM */
	OPT_CLASS_WORM,         /* write once: CD-R, DVD-R, DVD+R (DL), BD-R */
	OPT_CLASS_ERASE,        /* rewritable: CD-RW, DVD-RW, DVD+RW, BD-RE, stdio */
	OPT_CLASS_RAM,          /* DVD-RAM */
	OPT_CLASS_IMAGE,        /* a volume image file: a master, like ROM */
};

struct optical_profile {
	unsigned code;
	const char *name;       /* "DVD+RW" */
	enum optical_class cls;
	int needs_blanking;     /* sequential rewritable: erase before rewriting */
};

/* The profile with this code; for codes not in the table a static entry of
 * class OPT_CLASS_UNKNOWN named "unknown". */
const struct optical_profile *optical_profile(unsigned code);
/* Every known profile, for the rule table (*n entries). */
const struct optical_profile *optical_profiles(size_t *n);
const char *optical_class_name(enum optical_class c);   /* "WORM" */

/* What the rules decide. */
enum optical_action {
	OPT_REFUSE,
	OPT_WRITE,              /* the target is blank: write */
	OPT_OVERWRITE,          /* the target holds data, --clear: write over it
	                           (overwritable media, files, block devices) */
	OPT_BLANK_WRITE,        /* the target holds data, --clear: blank it, write */
};

enum optical_reason {
	OPT_OK,
	OPT_SAME_DEVICE,        /* FROM and TO are one device */
	OPT_SECTOR_SIZE,        /* sector sizes differ (audio / mixed mode) */
	OPT_FROM_NO_MEDIUM,
	OPT_FROM_UNSUPPORTED,
	OPT_TO_NO_MEDIUM,
	OPT_TO_UNSUPPORTED,
	OPT_TO_READ_ONLY,       /* pressed media, or an image source profile */
	OPT_WORM_TARGET,        /* WORM source: WORM or ERASE targets only */
	OPT_ERASE_TARGET,       /* ERASE source: ERASE targets only */
	OPT_RAM_TARGET,         /* DVD-RAM source: DVD-RAM only */
	OPT_WORM_NOT_BLANK,     /* a WORM target must be blank */
	OPT_NEEDS_CLEAR,        /* an ERASE/RAM target holds data, no --clear */
	OPT_NO_ROOM,            /* the target is too small */
};

/* The facts the rules look at; the caller gathers them. */
struct optical_facts {
	unsigned from_profile, to_profile;
	unsigned from_sector_size;      /* 2048 for data; 2352 for audio tracks */
	unsigned to_sector_size;        /* 2048 */
	int same_device;
	int to_has_data;                /* the target is not blank */
	int clear;                      /* --clear */
	uint64_t sectors;               /* to copy */
	int64_t room_sectors;           /* target capacity, -1 when not known yet */
};

struct optical_verdict {
	enum optical_action action;
	enum optical_reason reason;
};

/* The DUPOPT rule table: one pure function of the facts. */
struct optical_verdict optical_rules(const struct optical_facts *f);

/* The rule a reason stands for, in words ("a WORM volume can be duplicated
 * only to WORM or erasable media"), and a short keyword ("worm-target"). */
const char *optical_reason_text(enum optical_reason r);
const char *optical_reason_key(enum optical_reason r);
const char *optical_action_key(enum optical_action a);
#endif
