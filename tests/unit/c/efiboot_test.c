/* src/lib/efiboot.c: UEFI load options, round trips and malformed input. */
#include <errno.h>
#include <stdlib.h>

#include "efiboot.h"
#include "tap.h"

static const char *cmdline =
	"initrd=\\EFI\\altkit\\initramfs.img altkit.vg=Zq3yW1-abcd-efgh root=/dev/rootvg/root console=ttyS0";

static void test_guid(void)
{
	static const struct { const char *text; int r; } cases[] = {
		{ "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", 0 },
		{ "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", 0 },
		{ "c12a7328-f81f-11d2-ba4b-00a0c93ec93", -EINVAL },
		{ "c12a7328-f81f-11d2-ba4b-00a0c93ec93bb", -EINVAL },
		{ "c12a7328f81f-11d2-ba4b-00a0c93ec93b0", -EINVAL },
		{ "g12a7328-f81f-11d2-ba4b-00a0c93ec93b", -EINVAL },
		{ "", -EINVAL },
	};
	uint8_t g[16];
	char text[EFIBOOT_GUID_TEXT_LEN + 1];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = efiboot_guid_parse(cases[i].text, g);
		is_int(r, cases[i].r, cases[i].text);
		if (r == 0) {
			efiboot_guid_format(g, text);
			is_str(text, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "GUID formats back (lower case)");
		}
	}
	efiboot_guid_parse("00112233-4455-6677-8899-aabbccddeeff", g);
	static const uint8_t want[16] = { 0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
					  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	ok(memcmp(g, want, 16) == 0, "GUID bytes in EFI mixed-endian order");
}

static const struct {
	const char *desc, *file, *cmd, *path;
	uint32_t part;
	uint64_t start, size;
} trips[] = {
	{ "altkit vda", "\\EFI\\altkit\\vmlinuz.efi", NULL,
	  "HD(2,GPT,0fc63daf-8483-4772-8e79-3d69d8477de4,0x800,0x40000)/File(\\EFI\\altkit\\vmlinuz.efi)",
	  2, 0x800, 0x40000 },
	{ "x", "\\a", "", "HD(1,GPT,0fc63daf-8483-4772-8e79-3d69d8477de4,0x22,0x1)/File(\\a)", 1, 34, 1 },
	{ "caf\xc3\xa9", "\\EFI\\BOOT\\BOOTX64.EFI", "quiet",
	  "HD(128,GPT,0fc63daf-8483-4772-8e79-3d69d8477de4,0x123456789a,0xfedcba9876)/File(\\EFI\\BOOT\\BOOTX64.EFI)",
	  128, 0x123456789aULL, 0xfedcba9876ULL },
};

static void test_round_trips(void)
{
	for (size_t i = 0; i < sizeof(trips) / sizeof(trips[0]); i++) {
		struct efiboot_entry e = {
			.attributes = EFIBOOT_LOAD_OPTION_ACTIVE, .description = (char *)trips[i].desc,
			.part_num = trips[i].part, .part_start = trips[i].start,
			.part_size = trips[i].size, .file_path = (char *)trips[i].file,
			.cmdline = (char *)(trips[i].cmd ? trips[i].cmd : cmdline),
		}, d;
		uint8_t *buf;
		size_t len;
		char path[256];
		efiboot_guid_parse("0fc63daf-8483-4772-8e79-3d69d8477de4", e.part_guid);
		if (!is_int(efiboot_encode(&e, &buf, &len), 0, "encode"))
			continue;
		is_int(efiboot_decode(buf, len, &d), 0, "decode what we encoded");
		is_int(d.attributes, EFIBOOT_LOAD_OPTION_ACTIVE, "attributes");
		is_str(d.description, e.description, "description");
		is_int(d.has_hd, 1, "HD()/File() recognized");
		is_int(d.part_num, e.part_num, "partition number");
		is_int(d.part_start, e.part_start, "start");
		is_int(d.part_size, e.part_size, "size");
		ok(memcmp(d.part_guid, e.part_guid, 16) == 0, "partition GUID");
		is_str(d.file_path, e.file_path, "file path");
		is_str(d.cmdline, *e.cmdline ? e.cmdline : NULL, "command line");
		is_int(d.optional_raw, 0, "optional data is text");
		is_int(d.optional_len, 2 * strlen(e.cmdline), "optional data: UCS-2 without a NUL");
		is_int(efiboot_format_path(&d, path, sizeof(path)), 0, "format_path");
		is_str(path, trips[i].path, "efibootmgr -v style path");
		is_int(efiboot_format_path(&d, path, 20), -ENOSPC, "format_path: too small");
		is_int(strlen(path), 19, "format_path: truncated, terminated");
		/* Fuzz-minded: every truncation is refused or decodes without reading
		 * past the end (ASan/valgrind catch the latter); flipped bytes too. */
		int trunc_ok = 1;
		for (size_t n = 0; n < len; n++) {
			uint8_t *cut = malloc(n ? n : 1);
			memcpy(cut, buf, n);
			struct efiboot_entry t;
			int r = efiboot_decode(cut, n, &t);
			/* Cutting into the optional data still leaves a valid option. */
			if (r == 0 && n < len - d.optional_len)
				trunc_ok = 0;
			if (r == 0)
				efiboot_entry_free(&t);
			free(cut);
		}
		ok(trunc_ok, "truncated before the optional data: refused");
		for (size_t k = 0; k < len; k++) {
			uint8_t *f = malloc(len);
			memcpy(f, buf, len);
			f[k] ^= 0xff;
			struct efiboot_entry t;
			if (efiboot_decode(f, len, &t) == 0)
				efiboot_entry_free(&t);
			free(f);
		}
		ok(1, "flipped bytes decode or are refused without crashing");
		efiboot_entry_free(&d);
		free(buf);
	}
}

static void test_encode_refused(void)
{
	struct efiboot_entry e = { .description = "a", .file_path = "/EFI/x" };
	uint8_t *buf;
	size_t len;
	is_int(efiboot_encode(&e, &buf, &len), -EINVAL, "encode: forward slashes refused");
	e.file_path = "\\x";
	e.description = "\xff";
	is_int(efiboot_encode(&e, &buf, &len), -EINVAL, "encode: invalid UTF-8 refused");
	e.description = "\xf0\x9f\x98\x80";
	is_int(efiboot_encode(&e, &buf, &len), -EINVAL, "encode: outside UCS-2 refused");
	e.description = NULL;
	is_int(efiboot_encode(&e, &buf, &len), -EINVAL, "encode: no description");
}

/* Hand-built load options: attrs, fpl length, "A\0", then the path bytes. */
#define HDR(fpl) 1, 0, 0, 0, (fpl) & 0xff, (fpl) >> 8, 'A', 0, 0, 0
#define END 0x7f, 0xff, 4, 0
static const uint8_t ok_end_only[] = { HDR(4), END };
static const uint8_t ok_binary_opt[] = { HDR(4), END, 'W', 'I', 'N', 'D', 1, 0, 0x10, 0 };
static const uint8_t bad_short[] = { 1, 0, 0, 0, 4, 0 };
static const uint8_t bad_no_desc_nul[] = { 1, 0, 0, 0, 4, 0, 'A', 0, 'B', 0 };
static const uint8_t bad_odd_desc[] = { 1, 0, 0, 0, 4, 0, 'A', 0, 'B' };
static const uint8_t bad_fpl_past_end[] = { HDR(8), END };
static const uint8_t bad_fpl_zero[] = { HDR(0), END };
static const uint8_t bad_no_end[] = { HDR(4), 4, 4, 4, 0 };
static const uint8_t bad_node_len_small[] = { HDR(8), 4, 4, 2, 0, END };
static const uint8_t bad_node_past_fpl[] = { HDR(8), 4, 4, 12, 0, END };
static const uint8_t bad_end_long[] = { HDR(6), 0x7f, 0xff, 6, 0, 0, 0 };
static const uint8_t bad_end_not_last[] = { HDR(8), END, 4, 4, 4, 0 };
static const uint8_t bad_fpl_odd_tail[] = { HDR(6), END, 0, 0 };
static const uint8_t ok_two_paths[] = { HDR(8), END, END };
static const uint8_t ok_instance_end[] = { HDR(8), 0x7f, 0x01, 4, 0, END };

static void test_malformed(void)
{
	static const struct { const char *name; const uint8_t *p; size_t len; int r; } cases[] = {
#define C(name, a, r) { name, a, sizeof(a), r }
		C("only an End node", ok_end_only, 0),
		C("binary optional data", ok_binary_opt, 0),
		C("two paths", ok_two_paths, 0),
		C("an End Instance node", ok_instance_end, 0),
		C("too short for a description", bad_short, -EINVAL),
		C("description without a NUL", bad_no_desc_nul, -EINVAL),
		C("odd description", bad_odd_desc, -EINVAL),
		C("FilePathListLength past the end", bad_fpl_past_end, -EINVAL),
		C("FilePathListLength 0", bad_fpl_zero, -EINVAL),
		C("no End node", bad_no_end, -EINVAL),
		C("node length < 4", bad_node_len_small, -EINVAL),
		C("node past FilePathListLength", bad_node_past_fpl, -EINVAL),
		C("End node longer than 4", bad_end_long, -EINVAL),
		C("End node not last", bad_end_not_last, -EINVAL),
		C("trailing bytes in the path list", bad_fpl_odd_tail, -EINVAL),
#undef C
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct efiboot_entry e;
		/* copy to an exact-size heap block so ASan sees any over-read */
		uint8_t *p = malloc(cases[i].len);
		memcpy(p, cases[i].p, cases[i].len);
		int r = efiboot_decode(p, cases[i].len, &e);
		is_int(r, cases[i].r, cases[i].name);
		if (r == 0) {
			is_int(e.has_hd, 0, "not an HD()/File() path");
			efiboot_entry_free(&e);
		}
		free(p);
	}
	struct efiboot_entry e;
	efiboot_decode(ok_binary_opt, sizeof(ok_binary_opt), &e);
	is_int(e.optional_raw, 1, "binary optional data: raw flag");
	is_int(e.optional_len, 8, "binary optional data: kept");
	is_str(e.cmdline, NULL, "binary optional data: no command line");
	char path[64];
	efiboot_format_path(&e, path, sizeof(path));
	is_str(path, "", "format_path of an empty path");
	efiboot_entry_free(&e);
}

int main(void)
{
	test_guid();
	test_round_trips();
	test_encode_refused();
	test_malformed();
	return done_testing();
}
