/* UEFI load options: EFI_LOAD_OPTION with an HD()/File()/End device path and
 * the kernel command line as UCS-2 optional data without a NUL, as efibootmgr -u
 * writes it (UEFI spec 3.1.3, 10.3). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"
#include "efiboot.h"
#include "xalloc.h"

#define DP_MEDIA 0x04
#define DP_MEDIA_HD 0x01
#define DP_MEDIA_FILE 0x04
#define DP_END 0x7f
#define DP_END_ENTIRE 0xff
#define DP_END_INSTANCE 0x01
#define HD_NODE_LEN 42
#define HD_FORMAT_GPT 0x02
#define HD_SIGNATURE_GUID 0x02

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }
static uint16_t get16(const uint8_t *p) { return p[0] | p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

int efiboot_utf8_to_ucs2(const char *s, int nul, uint8_t **out, size_t *len)
{
	size_t n = strlen(s), o = 0;
	uint8_t *buf = xmalloc(2 * n + 2);
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t c;
		int more;
		if (*p < 0x80) { c = *p; more = 0; }
		else if ((*p & 0xe0) == 0xc0) { c = *p & 0x1f; more = 1; }
		else if ((*p & 0xf0) == 0xe0) { c = *p & 0x0f; more = 2; }
		else goto bad;              /* 4-byte sequences are outside UCS-2 */
		p++;
		for (int i = 0; i < more; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				goto bad;
			c = c << 6 | (*p & 0x3f);
		}
		if ((more == 1 && c < 0x80) || (more == 2 && c < 0x800) ||
		    (c >= 0xd800 && c <= 0xdfff))
			goto bad;
		put16(buf + o, c);
		o += 2;
	}
	if (nul) {
		put16(buf + o, 0);
		o += 2;
	}
	*out = buf;
	*len = o;
	return 0;
bad:
	free(buf);
	return -EINVAL;
}

int efiboot_ucs2_to_utf8(const uint8_t *p, size_t len, char **out)
{
	if (len % 2)
		return -EINVAL;
	if (len >= 2 && get16(p + len - 2) == 0)
		len -= 2;
	char *s = xmalloc(len / 2 * 3 + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i += 2) {
		uint16_t c = get16(p + i);
		if (c == 0 || (c >= 0xd800 && c <= 0xdfff)) {
			free(s);
			return -EINVAL;
		}
		if (c < 0x80) {
			s[o++] = c;
		} else if (c < 0x800) {
			s[o++] = 0xc0 | c >> 6;
			s[o++] = 0x80 | (c & 0x3f);
		} else {
			s[o++] = 0xe0 | c >> 12;
			s[o++] = 0x80 | ((c >> 6) & 0x3f);
			s[o++] = 0x80 | (c & 0x3f);
		}
	}
	s[o] = 0;
	*out = s;
	return 0;
}

/* EFI GUIDs: the first three fields little-endian, the last two as bytes. */
static const int guid_order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int efiboot_guid_parse(const char *text, uint8_t guid[16])
{
	uint8_t b[16];
	int k = 0;

	for (int i = 0; i < EFIBOOT_GUID_TEXT_LEN;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i++] != '-')
				return -EINVAL;
			continue;
		}
		int hi = hexval(text[i]), lo = hi < 0 ? -1 : hexval(text[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		b[k++] = hi << 4 | lo;
		i += 2;
	}
	if (text[EFIBOOT_GUID_TEXT_LEN])
		return -EINVAL;
	for (int i = 0; i < 16; i++)
		guid[guid_order[i]] = b[i];
	return 0;
}

void efiboot_guid_format(const uint8_t guid[16], char text[EFIBOOT_GUID_TEXT_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	int o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			text[o++] = '-';
		uint8_t v = guid[guid_order[i]];
		text[o++] = hex[v >> 4];
		text[o++] = hex[v & 15];
	}
	text[o] = 0;
}

int efiboot_encode(const struct efiboot_entry *e, uint8_t **buf, size_t *len)
{
	uint8_t *desc = NULL, *file = NULL, *opt = NULL, *b;
	size_t desc_len, file_len, opt_len = 0, dp_len, n;
	int r;

	if (!e->description || !e->file_path)
		return -EINVAL;
	if ((r = efiboot_utf8_to_ucs2(e->description, 1, &desc, &desc_len)) < 0)
		return r;
	if ((r = efiboot_utf8_to_ucs2(e->file_path, 1, &file, &file_len)) < 0)
		goto out;
	if (e->cmdline && (r = efiboot_utf8_to_ucs2(e->cmdline, 0, &opt, &opt_len)) < 0)
		goto out;
	r = -EINVAL;
	if (4 + file_len > 0xffff || strchr(e->file_path, '/'))
		goto out;
	dp_len = HD_NODE_LEN + 4 + file_len + 4;
	n = 4 + 2 + desc_len + dp_len + opt_len;
	b = xcalloc(1, n);
	put32(b, e->attributes);
	put16(b + 4, dp_len);
	memcpy(b + 6, desc, desc_len);
	uint8_t *p = b + 6 + desc_len;
	p[0] = DP_MEDIA;
	p[1] = DP_MEDIA_HD;
	put16(p + 2, HD_NODE_LEN);
	put32(p + 4, e->part_num);
	put64(p + 8, e->part_start);
	put64(p + 16, e->part_size);
	memcpy(p + 24, e->part_guid, 16);
	p[40] = HD_FORMAT_GPT;
	p[41] = HD_SIGNATURE_GUID;
	p += HD_NODE_LEN;
	p[0] = DP_MEDIA;
	p[1] = DP_MEDIA_FILE;
	put16(p + 2, 4 + file_len);
	memcpy(p + 4, file, file_len);
	p += 4 + file_len;
	p[0] = DP_END;
	p[1] = DP_END_ENTIRE;
	put16(p + 2, 4);
	p += 4;
	if (opt_len)
		memcpy(p, opt, opt_len);
	*buf = b;
	*len = n;
	r = 0;
out:
	free(desc);
	free(file);
	free(opt);
	return r;
}

/* Every node inside dp_len, at least 4 bytes long, the list ending exactly with
 * an End Entire node (several End-Entire-terminated paths are allowed). */
static int dp_valid(const uint8_t *dp, size_t dp_len)
{
	size_t off = 0;
	int ended = 0;

	while (off < dp_len) {
		if (dp_len - off < 4)
			return 0;
		uint16_t nl = get16(dp + off + 2);
		if (nl < 4 || nl > dp_len - off)
			return 0;
		ended = dp[off] == DP_END && dp[off + 1] == DP_END_ENTIRE;
		if (ended && nl != 4)
			return 0;
		off += nl;
	}
	return ended;
}

/* The first path is HD(GPT, GUID signature)/File()/End: fill the fields. */
static int dp_take_hd_file(const uint8_t *dp, size_t dp_len, struct efiboot_entry *e)
{
	const uint8_t *p = dp;
	if (dp_len < HD_NODE_LEN + 4 + 4 + 4 || p[0] != DP_MEDIA || p[1] != DP_MEDIA_HD ||
	    get16(p + 2) != HD_NODE_LEN || p[40] != HD_FORMAT_GPT || p[41] != HD_SIGNATURE_GUID)
		return 0;
	const uint8_t *f = p + HD_NODE_LEN;
	uint16_t fl = get16(f + 2);
	/* dp_valid: fl fits; the node after it must be End Entire. */
	if (f[0] != DP_MEDIA || f[1] != DP_MEDIA_FILE || fl < 6 ||
	    (size_t)(f - dp) + fl + 4 > dp_len)
		return 0;
	const uint8_t *end = f + fl;
	if (end[0] != DP_END || end[1] != DP_END_ENTIRE)
		return 0;
	if (get16(f + fl - 2) != 0 || efiboot_ucs2_to_utf8(f + 4, fl - 4, &e->file_path) < 0)
		return 0;
	e->part_num = get32(p + 4);
	e->part_start = get64(p + 8);
	e->part_size = get64(p + 16);
	memcpy(e->part_guid, p + 24, 16);
	return 1;
}

/* Text the EFI stub would read: no control characters but tab/newline. */
static int optional_is_text(const uint8_t *p, size_t len)
{
	if (len == 0 || len % 2)
		return 0;
	if (get16(p + len - 2) == 0)
		len -= 2;
	for (size_t i = 0; i < len; i += 2) {
		uint16_t c = get16(p + i);
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ||
		    (c >= 0xd800 && c <= 0xdfff) || c >= 0xfffe)
			return 0;
	}
	return 1;
}

int efiboot_decode(const uint8_t *buf, size_t len, struct efiboot_entry *e)
{
	size_t d, dp_off, dp_len;

	memset(e, 0, sizeof(*e));
	if (len < 6 + 2)
		return -EINVAL;
	e->attributes = get32(buf);
	dp_len = get16(buf + 4);
	for (d = 6; d + 1 < len && get16(buf + d) != 0; d += 2)
		;
	if (d + 1 >= len)
		return -EINVAL;     /* description without its NUL */
	dp_off = d + 2;
	if (dp_len == 0 || dp_len > len - dp_off || !dp_valid(buf + dp_off, dp_len))
		return -EINVAL;
	if (efiboot_ucs2_to_utf8(buf + 6, dp_off - 6, &e->description) < 0)
		return -EINVAL;
	e->dp = xmalloc(dp_len);
	memcpy(e->dp, buf + dp_off, dp_len);
	e->dp_len = dp_len;
	e->has_hd = dp_take_hd_file(e->dp, dp_len, e);
	const uint8_t *opt = buf + dp_off + dp_len;
	e->optional_len = len - dp_off - dp_len;
	if (e->optional_len) {
		e->optional = xmalloc(e->optional_len);
		memcpy(e->optional, opt, e->optional_len);
		if (!optional_is_text(opt, e->optional_len) ||
		    efiboot_ucs2_to_utf8(opt, e->optional_len, &e->cmdline) < 0)
			e->optional_raw = 1;
	}
	return 0;
}

void efiboot_entry_free(struct efiboot_entry *e)
{
	free(e->description);
	free(e->file_path);
	free(e->dp);
	free(e->cmdline);
	free(e->optional);
	memset(e, 0, sizeof(*e));
}

struct out { char *buf; size_t len, used; int full; };

static void add(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used) {
		o->full = 1;
		o->used = o->len - 1;
	} else {
		o->used += n;
	}
}

int efiboot_format_path(const struct efiboot_entry *e, char *buf, size_t len)
{
	struct out o = { buf, len, 0, 0 };
	char guid[EFIBOOT_GUID_TEXT_LEN + 1];

	if (len == 0)
		return -ENOSPC;
	buf[0] = 0;
	if (e->has_hd || (!e->dp && e->file_path)) {
		efiboot_guid_format(e->part_guid, guid);
		add(&o, "HD(%u,GPT,%s,0x%llx,0x%llx)/File(%s)", e->part_num, guid,
		    (unsigned long long)e->part_start, (unsigned long long)e->part_size,
		    e->file_path);
		return o.full ? -ENOSPC : 0;
	}
	/* Some other path (a firmware entry): the node types, as a hint. */
	for (size_t off = 0; e->dp && off + 4 <= e->dp_len;) {
		const uint8_t *n = e->dp + off;
		uint16_t nl = get16(n + 2);
		if (n[0] == DP_END && n[1] == DP_END_ENTIRE)
			break;
		add(&o, "%sPath(%u,%u)", off ? "/" : "", n[0], n[1]);
		if (nl < 4)
			break;
		off += nl;
	}
	return o.full ? -ENOSPC : 0;
}
