/* ISO 9660 and UDF volume descriptors: find them and patch the volume
 * identifier and the volume creation time. ECMA-119 section 8.4-8.5 (PVD,
 * SVD), ISO 9660:1999 (EVD), Joliet (SVD escape sequences %/@ %/C %/E),
 * ECMA-167 3/7.2 (descriptor tag), 3/10 (volume descriptors), 4/14.1 (file set
 * descriptor), OSTA UDF 2.60 2.1.3 (dstrings), 2.2.7 (LV Info). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isovd.h"
#include "xalloc.h"

enum {
	ISO_VDS_START = 16,
	ISO_VDS_MAX = 64,               /* descriptors we look at, at most */
	UDF_AVDP = 256,
	UDF_VDS_MAX = 64,
	/* ISO 9660 volume descriptor fields */
	ISO_VOL_ID = 40, ISO_VOL_ID_LEN = 32,
	ISO_VOL_SPACE = 80,
	ISO_BLOCK_SIZE = 128,
	ISO_ESCAPES = 88,
	ISO_CREATED = 813, ISO_DATE_LEN = 17,
	/* UDF tag identifiers */
	UDF_TAG_PVD = 1, UDF_TAG_AVDP = 2, UDF_TAG_IUVD = 4, UDF_TAG_PD = 5,
	UDF_TAG_LVD = 6, UDF_TAG_TD = 8, UDF_TAG_FSD = 256,
	/* UDF fields */
	UDF_PVD_VOL_ID = 24, UDF_PVD_VOL_ID_LEN = 32, UDF_PVD_TIME = 376,
	UDF_LVD_ID = 84, UDF_LVD_ID_LEN = 128, UDF_LVD_BLOCK = 212,
	UDF_LVD_FSD = 248, UDF_LVD_NMAPS = 268, UDF_LVD_MAPS = 440,
	UDF_IUVD_REGID = 20, UDF_IUVD_ID = 116, UDF_IUVD_ID_LEN = 128,
	UDF_PD_NUMBER = 22, UDF_PD_START = 188,
	UDF_FSD_TIME = 16, UDF_FSD_ID = 112, UDF_FSD_ID_LEN = 128,
	UDF_TIME_LEN = 12,
};

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int isovd_check_id(const char *id, char *bad)
{
	size_t n = strlen(id);
	*bad = 0;
	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
			*bad = c;
			return -EINVAL;
		}
	}
	return n > ISOVD_ID_MAX ? -ENAMETOOLONG : 0;
}

uint16_t isovd_crc16(const unsigned char *p, size_t n)
{
	uint16_t crc = 0;
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
	}
	return crc;
}

static uint8_t tag_checksum(const unsigned char *d)
{
	unsigned sum = 0;
	for (int i = 0; i < 16; i++)
		if (i != 4)
			sum += d[i];
	return (uint8_t)sum;
}

int isovd_udf_tag_valid(const unsigned char *d, uint32_t lba)
{
	uint16_t crc_len = le16(d + 10);
	if (tag_checksum(d) != d[4] || le32(d + 12) != lba)
		return 0;
	if (crc_len > ISOVD_SECTOR - 16)
		return 0;
	return isovd_crc16(d + 16, crc_len) == le16(d + 8);
}

void isovd_udf_tag_fix(unsigned char *d)
{
	uint16_t crc = isovd_crc16(d + 16, le16(d + 10));
	d[8] = (unsigned char)crc;
	d[9] = (unsigned char)(crc >> 8);
	d[4] = tag_checksum(d);
}

/* ---- the plan ---- */

struct scan {
	isovd_read_fn rd;
	void *ctx;
	uint64_t nsectors;
	const char *new_id;
	struct tm tm;                   /* the new creation time, UTC */
	struct isovd_plan *plan;
	uint32_t *bad_lba;
	size_t cap;
};

static int read_sector(struct scan *s, uint32_t lba, unsigned char *buf)
{
	if (lba >= s->nsectors)
		return -ERANGE;
	int rc = s->rd(s->ctx, lba, buf);
	if (rc < 0)
		*s->bad_lba = lba;
	return rc;
}

static struct isovd_patch *add_patch(struct scan *s, uint32_t lba, const unsigned char *old, const char *what)
{
	struct isovd_plan *p = s->plan;
	for (size_t i = 0; i < p->npatches; i++)
		if (p->patches[i].lba == lba)
			return NULL;    /* seen already (a descriptor listed twice) */
	if (p->npatches == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		p->patches = xrealloc(p->patches, s->cap * sizeof(*p->patches));
	}
	struct isovd_patch *pt = &p->patches[p->npatches++];
	memset(pt, 0, sizeof(*pt));
	pt->lba = lba;
	pt->what = what;
	memcpy(pt->old, old, ISOVD_SECTOR);
	memcpy(pt->data, old, ISOVD_SECTOR);
	return pt;
}

static void add_field(struct isovd_patch *pt, unsigned start, unsigned len, const char *name)
{
	if (pt->nfields < sizeof(pt->fields) / sizeof(pt->fields[0])) {
		pt->fields[pt->nfields].start = (uint16_t)start;
		pt->fields[pt->nfields].end = (uint16_t)(start + len);
		pt->fields[pt->nfields].name = name;
		pt->nfields++;
	}
}

/* "YYYYMMDDHHMMSScc" + offset from GMT in 15 minute units */
static void iso_date(unsigned char *f, const struct tm *tm)
{
	char digits[17];
	snprintf(digits, sizeof(digits), "%04d%02d%02d%02d%02d%02d00", tm->tm_year + 1900,
		 tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec);
	memcpy(f, digits, 16);
	f[16] = 0;
}

static void udf_time(unsigned char *f, const struct tm *tm)
{
	unsigned year = (unsigned)tm->tm_year + 1900;
	f[0] = 0x00;            /* type 1 (local time), offset 0 minutes: UTC */
	f[1] = 0x10;
	f[2] = (unsigned char)year;
	f[3] = (unsigned char)(year >> 8);
	f[4] = (unsigned char)(tm->tm_mon + 1);
	f[5] = (unsigned char)tm->tm_mday;
	f[6] = (unsigned char)tm->tm_hour;
	f[7] = (unsigned char)tm->tm_min;
	f[8] = (unsigned char)tm->tm_sec;
	f[9] = f[10] = f[11] = 0;
}

/* A dstring of len bytes: compression id 8, the characters, zeros, and the
 * number of bytes used in the last byte. */
static void udf_dstring(unsigned char *f, size_t len, const char *id)
{
	size_t n = strlen(id);
	if (n > len - 2)
		n = len - 2;
	memset(f, 0, len);
	f[0] = 8;
	memcpy(f + 1, id, n);
	f[len - 1] = (unsigned char)(n + 1);
}

static void udf_dstring_get(const unsigned char *f, size_t len, char *out, size_t outlen)
{
	size_t used = f[len - 1], o = 0;
	if (used > len - 1)
		used = len - 1;
	if (used && f[0] == 8) {
		for (size_t i = 1; i < used && o + 1 < outlen; i++)
			out[o++] = (char)f[i];
	} else if (used && f[0] == 16) {
		for (size_t i = 1; i + 1 < used && o + 1 < outlen; i += 2)
			out[o++] = f[i] == 0 && f[i + 1] < 0x80 ? (char)f[i + 1] : '?';
	}
	out[o] = 0;
}

static void iso_id_8bit(unsigned char *f, const char *id)
{
	size_t n = strlen(id);
	memset(f, ' ', ISO_VOL_ID_LEN);
	memcpy(f, id, n < ISO_VOL_ID_LEN ? n : ISO_VOL_ID_LEN);
}

static void iso_id_ucs2(unsigned char *f, const char *id)
{
	size_t n = strlen(id);
	if (n > ISO_VOL_ID_LEN / 2)
		n = ISO_VOL_ID_LEN / 2;     /* Joliet holds 16 characters */
	for (size_t i = 0; i < ISO_VOL_ID_LEN / 2; i++) {
		f[2 * i] = 0;
		f[2 * i + 1] = i < n ? (unsigned char)id[i] : ' ';
	}
}

static int is_joliet(const unsigned char *d)
{
	const unsigned char *e = d + ISO_ESCAPES;
	return e[0] == '%' && e[1] == '/' && (e[2] == '@' || e[2] == 'C' || e[2] == 'E');
}

/* ISO 9660: the volume descriptor set from sector 16. Returns the sector
 * after the set terminator (0 when there is no ISO 9660 volume), or -errno. */
static long scan_iso(struct scan *s, unsigned char *buf)
{
	struct isovd_plan *p = s->plan;
	for (uint32_t lba = ISO_VDS_START; lba < ISO_VDS_START + ISO_VDS_MAX; lba++) {
		int rc = read_sector(s, lba, buf);
		if (rc == -ERANGE)
			return 0;
		if (rc < 0)
			return rc;
		if (memcmp(buf + 1, "CD001", 5) != 0)
			return lba == ISO_VDS_START ? 0 : lba;
		unsigned type = buf[0];
		if (type == 255)
			return lba + 1;
		if (type != 1 && type != 2)
			continue;       /* boot record, partition descriptor */
		const char *what;
		int ucs2 = 0;
		if (type == 1) {
			if (p->has_iso)
				continue;       /* only the first primary counts */
			p->has_iso = 1;
			what = "ISO 9660 primary volume descriptor";
			/* ECMA-119 allows 512 to 2048 (any power of two in
			 * practice), but the volume space size counts such
			 * blocks: with another size every rule below (the
			 * truncation check, the sectors to copy) would count in
			 * the wrong unit. */
			p->iso_block_size = le16(buf + ISO_BLOCK_SIZE);
			if (p->iso_block_size != ISOVD_SECTOR)
				return -EMEDIUMTYPE;
			p->iso_volume_sectors = le32(buf + ISO_VOL_SPACE);
			size_t n = ISO_VOL_ID_LEN;
			while (n > 0 && (buf[ISO_VOL_ID + n - 1] == ' ' || buf[ISO_VOL_ID + n - 1] == 0))
				n--;
			memcpy(p->volume_id, buf + ISO_VOL_ID, n);
			p->volume_id[n] = 0;
		} else if (is_joliet(buf)) {
			p->has_joliet = 1;
			ucs2 = 1;
			what = "Joliet supplementary volume descriptor";
		} else {
			what = buf[6] == 2 ? "ISO 9660:1999 enhanced volume descriptor"
					   : "ISO 9660 supplementary volume descriptor";
		}
		struct isovd_patch *pt = add_patch(s, lba, buf, what);
		if (!pt)
			continue;
		if (s->new_id) {
			if (ucs2)
				iso_id_ucs2(pt->data + ISO_VOL_ID, s->new_id);
			else
				iso_id_8bit(pt->data + ISO_VOL_ID, s->new_id);
			add_field(pt, ISO_VOL_ID, ISO_VOL_ID_LEN, "volume identifier");
		}
		iso_date(pt->data + ISO_CREATED, &s->tm);
		add_field(pt, ISO_CREATED, ISO_DATE_LEN, "volume creation date");
	}
	return ISO_VDS_START + ISO_VDS_MAX;
}

/* The UDF volume recognition sequence: BEA01 ... NSR02/NSR03 ... TEA01. */
static int scan_vrs(struct scan *s, uint32_t from, unsigned char *buf)
{
	static const char *const ids[] = { "BEA01", "NSR02", "NSR03", "TEA01", "CD001", "BOOT2", "CDW02" };
	for (uint32_t lba = from; lba < ISO_VDS_START + ISO_VDS_MAX; lba++) {
		int rc = read_sector(s, lba, buf);
		if (rc == -ERANGE)
			return 0;
		if (rc < 0)
			return rc;
		size_t i;
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
			if (memcmp(buf + 1, ids[i], 5) == 0)
				break;
		if (i == sizeof(ids) / sizeof(ids[0]))
			return 0;
		if (i == 1 || i == 2)
			return 1;
	}
	return 0;
}

struct udf_found {
	int have_lvd;
	uint32_t block_size, fsd_lbn;
	uint16_t fsd_partref;
	unsigned char maps[ISOVD_SECTOR - UDF_LVD_MAPS];
	uint32_t nmaps;
	struct { uint16_t number; uint32_t start; } parts[8];
	unsigned nparts;
};

static void patch_udf_tag_fields(struct isovd_patch *pt)
{
	isovd_udf_tag_fix(pt->data);
	add_field(pt, 4, 1, "descriptor tag checksum");
	add_field(pt, 8, 2, "descriptor CRC");
}

/* One volume descriptor sequence (main or reserve). */
static int scan_vds(struct scan *s, uint32_t loc, uint32_t len, struct udf_found *u, unsigned char *buf)
{
	uint32_t n = len / ISOVD_SECTOR;
	if (n > UDF_VDS_MAX)
		n = UDF_VDS_MAX;
	for (uint32_t lba = loc; lba < loc + n; lba++) {
		int rc = read_sector(s, lba, buf);
		if (rc == -ERANGE)
			return 0;
		if (rc < 0)
			return rc;
		if (!isovd_udf_tag_valid(buf, lba))
			return 0;
		uint16_t tag = le16(buf);
		struct isovd_patch *pt;
		switch (tag) {
		case UDF_TAG_TD:
			return 0;
		case UDF_TAG_PVD:
			if (!s->plan->has_iso && !s->plan->volume_id[0])
				udf_dstring_get(buf + UDF_PVD_VOL_ID, UDF_PVD_VOL_ID_LEN,
						s->plan->volume_id, sizeof(s->plan->volume_id));
			pt = add_patch(s, lba, buf, "UDF primary volume descriptor");
			if (!pt)
				break;
			if (s->new_id) {
				udf_dstring(pt->data + UDF_PVD_VOL_ID, UDF_PVD_VOL_ID_LEN, s->new_id);
				add_field(pt, UDF_PVD_VOL_ID, UDF_PVD_VOL_ID_LEN, "volume identifier");
			}
			udf_time(pt->data + UDF_PVD_TIME, &s->tm);
			add_field(pt, UDF_PVD_TIME, UDF_TIME_LEN, "recording date and time");
			patch_udf_tag_fields(pt);
			break;
		case UDF_TAG_LVD:
			if (!u->have_lvd) {
				u->have_lvd = 1;
				u->block_size = le32(buf + UDF_LVD_BLOCK);
				u->fsd_lbn = le32(buf + UDF_LVD_FSD + 4);
				u->fsd_partref = le16(buf + UDF_LVD_FSD + 8);
				u->nmaps = le32(buf + UDF_LVD_NMAPS);
				memcpy(u->maps, buf + UDF_LVD_MAPS, sizeof(u->maps));
			}
			if (!s->new_id)
				break;
			pt = add_patch(s, lba, buf, "UDF logical volume descriptor");
			if (!pt)
				break;
			udf_dstring(pt->data + UDF_LVD_ID, UDF_LVD_ID_LEN, s->new_id);
			add_field(pt, UDF_LVD_ID, UDF_LVD_ID_LEN, "logical volume identifier");
			patch_udf_tag_fields(pt);
			break;
		case UDF_TAG_IUVD:
			if (!s->new_id || memcmp(buf + UDF_IUVD_REGID + 1, "*UDF LV Info", 12) != 0)
				break;
			pt = add_patch(s, lba, buf, "UDF implementation use volume descriptor");
			if (!pt)
				break;
			udf_dstring(pt->data + UDF_IUVD_ID, UDF_IUVD_ID_LEN, s->new_id);
			add_field(pt, UDF_IUVD_ID, UDF_IUVD_ID_LEN, "logical volume identifier");
			patch_udf_tag_fields(pt);
			break;
		case UDF_TAG_PD:
			if (u->nparts < sizeof(u->parts) / sizeof(u->parts[0])) {
				u->parts[u->nparts].number = le16(buf + UDF_PD_NUMBER);
				u->parts[u->nparts].start = le32(buf + UDF_PD_START);
				u->nparts++;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

/* The file set descriptor, through a type 1 partition map. */
static int scan_fsd(struct scan *s, const struct udf_found *u, unsigned char *buf)
{
	if (!u->have_lvd || u->block_size != ISOVD_SECTOR)
		return 0;
	const unsigned char *m = u->maps;
	const unsigned char *end = u->maps + sizeof(u->maps);
	for (uint32_t i = 0; i < u->nmaps && m + 2 <= end; i++) {
		if (m[1] == 0 || m + m[1] > end)
			return 0;
		if (i == u->fsd_partref) {
			if (m[0] != 1)
				return 0;       /* virtual, sparable, metadata: not followed */
			uint16_t number = le16(m + 4);
			for (unsigned k = 0; k < u->nparts; k++) {
				if (u->parts[k].number != number)
					continue;
				uint32_t lba = u->parts[k].start + u->fsd_lbn;
				int rc = read_sector(s, lba, buf);
				if (rc == -ERANGE)
					return 0;
				if (rc < 0)
					return rc;
				if (le16(buf) != UDF_TAG_FSD || !isovd_udf_tag_valid(buf, u->fsd_lbn))
					return 0;
				struct isovd_patch *pt = add_patch(s, lba, buf, "UDF file set descriptor");
				if (!pt)
					return 0;
				udf_time(pt->data + UDF_FSD_TIME, &s->tm);
				add_field(pt, UDF_FSD_TIME, UDF_TIME_LEN, "recording date and time");
				if (s->new_id) {
					udf_dstring(pt->data + UDF_FSD_ID, UDF_FSD_ID_LEN, s->new_id);
					add_field(pt, UDF_FSD_ID, UDF_FSD_ID_LEN, "logical volume identifier");
				}
				patch_udf_tag_fields(pt);
				return 0;
			}
			return 0;
		}
		m += m[1];
	}
	return 0;
}

static int scan_udf(struct scan *s, unsigned char *buf)
{
	/* the anchor: sector 256, else the last sector, else last - 256 */
	uint32_t where[3] = { UDF_AVDP, 0, 0 };
	if (s->nsectors > 0)
		where[1] = (uint32_t)(s->nsectors - 1);
	if (s->nsectors > 257)
		where[2] = (uint32_t)(s->nsectors - 257);
	int found = 0;
	for (int i = 0; i < 3 && !found; i++) {
		if (where[i] < UDF_AVDP)
			continue;
		int rc = read_sector(s, where[i], buf);
		if (rc == -ERANGE)
			continue;
		if (rc < 0)
			return rc;
		found = le16(buf) == UDF_TAG_AVDP && isovd_udf_tag_valid(buf, where[i]);
	}
	if (!found)
		return 0;
	s->plan->has_udf = 1;
	uint32_t main_len = le32(buf + 16), main_loc = le32(buf + 20);
	uint32_t res_len = le32(buf + 24), res_loc = le32(buf + 28);
	struct udf_found u;
	memset(&u, 0, sizeof(u));
	int rc = scan_vds(s, main_loc, main_len, &u, buf);
	if (rc == 0)
		rc = scan_vds(s, res_loc, res_len, &u, buf);
	if (rc == 0)
		rc = scan_fsd(s, &u, buf);
	return rc;
}

static int cmp_patch(const void *a, const void *b)
{
	const struct isovd_patch *x = a, *y = b;
	return x->lba < y->lba ? -1 : x->lba > y->lba;
}

int isovd_plan(isovd_read_fn rd, void *ctx, uint64_t nsectors, const char *new_id,
	       time_t when, struct isovd_plan *plan, uint32_t *bad_lba)
{
	struct scan s = { .rd = rd, .ctx = ctx, .nsectors = nsectors, .new_id = new_id,
			  .plan = plan, .bad_lba = bad_lba };
	uint32_t dummy;
	if (!bad_lba)
		s.bad_lba = &dummy;
	memset(plan, 0, sizeof(*plan));
	gmtime_r(&when, &s.tm);
	unsigned char *buf = xmalloc(ISOVD_SECTOR);
	long next = scan_iso(&s, buf);
	int rc = next < 0 ? (int)next : 0;
	if (rc == 0)
		rc = scan_vrs(&s, next > 0 ? (uint32_t)next : ISO_VDS_START, buf);
	if (rc == 1)
		rc = scan_udf(&s, buf);
	/* libisofs checksum tags (xorriso -md5 on) follow the descriptor set */
	for (uint32_t lba = next > 0 ? (uint32_t)next : 0; rc == 0 && next > 0 && lba < 32; lba++) {
		if (read_sector(&s, lba, buf) < 0)
			break;
		if (memcmp(buf, "libisofs_sb_checksum_tag_v1", 27) == 0)
			plan->md5_tags = 1;
	}
	free(buf);
	if (rc < 0) {
		uint16_t bs = plan->iso_block_size;
		isovd_plan_release(plan);
		plan->iso_block_size = bs;
		return rc;
	}
	if (plan->npatches > 1)
		qsort(plan->patches, plan->npatches, sizeof(*plan->patches), cmp_patch);
	return 0;
}

void isovd_plan_release(struct isovd_plan *plan)
{
	if (!plan)
		return;
	free(plan->patches);
	plan->patches = NULL;
	plan->npatches = 0;
}

const struct isovd_patch *isovd_patch_at(const struct isovd_plan *plan, uint32_t lba)
{
	size_t lo = 0, hi = plan->npatches;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (plan->patches[mid].lba == lba)
			return &plan->patches[mid];
		if (plan->patches[mid].lba < lba)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
