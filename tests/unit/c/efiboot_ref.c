/* Host-only reference for src/lib/efiboot.c (built by tests/unit/efiboot.t, not
 * by src/Makefile): the same load options built by libefivar/libefiboot and by
 * altkit must be byte-for-byte equal, and libefivar's text of the device path
 * must match efiboot_format_path. Prints TAP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <efivar/efivar.h>
#include <efivar/efiboot.h>

#include "efiboot.h"

static int n, failed;

static void ok(int cond, const char *name, const char *what)
{
	n++;
	printf("%sok %d - %s: %s\n", cond ? "" : "not ", n, name, what);
	failed += !cond;
}

static void hexdump(const char *tag, const uint8_t *p, size_t len)
{
	printf("# %s (%zu):", tag, len);
	for (size_t i = 0; i < len; i++)
		printf("%s%02x", i % 32 ? " " : "\n#   ", p[i]);
	printf("\n");
}

static const struct {
	const char *name, *desc, *guid, *file, *cmdline;
	uint32_t part;
	uint64_t start, size;
} cases[] = {
	{ "altkit entry", "altkit vda", "0fc63daf-8483-4772-8e79-3d69d8477de4",
	  "\\EFI\\altkit\\vmlinuz.efi",
	  "initrd=\\EFI\\altkit\\initramfs.img altkit.vg=Zq3yW1-abcd-efgh-ijkl-mnop-qrst-uvwxyz root=/dev/rootvg/root console=ttyS0",
	  2, 0x800, 0x40000 },
	{ "no optional data", "x", "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "\\a.efi", NULL, 1, 34, 1 },
	{ "large numbers", "altkit nvme0n1 (a longer description)", "ffffffff-0000-1111-2222-123456789abc",
	  "\\EFI\\BOOT\\BOOTX64.EFI", "quiet", 128, 0x123456789aULL, 0xfedcba9876ULL },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t dp[1024], ref[4096], opt[2048], *ours = NULL;
		ssize_t dl = 0, sz, ol = 0;
		efi_guid_t g;
		size_t len = 0;
		char *file = strdup(cases[i].file);

		if (efi_str_to_guid(cases[i].guid, &g) < 0) {
			ok(0, cases[i].name, "libefivar parses the GUID");
			continue;
		}
		sz = efidp_make_hd(dp, sizeof(dp), cases[i].part, cases[i].start, cases[i].size,
				   (uint8_t *)&g, EFIDP_HD_FORMAT_GPT, EFIDP_HD_SIGNATURE_GUID);
		dl += sz;
		sz = efidp_make_file(dp + dl, sizeof(dp) - dl, file);
		dl += sz;
		sz = efidp_make_end_entire(dp + dl, sizeof(dp) - dl);
		dl += sz;
		/* As efibootmgr -u: the size query gives the bytes (no NUL); the
		 * call itself returns a character count. */
		if (cases[i].cmdline) {
			ol = efi_loadopt_args_as_ucs2(NULL, 0, (uint8_t *)cases[i].cmdline);
			if (ol > (ssize_t)sizeof(opt) ||
			    efi_loadopt_args_as_ucs2((uint16_t *)opt, sizeof(opt),
						     (uint8_t *)cases[i].cmdline) < 0)
				ol = -1;
		}
		sz = efi_loadopt_create(ref, sizeof(ref), EFIBOOT_LOAD_OPTION_ACTIVE, (efidp)dp, dl,
					(unsigned char *)cases[i].desc, ol > 0 ? opt : NULL,
					ol > 0 ? ol : 0);
		ok(sz > 0, cases[i].name, "libefiboot builds the reference");

		struct efiboot_entry e = {
			.attributes = EFIBOOT_LOAD_OPTION_ACTIVE,
			.description = (char *)cases[i].desc,
			.part_num = cases[i].part, .part_start = cases[i].start,
			.part_size = cases[i].size,
			.file_path = (char *)cases[i].file, .cmdline = (char *)cases[i].cmdline,
		};
		ok(efiboot_guid_parse(cases[i].guid, e.part_guid) == 0 &&
		   memcmp(e.part_guid, &g, 16) == 0, cases[i].name, "GUID bytes equal libefivar's");
		int r = efiboot_encode(&e, &ours, &len);
		int same = r == 0 && sz > 0 && len == (size_t)sz && memcmp(ours, ref, len) == 0;
		ok(same, cases[i].name, "altkit's encoding is byte-for-byte libefiboot's");
		if (!same && r == 0 && sz > 0) {
			hexdump("libefiboot", ref, sz);
			hexdump("altkit", ours, len);
		}

		/* libefivar's text of the path, and its parse of our bytes */
		char text[1024], mine[1024];
		efidp_format_device_path(text, sizeof(text), (const_efidp)dp, dl);
		struct efiboot_entry d;
		r = efiboot_decode(ref, sz, &d);
		ok(r == 0, cases[i].name, "altkit decodes libefiboot's bytes");
		if (r == 0) {
			efiboot_format_path(&d, mine, sizeof(mine));
			ok(strcmp(text, mine) == 0, cases[i].name, "format_path equals libefivar's text");
			if (strcmp(text, mine))
				printf("# libefivar: %s\n# altkit:    %s\n", text, mine);
			efiboot_entry_free(&d);
		}
		if (ours) {
			efi_load_option *lo = (efi_load_option *)ours;
			ok(efi_loadopt_is_valid(lo, len), cases[i].name, "libefiboot accepts altkit's bytes");
			ok(strcmp((char *)efi_loadopt_desc(lo, len), cases[i].desc) == 0, cases[i].name,
			   "libefiboot reads our description");
		}
		free(ours);
		free(file);
	}
	printf("1..%d\n", n);
	return failed != 0;
}
