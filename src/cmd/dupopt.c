/* dupopt: duplicate an optical volume sector for sector (IBM i DUPOPT). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <libburn/libburn.h>

#include "testhook.h"
#include "altkit.h"
#include "dupopt.h"
#include "isovd.h"
#include "json.h"
#include "optical.h"
#include "optical_dst.h"
#include "optical_src.h"
#include "opt.h"
#include "progress.h"
#include "pathquote.h"
#include "samedev.h"
#include "sde.h"

enum { OPT_NEW_ID = OPT_LONG, OPT_CLEAR, OPT_ALLOW, OPT_VERIFY, OPT_JSON };

static const struct opt options[] = {
	{ OPT_NEW_ID, "new-volume-id", "ID", "the copy's volume identifier (1-32 characters of\n"
					     "A-Z 0-9 _); default: the source's" },
	{ OPT_CLEAR, "clear", NULL, "erase a target that holds data (all of it is lost)" },
	{ OPT_ALLOW, "allow-media-errors", NULL, "write unreadable sectors as zeros, list them, exit 3" },
	{ OPT_VERIFY, "verify", NULL, "read the copy back and compare every sector" },
	{ OPT_JSON, "json", NULL, "print the result as JSON" },
	{ 'D', "debug", NULL, "show libburn's messages" },
	OPT_HELP_VERSION,
	{ 0 }
};

static const struct optspec spec = {
	.synopsis = "dupopt FROM TO [--new-volume-id ID] [--clear] [--allow-media-errors]\n"
		    "       [--verify] [--json] [-D]",
	.about = "Duplicate an optical volume sector for sector. FROM is an optical drive\n"
		 "(/dev/sr0) or a volume image (file or block device); TO is an optical\n"
		 "drive, a block device or an image file. The copy is identical except for\n"
		 "the volume identifier and the volume creation time.",
	.options = options,
	.footer = "Exit status: 0 copied; 1 failed (nothing written when refused); 2 usage;\n"
		  "3 copied, but unreadable sectors were written as zeros.\n",
};

enum {
	EXIT_MEDIA_ERRORS = 3,
	SECTOR = 2048,
	RETRIES = 3,                    /* extra reads of a bad sector */
};

struct opts {
	const char *from, *to;
	const char *new_id;
	int clear, allow_errors, verify, json, debug;
};

/* ---- the held-off signals ---- */

static const int held_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGTSTP };
static const char *const held_names[] = { "SIGINT", "SIGTERM", "SIGHUP", "SIGTSTP" };
#define NHELD (sizeof(held_signals) / sizeof(held_signals[0]))


static void hold_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < NHELD; i++)
		sigaddset(&set, held_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

/* A held signal that will act when let through: pending, and not ignored
 * (a background job of a shell ignores SIGINT, for one). */
static int will_act(const sigset_t *pending, int sig)
{
	struct sigaction sa;
	return sigismember(pending, sig) && sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN;
}

static int pending_signal(int *seen)
{
	sigset_t p;
	int found = 0;
	sigpending(&p);
	for (size_t i = 0; i < NHELD; i++)
		if (will_act(&p, held_signals[i])) {
			if (!found)
				found = held_signals[i];
			if (seen && !seen[i]) {
				seen[i] = 1;
				errmsg("%s received: held off until the write ends", held_names[i]);
			}
		}
	return found;
}

/* ---- progress (cmd/progress.h), in bytes ---- */

static double since(const struct timespec *a)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - a->tv_sec) + (double)(now.tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_sectors(struct progress *p, uint64_t sectors)
{
	progress_show(p, sectors * SECTOR, NULL, false);
}

/* ---- helpers ---- */

static const char *profile_name(unsigned code)
{
	return optical_profile(code)->name;
}

static void print_ranges(const char *from, const uint64_t *lba, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && lba[j + 1] == lba[j] + 1)
			j++;
		if (j == i)
			errmsg("'%s': sector %" PRIu64 " unreadable: written as zeros", from, lba[i]);
		else
			errmsg("'%s': sectors %" PRIu64 "-%" PRIu64 " unreadable: written as zeros", from, lba[i], lba[j]);
		i = j + 1;
	}
}

static int src_read_sector(void *ctx, uint32_t lba, unsigned char *buf)
{
	return optical_src_read(ctx, lba, 1, buf);
}

/* ---- the duplication ---- */

struct job {
	struct opts *o;
	struct optical_src *src;
	struct optical_src_info si;
	struct optical_dst *dst;
	struct optical_dst_info di;
	struct isovd_plan plan;
	int have_plan;
	uint64_t sectors;
	time_t when;
	struct dupopt_copy copy;
	struct progress prog;
	int seen[NHELD];
	int verified;                   /* 1 ok, 0 not asked, -1 mismatches */
	struct dupopt_mismatch *mism;
	size_t nmism;
	double write_secs, verify_secs;
};

static int write_poll(void *arg)
{
	struct job *j = arg;
	pending_signal(j->seen);
	progress_sectors(&j->prog, __atomic_load_n(&j->copy.delivered_sectors, __ATOMIC_RELAXED));
	return dupopt_copy_failed(&j->copy);
}

static void verify_progress(void *arg, uint64_t done)
{
	struct job *j = arg;
	progress_sectors(&j->prog, done);
}

static const char *side(const struct job *j, int to)
{
	return to ? j->o->to : j->o->from;
}

/* "CD-R, WORM", "stdio file, overwritable: ERASE", "volume image" */
static const char *describe(unsigned profile, char *buf, size_t len)
{
	const struct optical_profile *p = optical_profile(profile);
	if (p->cls == OPT_CLASS_IMAGE || p->cls == OPT_CLASS_NONE)
		snprintf(buf, len, "%s", p->name);
	else if (p->cls == OPT_CLASS_UNKNOWN)
		snprintf(buf, len, "unknown medium, profile 0x%04x", profile);
	else if (profile == OPT_PROF_STDIO)
		snprintf(buf, len, "stdio file, overwritable: ERASE");
	else
		snprintf(buf, len, "%s, %s", p->name, optical_class_name(p->cls));
	return buf;
}

static int refuse(struct job *j, struct optical_verdict v, const struct optical_facts *f,
		  const char *how)
{
	char a[96], b[96], extra[160] = "";
	if (how && (strstr(how, " is backed by ") || strstr(how, " lies on ")))
		snprintf(extra, sizeof(extra), " (%s)", how);
	if (v.reason == OPT_NO_ROOM)
		snprintf(extra, sizeof(extra), " (%" PRIu64 " sectors needed, %" PRId64 " available)",
			 f->sectors, f->room_sectors);
	if (v.reason == OPT_SECTOR_SIZE)
		snprintf(extra, sizeof(extra), " (%u-byte sectors: audio or mixed-mode disc)", f->from_sector_size);
	errmsg("'%s' (%s) to '%s' (%s): %s%s", side(j, 0), describe(f->from_profile, a, sizeof(a)),
	       side(j, 1), describe(f->to_profile, b, sizeof(b)), optical_reason_text(v.reason), extra);
	return EXIT_FAIL;
}

static int open_source(struct job *j)
{
	const char *from = j->o->from;
	int rc = optical_src_open(from, &j->src, &j->si);
	if (rc == -ENOMEDIUM) {
		errmsg("'%s': no medium in the drive", from);
		return -1;
	}
	if (rc == -EINVAL) {
		errmsg("'%s' is not an optical drive, a block device or a volume image file", from);
		return -1;
	}
	if (rc < 0) {
		errmsg_errno(rc, "'%s'", from);
		return -1;
	}
	if (!j->si.is_drive && j->si.bytes == 0) {
		errmsg("'%s' is empty: no volume to copy", from);
		return -1;
	}
	if (j->si.is_drive && j->si.audio_tracks == 0 && j->si.tracks > 1) {
		errmsg("'%s' holds %d tracks: only single-track data volumes can be duplicated", from, j->si.tracks);
		return -1;
	}
	if (j->si.is_drive && j->si.audio_tracks == 0 && j->si.sessions > 1) {
		errmsg("'%s' holds several sessions: only single-session volumes can be duplicated", from);
		return -1;
	}
	const char *faults = testhook(HOOK_DUPOPT_FAULTS);
	if (faults && optical_src_set_faults(j->src, faults, 0) < 0) {
		errmsg("DUPOPT_TEST_FAULTS '%s': expected N, N:COUNT, slow=MS or verify-flip=N, comma separated",
		       faults);
		return -1;
	}
	return 0;
}

static int plan_volume(struct job *j)
{
	const char *from = j->o->from;
	j->sectors = j->si.sectors;
	if (j->si.sector_size != SECTOR)
		return 0;       /* refused by the rules */
	uint32_t bad = 0;
	int rc = isovd_plan(src_read_sector, j->src, j->si.sectors, j->o->new_id, j->when, &j->plan, &bad);
	if (rc == -ENODATA) {
		rc = 0;         /* descriptors past the end: the truncation check says it */
	}
	if (rc == -EMEDIUMTYPE) {
		errmsg("'%s': the ISO 9660 primary volume descriptor gives a logical block size of %u "
		       "bytes: only 2048 is duplicated (the volume's size is counted in those blocks)",
		       from, j->plan.iso_block_size);
		return -1;
	}
	if (rc < 0) {
		errmsg_errno(rc, "'%s': reading volume descriptor sector %" PRIu32, from, bad);
		return -1;
	}
	j->have_plan = 1;
	if (!j->plan.has_iso && !j->plan.has_udf && j->o->new_id) {
		errmsg("'%s' has no ISO 9660 or UDF volume descriptors: there is no volume identifier to change", from);
		return -1;
	}
	if (!j->si.is_drive && j->si.bytes % SECTOR && j->plan.iso_volume_sectors <= j->si.sectors) {
		errmsg("'%s' is not a volume image: %" PRIu64 " bytes is not a whole number of %d-byte sectors",
		       from, j->si.bytes, SECTOR);
		return -1;
	}
	/* A CD track written TAO ends with two run-out blocks that cannot be
	 * read: the TOC counts them, the volume does not. */
	if (j->si.is_drive && j->plan.iso_volume_sectors && j->plan.iso_volume_sectors < j->si.sectors) {
		unsigned char buf[SECTOR];
		uint64_t first = j->si.sectors >= 2 ? j->si.sectors - 2 : 0;
		if (first < j->plan.iso_volume_sectors)
			first = j->plan.iso_volume_sectors;
		for (uint64_t lba = first; lba < j->si.sectors; lba++)
			if (optical_src_read(j->src, lba, 1, buf) < 0) {
				j->sectors = lba;
				break;
			}
	}
	if (j->plan.iso_volume_sectors > j->si.sectors) {
		if (!j->o->allow_errors) {
			errmsg("'%s' is truncated: the volume has %" PRIu32 " sectors, only %" PRIu64
			       " can be read (sector %" PRIu64 " is the first missing)", from,
			       j->plan.iso_volume_sectors, j->si.sectors, j->si.sectors);
			return -1;
		}
		j->sectors = j->plan.iso_volume_sectors;        /* the rest as zeros */
	}
	return 0;
}

static int open_target(struct job *j)
{
	const char *to = j->o->to;
	int rc = optical_dst_open(to, &j->dst, &j->di);
	if (rc == 0)
		return 0;
	switch (rc) {
	case -ENOENT:
		errmsg("'%s': no such drive, or its directory does not exist", to);
		break;
	case -EBUSY:
		errmsg("'%s' is in use (mounted, held by another device, or grabbed by another program)", to);
		break;
	case -EINVAL:
		errmsg("'%s' is not an optical drive, a block device or an image file", to);
		break;
	case -EISDIR:
		errmsg("'%s' is a directory: name the image file to write", to);
		break;
	default:
		errmsg_errno(rc, "'%s'", to);
	}
	return -1;
}

static void describe_patches(FILE *f, const struct isovd_plan *p)
{
	fputs("[", f);
	for (size_t i = 0; i < p->npatches; i++) {
		const struct isovd_patch *pt = &p->patches[i];
		fprintf(f, "%s{\"sector\":%" PRIu32 ",\"descriptor\":", i ? "," : "", pt->lba);
		json_write_str(f, pt->what);
		fputs(",\"fields\":[", f);
		for (unsigned k = 0; k < pt->nfields; k++) {
			fprintf(f, "%s{\"name\":", k ? "," : "");
			json_write_str(f, pt->fields[k].name);
			fprintf(f, ",\"start\":%u,\"end\":%u}", pt->fields[k].start, pt->fields[k].end);
		}
		fputs("]}", f);
	}
	fputs("]", f);
}

static void print_json(struct job *j, int status)
{
	char when[32];
	struct tm tm;
	gmtime_r(&j->when, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("{\"from\":");
	json_write_str(stdout, j->o->from);
	printf(",\"from_medium\":");
	json_write_str(stdout, profile_name(j->si.profile));
	printf(",\"from_class\":\"%s\",\"to\":", optical_class_name(optical_profile(j->si.profile)->cls));
	json_write_str(stdout, j->o->to);
	printf(",\"to_medium\":");
	json_write_str(stdout, j->di.profile_name);
	printf(",\"to_profile\":\"0x%04x\",\"to_class\":\"%s\",\"sectors\":%" PRIu64 ",\"bytes\":%" PRIu64,
	       j->di.profile, optical_class_name(optical_profile(j->di.profile)->cls), j->sectors,
	       j->sectors * SECTOR);
	printf(",\"volume_id\":");
	json_write_str(stdout, j->o->new_id ? j->o->new_id : j->plan.volume_id);
	printf(",\"source_volume_id\":");
	json_write_str(stdout, j->plan.volume_id);
	printf(",\"creation_time\":\"%s\",\"iso9660\":%s,\"joliet\":%s,\"udf\":%s,\"patched\":", when,
	       j->plan.has_iso ? "true" : "false", j->plan.has_joliet ? "true" : "false",
	       j->plan.has_udf ? "true" : "false");
	describe_patches(stdout, &j->plan);
	printf(",\"unreadable_sectors\":[");
	for (size_t i = 0; i < j->copy.nbad; i++)
		printf("%s%" PRIu64, i ? "," : "", j->copy.bad[i]);
	printf("],\"verified\":%s", j->verified > 0 ? "true" : j->verified < 0 ? "false" : "null");
	printf(",\"mismatches\":[");
	for (size_t i = 0; i < j->nmism; i++)
		printf("%s{\"sector\":%" PRIu64 ",\"count\":%" PRIu64 ",\"unreadable\":%s}", i ? "," : "",
		       j->mism[i].lba, j->mism[i].count, j->mism[i].unreadable ? "true" : "false");
	printf("],\"write_seconds\":%.3f,\"verify_seconds\":%.3f,\"exit\":%d}\n", j->write_secs,
	       j->verify_secs, status);
}

static int verify(struct job *j)
{
	struct optical_src *t;
	struct optical_src_info ti;
	const char *path = optical_dst_path(j->dst);
	int rc = optical_src_open(path, &t, &ti);
	if (rc < 0) {
		errmsg_errno(rc, "'%s': opening the copy to verify it", j->o->to);
		return -1;
	}
	const char *faults = testhook(HOOK_DUPOPT_FAULTS);
	if (faults)
		optical_src_set_faults(t, faults, 1);
	optical_src_drop_cache(t);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	progress_begin(&j->prog, progress_mode(-1), "verifying", j->sectors * SECTOR);
	rc = dupopt_verify(&j->copy, t, verify_progress, j, &j->mism, &j->nmism);
	progress_end(&j->prog);
	j->verify_secs = since(&t0);
	optical_src_close(t);
	if (rc < 0) {
		errmsg_errno(rc, "'%s': verifying", j->o->to);
		return -1;
	}
	if (rc == 0) {
		j->verified = 1;
		return 0;
	}
	j->verified = -1;
	for (size_t i = 0; i < j->nmism; i++) {
		const struct dupopt_mismatch *m = &j->mism[i];
		const char *how = m->unreadable ? "cannot be read back"
				: m->count == 1 ? "differs from what was written" : "differ from what was written";
		if (m->count == 1)
			errmsg("'%s': sector %" PRIu64 " %s", j->o->to, m->lba, how);
		else
			errmsg("'%s': sectors %" PRIu64 "-%" PRIu64 " %s", j->o->to, m->lba,
			       m->lba + m->count - 1, how);
	}
	return -1;
}

/* Blank or format the target as the verdict says; 0, or -1 after one message. */
static int prepare_target(struct job *j, enum optical_action action)
{
	const char *to = j->o->to;
	int rc = optical_dst_prepare(j->dst, action == OPT_BLANK_WRITE, action == OPT_OVERWRITE, j->sectors);
	if (rc < 0) {
		const char *m = optical_dst_message(j->dst);
		if (rc == -EMEDIUMTYPE)
			errmsg("'%s': libburn does not take it as a stdio file", to);
		else if (*m)
			errmsg("'%s': %s: %s", to, action == OPT_BLANK_WRITE ? "blanking failed" : "cannot prepare it", m);
		else
			errmsg_errno(rc, "'%s': %s", to, action == OPT_BLANK_WRITE ? "blanking" : "preparing the target");
		return -1;
	}
	if (action == OPT_BLANK_WRITE) {
		int64_t room = optical_dst_room(j->dst);
		if (room >= 0 && (uint64_t)room < j->sectors) {
			errmsg("'%s' was blanked but has room for %" PRId64 " sectors only, %" PRIu64 " needed",
			       to, room, j->sectors);
			return -1;
		}
	}
	return 0;
}

/* The sectors through the reader to the target; 0, or -1 after one message. */
static int write_sectors(struct job *j)
{
	const char *to = j->o->to;
	j->copy = (struct dupopt_copy){
		.src = j->src, .sectors = j->sectors, .plan = j->have_plan ? &j->plan : NULL,
		.allow_errors = j->o->allow_errors, .retries = RETRIES, .keep_hashes = j->o->verify,
	};
	struct burn_source *bs;
	int rc = dupopt_copy_start(&j->copy, &bs);
	if (rc < 0) {
		errmsg_errno(rc, "starting the reader");
		return -1;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	progress_begin(&j->prog, progress_mode(-1), "writing", j->sectors * SECTOR);
	rc = optical_dst_write(j->dst, bs, j->sectors, write_poll, j);
	progress_end(&j->prog);
	j->write_secs = since(&t0);
	dupopt_copy_stop(&j->copy);
	burn_source_free(bs);

	if (j->copy.read_error) {
		errmsg("'%s': sector %" PRIu64 " cannot be read (%s)%s", j->o->from, j->copy.read_error_lba,
		       j->copy.read_error == -ENODATA ? "past the end of the image" : strerror(-j->copy.read_error),
		       j->o->allow_errors ? "" : "; --allow-media-errors writes such sectors as zeros");
		return -1;
	}
	if (rc < 0) {
		const char *m = optical_dst_message(j->dst);
		errmsg("'%s': writing failed%s%s", to, *m ? ": " : "", m);
		return -1;
	}
	rc = optical_dst_commit(j->dst);
	if (rc < 0) {
		errmsg_errno(rc, "'%s': finishing the copy", to);
		return -1;
	}
	return 0;
}

/* The copy is complete: say which held-off signals act now. */
static void say_held_signals(struct job *j)
{
	if (!pending_signal(j->seen))
		return;
	char names[64] = "";
	sigset_t p;
	sigpending(&p);
	for (size_t i = 0; i < NHELD; i++)
		if (will_act(&p, held_signals[i]))
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 names[0] ? ", " : "", held_names[i]);
	errmsg("'%s' is complete; the held-off %s take%s effect now", j->o->to, names,
	       strchr(names, ',') ? "" : "s");
	fflush(stdout);
}

/* A failed write: what is left of the target, in one message. */
static void abandon_target(struct job *j)
{
	const char *to = j->o->to;
	int marked = optical_dst_abandon(j->dst);
	if (j->di.kind == OPT_DST_FILE)
		errmsg("'%s' was not written: nothing is left of the unfinished copy", to);
	else if (marked > 0)
		errmsg("'%s' is unfinished: its first %d sectors were zeroed so that it is not taken for a volume",
		       to, 64);
	else
		errmsg("'%s' is unfinished and cannot be used as a copy", to);
	pending_signal(j->seen);
}

/* Write the copy with the signals held off; 0, or -1 after the messages. */
static int write_copy(struct job *j, enum optical_action action)
{
	sigset_t old;
	hold_signals(&old);
	if (isatty(2))
		errmsg("writing '%s': SIGINT, SIGTERM, SIGHUP and SIGTSTP are held off until the write ends",
		       j->o->to);
	int rc = prepare_target(j, action) < 0 || write_sectors(j) < 0 ? -1 : 0;
	if (rc == 0)
		say_held_signals(j);
	else
		abandon_target(j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* The same storage (one file, a loop device on the image, a partition of
 * the disk): refused before the target is opened (a drive cannot be
 * grabbed for writing while it is read). 0, or -1 after the message. */
static int refuse_same(struct job *j)
{
	struct err e;
	char how[128] = "";
	int same = samedev(j->o->from, j->o->to, how, sizeof(how), &e);
	if (same < 0) {
		errmsg("%s", e.msg);
		return -1;
	}
	if (same) {
		struct optical_facts f = {
			.from_profile = j->si.profile,
			.to_profile = j->si.is_drive ? j->si.profile : OPT_PROF_STDIO,
			.same_device = 1,
		};
		refuse(j, optical_rules(&f), &f, how);
		return -1;
	}
	return 0;
}

static int duplicate(struct opts *o)
{
	struct job j;
	memset(&j, 0, sizeof(j));
	j.o = o;
	int status = EXIT_FAIL;
	struct err e;
	if (sde_now(&j.when, &e) < 0) {
		errmsg("%s", e.msg);
		goto out;
	}

	if (open_source(&j) < 0 || plan_volume(&j) < 0)
		goto out;
	if (refuse_same(&j) < 0 || open_target(&j) < 0)
		goto out;

	struct optical_facts f = {
		.from_profile = j.si.profile, .to_profile = j.di.profile,
		.from_sector_size = j.si.sector_size, .to_sector_size = SECTOR,
		.same_device = 0, .to_has_data = j.di.has_data,
		.clear = o->clear, .sectors = j.sectors, .room_sectors = j.di.room_sectors,
	};
	struct optical_verdict v = optical_rules(&f);
	if (v.action == OPT_REFUSE) {
		status = refuse(&j, v, &f, NULL);
		goto out;
	}
	if (j.have_plan && j.plan.md5_tags)
		errmsg("warning: '%s' carries libisofs MD5 checksum tags; they will not match the changed descriptors",
		       o->from);
	if (write_copy(&j, v.action) < 0)
		goto out;
	status = j.copy.nbad ? EXIT_MEDIA_ERRORS : EXIT_OK;
	if (j.copy.nbad)
		print_ranges(o->from, j.copy.bad, j.copy.nbad);
	if (o->verify && verify(&j) < 0)
		status = EXIT_FAIL;

	if (o->json) {
		print_json(&j, status);
	} else if (status != EXIT_FAIL) {
		char when[32];
		struct tm tm;
		gmtime_r(&j.when, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		printf("'%s' -> '%s': %" PRIu64 " sectors (%.1f MiB), ", o->from, o->to, j.sectors,
		       (double)j.sectors * SECTOR / 1048576.0);
		if (j.plan.has_iso || j.plan.has_udf)
			printf("volume '%s', created %s", o->new_id ? o->new_id : j.plan.volume_id, when);
		else
			printf("no ISO 9660 or UDF volume descriptors: copied unchanged");
		printf("%s\n", j.verified > 0 ? ", verified" : "");
	}
	if (close_stdout() != EXIT_OK)
		status = EXIT_FAIL;
out:
	dupopt_copy_release(&j.copy);
	free(j.mism);
	isovd_plan_release(&j.plan);
	optical_dst_close(j.dst);
	optical_src_close(j.src);
	return status;
}

/* --new-volume-id: the identifier is shown quoted (pathquote.h), since it
 * may hold a newline or bytes that are not UTF-8. */
static int check_new_id(const char *id)
{
	char bad, badstr[2] = { 0 };
	int rc = isovd_check_id(id, &bad);
	if (rc == 0)
		return 0;
	char *q = text_quote(id);
	badstr[0] = bad;
	char *bq = text_quote(badstr);
	if (rc == -ENAMETOOLONG)
		errmsg("--new-volume-id '%s': longer than %d characters", q, ISOVD_ID_MAX);
	else if (bad)
		errmsg("--new-volume-id '%s': '%s' is not allowed: ISO 9660 volume identifiers use A-Z, 0-9 and _",
		       q, bq);
	else
		errmsg("--new-volume-id: the identifier is empty");
	free(q);
	free(bq);
	return -1;
}

int cmd_dupopt(int argc, char **argv)
{
	struct opts o;
	memset(&o, 0, sizeof(o));
	int c;
	struct optparser p;
	opt_init(&p, &spec, argc, argv);
	while ((c = opt_next(&p)) > 0) {
		switch (c) {
		case OPT_NEW_ID: o.new_id = p.arg; break;
		case OPT_CLEAR: o.clear = 1; break;
		case OPT_ALLOW: o.allow_errors = 1; break;
		case OPT_VERIFY: o.verify = 1; break;
		case OPT_JSON: o.json = 1; break;
		case 'D': o.debug = 1; break;
		}
	}
	if (c == OPT_EXIT)
		return p.rc;
	if (argc - p.ind != 2)
		return opt_error(&p, argc - p.ind < 2 ? "FROM and TO are needed" : "too many arguments: FROM and TO only");
	o.from = argv[p.ind];
	o.to = argv[p.ind + 1];
	if (o.new_id && check_new_id(o.new_id) < 0)
		return EXIT_USAGE;
	if (o.debug)
		optical_dst_debug(1);
	return duplicate(&o);
}
