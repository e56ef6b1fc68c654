/* MMC profiles, media classes and the DUPOPT rule table (pure functions). */
#include <stddef.h>

#include "optical.h"

static const struct optical_profile profiles[] = {
	{ OPT_PROF_NONE, "no medium", OPT_CLASS_NONE, 0 },
	{ OPT_PROF_CDROM, "CD-ROM", OPT_CLASS_ROM, 0 },
	{ OPT_PROF_CDR, "CD-R", OPT_CLASS_WORM, 0 },
	{ OPT_PROF_CDRW, "CD-RW", OPT_CLASS_ERASE, 1 },
	{ OPT_PROF_DVDROM, "DVD-ROM", OPT_CLASS_ROM, 0 },
	{ OPT_PROF_DVDR, "DVD-R", OPT_CLASS_WORM, 0 },
	{ OPT_PROF_DVDRAM, "DVD-RAM", OPT_CLASS_RAM, 0 },
	{ OPT_PROF_DVDRW_RO, "DVD-RW (restricted overwrite)", OPT_CLASS_ERASE, 0 },
	{ OPT_PROF_DVDRW_SEQ, "DVD-RW (sequential)", OPT_CLASS_ERASE, 1 },
	{ OPT_PROF_DVDR_DL, "DVD-R DL", OPT_CLASS_WORM, 0 },
	{ OPT_PROF_DVDR_DL_JUMP, "DVD-R DL (layer jump)", OPT_CLASS_WORM, 0 },
	{ OPT_PROF_DVDPRW, "DVD+RW", OPT_CLASS_ERASE, 0 },
	{ OPT_PROF_DVDPR, "DVD+R", OPT_CLASS_WORM, 0 },
	{ OPT_PROF_DVDPRW_DL, "DVD+RW DL", OPT_CLASS_ERASE, 0 },
	{ OPT_PROF_DVDPR_DL, "DVD+R DL", OPT_CLASS_WORM, 0 },
	{ OPT_PROF_BDROM, "BD-ROM", OPT_CLASS_ROM, 0 },
	{ OPT_PROF_BDR_SRM, "BD-R", OPT_CLASS_WORM, 0 },
	{ OPT_PROF_BDR_RRM, "BD-R (random recording)", OPT_CLASS_WORM, 0 },
	{ OPT_PROF_BDRE, "BD-RE", OPT_CLASS_ERASE, 0 },
	{ OPT_PROF_STDIO, "stdio file", OPT_CLASS_ERASE, 0 },
	{ OPT_PROF_IMAGE, "volume image", OPT_CLASS_IMAGE, 0 },
};

static const struct optical_profile unknown = { 0, "unknown medium", OPT_CLASS_UNKNOWN, 0 };

const struct optical_profile *optical_profile(unsigned code)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (profiles[i].code == code)
			return &profiles[i];
	return &unknown;
}

const struct optical_profile *optical_profiles(size_t *n)
{
	*n = sizeof(profiles) / sizeof(profiles[0]);
	return profiles;
}

const char *optical_class_name(enum optical_class c)
{
	switch (c) {
	case OPT_CLASS_NONE: return "none";
	case OPT_CLASS_UNKNOWN: return "unknown";
	case OPT_CLASS_ROM: return "ROM";
	case OPT_CLASS_WORM: return "WORM";
	case OPT_CLASS_ERASE: return "ERASE";
	case OPT_CLASS_RAM: return "DVD-RAM";
	case OPT_CLASS_IMAGE: return "image";
	}
	return "?";
}

static struct optical_verdict refuse(enum optical_reason r)
{
	return (struct optical_verdict){ OPT_REFUSE, r };
}

/* Which target classes a source class may be duplicated onto. */
static enum optical_reason class_rule(enum optical_class from, enum optical_class to)
{
	switch (from) {
	case OPT_CLASS_ROM:
	case OPT_CLASS_IMAGE:
		return OPT_OK;          /* a master: to any writable medium */
	case OPT_CLASS_WORM:
		return to == OPT_CLASS_WORM || to == OPT_CLASS_ERASE ? OPT_OK : OPT_WORM_TARGET;
	case OPT_CLASS_ERASE:
		return to == OPT_CLASS_ERASE ? OPT_OK : OPT_ERASE_TARGET;
	case OPT_CLASS_RAM:
		return to == OPT_CLASS_RAM ? OPT_OK : OPT_RAM_TARGET;
	case OPT_CLASS_NONE:
		return OPT_FROM_NO_MEDIUM;
	case OPT_CLASS_UNKNOWN:
		break;
	}
	return OPT_FROM_UNSUPPORTED;
}

struct optical_verdict optical_rules(const struct optical_facts *f)
{
	const struct optical_profile *from = optical_profile(f->from_profile);
	const struct optical_profile *to = optical_profile(f->to_profile);

	if (f->same_device)
		return refuse(OPT_SAME_DEVICE);
	if (f->from_sector_size != f->to_sector_size)
		return refuse(OPT_SECTOR_SIZE);
	if (from->cls == OPT_CLASS_NONE)
		return refuse(OPT_FROM_NO_MEDIUM);
	if (from->cls == OPT_CLASS_UNKNOWN)
		return refuse(OPT_FROM_UNSUPPORTED);
	switch (to->cls) {
	case OPT_CLASS_NONE:
		return refuse(OPT_TO_NO_MEDIUM);
	case OPT_CLASS_UNKNOWN:
		return refuse(OPT_TO_UNSUPPORTED);
	case OPT_CLASS_ROM:
	case OPT_CLASS_IMAGE:
		return refuse(OPT_TO_READ_ONLY);
	default:
		break;
	}
	enum optical_reason r = class_rule(from->cls, to->cls);
	if (r != OPT_OK)
		return refuse(r);

	enum optical_action action = OPT_WRITE;
	if (f->to_has_data) {
		if (to->cls == OPT_CLASS_WORM)
			return refuse(OPT_WORM_NOT_BLANK);
		if (!f->clear)
			return refuse(OPT_NEEDS_CLEAR);
		action = to->needs_blanking ? OPT_BLANK_WRITE : OPT_OVERWRITE;
	}
	if (f->room_sectors >= 0 && (uint64_t)f->room_sectors < f->sectors)
		return refuse(OPT_NO_ROOM);
	return (struct optical_verdict){ action, OPT_OK };
}

const char *optical_reason_text(enum optical_reason r)
{
	switch (r) {
	case OPT_OK: return "allowed";
	case OPT_SAME_DEVICE: return "source and target must not be the same device";
	case OPT_SECTOR_SIZE: return "source and target must have the same sector size";
	case OPT_FROM_NO_MEDIUM: return "there is no medium to copy from";
	case OPT_FROM_UNSUPPORTED: return "the source medium is of a kind dupopt does not handle";
	case OPT_TO_NO_MEDIUM: return "there is no medium to write to";
	case OPT_TO_UNSUPPORTED: return "the target medium is of a kind dupopt cannot write";
	case OPT_TO_READ_ONLY: return "the target is read-only media";
	case OPT_WORM_TARGET: return "a WORM volume can be duplicated only to WORM or erasable media";
	case OPT_ERASE_TARGET: return "an erasable volume can be duplicated only to erasable media";
	case OPT_RAM_TARGET: return "a DVD-RAM volume can be duplicated only to DVD-RAM";
	case OPT_WORM_NOT_BLANK: return "a WORM target must be blank";
	case OPT_NEEDS_CLEAR: return "the target holds data: --clear erases it (all its data is lost)";
	case OPT_NO_ROOM: return "the target must have room for the whole volume";
	}
	return "?";
}

const char *optical_reason_key(enum optical_reason r)
{
	switch (r) {
	case OPT_OK: return "ok";
	case OPT_SAME_DEVICE: return "same-device";
	case OPT_SECTOR_SIZE: return "sector-size";
	case OPT_FROM_NO_MEDIUM: return "from-no-medium";
	case OPT_FROM_UNSUPPORTED: return "from-unsupported";
	case OPT_TO_NO_MEDIUM: return "to-no-medium";
	case OPT_TO_UNSUPPORTED: return "to-unsupported";
	case OPT_TO_READ_ONLY: return "to-read-only";
	case OPT_WORM_TARGET: return "worm-target";
	case OPT_ERASE_TARGET: return "erase-target";
	case OPT_RAM_TARGET: return "ram-target";
	case OPT_WORM_NOT_BLANK: return "worm-not-blank";
	case OPT_NEEDS_CLEAR: return "needs-clear";
	case OPT_NO_ROOM: return "no-room";
	}
	return "?";
}

const char *optical_action_key(enum optical_action a)
{
	switch (a) {
	case OPT_REFUSE: return "refuse";
	case OPT_WRITE: return "write";
	case OPT_OVERWRITE: return "overwrite";
	case OPT_BLANK_WRITE: return "blank-write";
	}
	return "?";
}
