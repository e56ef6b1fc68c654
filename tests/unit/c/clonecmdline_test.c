/* src/lib/bootdisk.c: the kernel command line a clone boots with. */
#include "bootdisk.h"
#include "tap.h"

static const struct {
	const char *title, *src, *console, *want;
} cases[] = {
	{ "no source line", NULL, NULL, "initrd=\\EFI\\altkit\\initramfs.img altkit.vg=NEW root=/dev/rootvg/root" },
	{ "the source's own words are kept, its VG and root replaced",
	  "initrd=\\EFI\\altkit\\initramfs.img altkit.vg=OLD root=/dev/rootvg/root console=ttyS0 quiet panic=-1",
	  NULL, "initrd=\\EFI\\altkit\\initramfs.img altkit.vg=NEW root=/dev/rootvg/root console=ttyS0 quiet panic=-1" },
	{ "-c replaces every console=", "console=tty0 console=ttyS0,115200 quiet", "ttyS1",
	  "initrd=\\EFI\\altkit\\initramfs.img altkit.vg=NEW root=/dev/rootvg/root quiet console=ttyS1" },
	{ "a root= by mapper name is ours to set", "root=/dev/mapper/rootvg-root ro", NULL,
	  "initrd=\\EFI\\altkit\\initramfs.img altkit.vg=NEW root=/dev/rootvg/root ro" },
	{ "a quoted value keeps its quotes", "foo=\"a b\" BOOT_IMAGE=/vmlinuz", NULL,
	  "initrd=\\EFI\\altkit\\initramfs.img altkit.vg=NEW root=/dev/rootvg/root foo=\"a b\"" },
};

int main(void)
{
	char out[1024];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		is_int(bootdisk_clone_cmdline(cases[i].src, "NEW", "root", cases[i].console, out, sizeof(out)), 0,
		       cases[i].title);
		is_str(out, cases[i].want, cases[i].title);
	}
	is_int(bootdisk_clone_cmdline("quiet", "NEW", "root", NULL, out, 40), -28, "too long: -ENOSPC");
	return done_testing();
}
