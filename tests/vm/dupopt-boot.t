#!/bin/bash
# A bootable volume duplicated by dupopt with a new volume id still boots:
# an El Torito (isolinux) ISO whose boot loader reads its configuration and a
# file from the ISO 9660 tree of the copy, in QEMU under SeaBIOS.
. "$(dirname "$0")/../lib/tap.sh"
command -v xorriso >/dev/null || fail_all "xorriso is installed (scripts/install-deps)"
[ -f /usr/lib/ISOLINUX/isolinux.bin ] || fail_all "isolinux is installed (scripts/install-deps)"
[ -x "$ALTKIT" ] || fail_all "'$ALTKIT' is built (make altkit)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
b=$tmp/tree/isolinux
mkdir -p "$b"
cp /usr/lib/ISOLINUX/isolinux.bin "$b/"
for m in ldlinux.c32 libcom32.c32 libutil.c32 cat.c32; do cp "/usr/lib/syslinux/modules/bios/$m" "$b/"; done
# the boot loader prints a file of the volume on the serial console
printf 'SERIAL 0 115200\nPROMPT 0\nDEFAULT show\nLABEL show\n  KERNEL cat.c32\n  APPEND /isolinux/marker.txt\n' \
	>"$b/isolinux.cfg"
echo "dupopt-boot-marker: read from the ISO 9660 tree" >"$b/marker.txt"
xorriso -as mkisofs -quiet -o "$tmp/boot.iso" -V BOOT_SRC -J -R -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table "$tmp/tree" 2>/dev/null
ok $? "xorriso makes an isolinux bootable ISO"

run "$ALTKIT" dupopt --verify --new-volume-id BOOT_COPY "$tmp/boot.iso" "$tmp/copy.iso"
is "$rc" 0 "dupopt --new-volume-id copies the bootable ISO"
like "$(isoinfo -d -i "$tmp/copy.iso")" "Volume id: BOOT_COPY" "the copy has the new id"

for iso in boot copy; do
	run "$TOP/qemu/vm" --boot cdrom --cdrom "$tmp/$iso.iso" --until 'dupopt-boot-marker' --timeout 120 \
		--log "$tmp/$iso.log"
	is "$rc" 0 "the $iso ISO boots in QEMU and its boot loader reads a file of it" ||
		diag "$err" "$(tail -5 "$tmp/$iso.log")"
done
done_testing
