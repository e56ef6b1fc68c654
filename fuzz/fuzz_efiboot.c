/* EFI load options (the data of Boot#### variables, read from efivarfs,
 * written by any firmware or tool): decoded, described as efibootmgr -v
 * does, and for an HD()/File() entry encoded again, which must decode to
 * the same fields. */
#include "fuzz.h"
#include "efiboot.h"

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void round_trip(const struct efiboot_entry *e)
{
	struct efiboot_entry again;
	uint8_t *buf;
	size_t len;
	/* encode refuses some texts decode accepts (a file path with '/',
	 * one too long): only what it writes must read back the same */
	if (efiboot_encode(e, &buf, &len) < 0)
		return;
	if (efiboot_decode(buf, len, &again) < 0 || !again.has_hd ||
	    again.attributes != e->attributes || !same_str(again.description, e->description) ||
	    !same_str(again.file_path, e->file_path) || again.part_num != e->part_num ||
	    again.part_start != e->part_start || again.part_size != e->part_size ||
	    memcmp(again.part_guid, e->part_guid, 16) != 0 ||
	    (e->cmdline && *e->cmdline && !same_str(again.cmdline, e->cmdline)))
		abort();
	efiboot_entry_free(&again);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct efiboot_entry e;
	char text[512];
	if (efiboot_decode(data, size, &e) == 0) {
		efiboot_format_path(&e, text, sizeof(text));
		efiboot_format_path(&e, text, 7);
		if (e.has_hd && !e.optional_raw)
			round_trip(&e);
	}
	efiboot_entry_free(&e);
	return 0;
}
