#!/bin/bash
# bootlist under real UEFI firmware (OVMF): refusals leave every variable as
# it was, entries are made once and reused, BootNext, -i, -f; efibootmgr on
# the host decodes the entry written in the guest.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/sys.img"
vm_payload bootlist "$TOP/tests/vm/payloads/bootlist.sh" --firmware uefi --vars "$tmp/vars.fd" \
	--disk "$tmp/sys.img" --disk "$tmp/b.img,size=64M" --disk "$tmp/c.img,size=64M" \
	--disk "$tmp/d.img,size=64M" --out "$tmp/out"
if command -v efibootmgr >/dev/null && [ -d "$tmp/out/vars" ]; then
	run env EFIVARFS_PATH="$tmp/out/vars/" efibootmgr -v -u
	partuuid=$(cat "$tmp/out/esp-partuuid")
	like "$out" "altkit vda	HD\(1,GPT,$partuuid,0x800,0x20000\)/File\(\\\\EFI\\\\altkit\\\\vmlinuz.efi\)" \
		"efibootmgr -v decodes our entry: the ESP of vda (GPT partition 1, its PARTUUID) and the kernel"
	like "$out" "vmlinuz.efi\)initrd=\\\\EFI\\\\altkit\\\\initramfs.img altkit.vg=$VG_UUID root=/dev/rootvg/root console=ttyS0" \
		"efibootmgr -v -u decodes its command line: the initrd and the VG UUID"
	run env EFIVARFS_PATH="$tmp/out/distvars/" efibootmgr -v
	partuuid=$(cat "$tmp/out/vdd-partuuid")
	like "$out" "debian vdd	HD\(1,GPT,$partuuid,0x[0-9a-f]+,0x8000\)/File\(\\\\EFI\\\\debian\\\\shimx64.efi\)$" \
		"efibootmgr -v decodes the entry made for a distribution's ESP: vdd's ESP, shim, no command line"
else
	command -v efibootmgr >/dev/null
	ok $? "efibootmgr is installed (scripts/install-deps)"
	[ -d "$tmp/out/vars" ]
	ok $? "the guest's EFI variables were captured"
fi
done_testing
