/* UEFI load options (the data of Boot#### variables): encoding and decoding.
 * An altkit entry is Attributes + Description + HD(GPT)/File()/End + the kernel
 * command line as UCS-2 optional data (what the EFI stub reads, as efibootmgr -u
 * writes it). Functions return 0 or -errno and never print. */
#ifndef ALTKIT_EFIBOOT_H
#define ALTKIT_EFIBOOT_H
#include <stddef.h>
#include <stdint.h>

#define EFIBOOT_LOAD_OPTION_ACTIVE 0x00000001u
#define EFIBOOT_GUID_TEXT_LEN 36    /* without the NUL */

struct efiboot_entry {
	uint32_t attributes;
	char *description;          /* UTF-8 */
	/* The device path. has_hd: it is exactly HD(GPT)/File()/End and the fields
	 * below hold it; otherwise only dp/dp_len (raw, validated node chain). */
	int has_hd;
	uint32_t part_num;
	uint64_t part_start, part_size;     /* in LBAs */
	uint8_t part_guid[16];              /* EFI (mixed-endian) byte order */
	char *file_path;                    /* UTF-8, backslashes */
	uint8_t *dp;                        /* set by decode; encode builds its own */
	size_t dp_len;
	/* Optional data: cmdline is the UTF-8 text when it was valid UCS-2 (or, for
	 * encode, the text to write); optional_raw set when it was not, with the
	 * bytes in optional/optional_len (decode always fills those). */
	char *cmdline;
	int optional_raw;
	uint8_t *optional;
	size_t optional_len;
};

/* Build the load option into a new *buf (free() it). Uses attributes,
 * description, part_*, file_path, cmdline (NULL: no optional data). */
int efiboot_encode(const struct efiboot_entry *e, uint8_t **buf, size_t *len);
/* Parse a load option; -EINVAL for malformed data. Free with efiboot_entry_free. */
int efiboot_decode(const uint8_t *buf, size_t len, struct efiboot_entry *e);
void efiboot_entry_free(struct efiboot_entry *e);

/* efibootmgr -v style: HD(2,GPT,<guid>,0x800,0x40000)/File(\EFI\altkit\vmlinuz.efi).
 * -ENOSPC (with a truncated, NUL-terminated buf) when it does not fit. */
int efiboot_format_path(const struct efiboot_entry *e, char *buf, size_t len);

/* GUID text "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" <-> EFI byte order. */
int efiboot_guid_parse(const char *text, uint8_t guid[16]);
void efiboot_guid_format(const uint8_t guid[16], char text[EFIBOOT_GUID_TEXT_LEN + 1]);

/* UTF-8 <-> UCS-2LE (no surrogates). to_ucs2: *out gets len bytes incl. a
 * terminating 0x0000 when nul is set. from_ucs2: -EINVAL for odd lengths,
 * embedded NULs (one trailing NUL is accepted) or surrogates. */
int efiboot_utf8_to_ucs2(const char *s, int nul, uint8_t **out, size_t *len);
int efiboot_ucs2_to_utf8(const uint8_t *p, size_t len, char **out);
#endif
