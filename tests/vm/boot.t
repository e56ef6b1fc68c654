#!/bin/bash
# The recovery image reaches its banner every way it can be booted: the ISO as
# a CD and as a USB disk under SeaBIOS and OVMF, and the kernel + initramfs
# directly. Prints the time from QEMU start to the banner.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
iso=$TOP/build/altkit.iso
[ -f "$iso" ] || fail_all "build/altkit.iso is built (make iso)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
banner='altkit recovery: ready'

# name | qemu/vm options
cases=(
	"SeaBIOS, ISO as CD|--firmware bios --boot cdrom --cdrom $iso"
	"SeaBIOS, ISO as USB disk|--firmware bios --boot disk --disk $iso,if=usb,ro"
	"OVMF, ISO as CD|--firmware uefi --boot cdrom --cdrom $iso"
	"OVMF, ISO as USB disk|--firmware uefi --boot disk --disk $iso,if=usb,ro"
	"SeaBIOS, kernel + initramfs|--firmware bios"
	"OVMF, kernel + initramfs|--firmware uefi"
)
for c in "${cases[@]}"; do
	name=${c%%|*}
	read -r -a opts <<<"${c#*|}"
	"$VM" --timeout 180 --log "$tmp/log" --until "$banner" "${opts[@]}" 2>"$tmp/err"
	st=$?
	if ok "$st" "$name: boots to the banner"; then
		diag "$name: $(sed -n "s/^vm: '$banner' after //p" "$tmp/err")"
	else
		sed 's/^/# /' "$tmp/err" >&2
	fi
	like "$(cat "$tmp/log")" "altkit [0-9.]+ recovery - Linux 6\.1\." "$name: the banner names altkit and the kernel"
done
done_testing
