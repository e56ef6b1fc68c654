#!/bin/bash
# A stock Debian 12 on rootvg (scripts/build-debian-fixture a) boots through
# the firmware's boot list, no kernel given: OVMF -> BootOrder -> Boot#### of
# \EFI\debian\shimx64.efi -> GRUB -> Debian's kernel and initramfs -> systemd.
# The booted system's altkit-payload.service runs payloads/debian-boot.sh,
# which reports what the system says about itself. A failed fixture build is a
# failed test. Measures the boot (QEMU start to payload start).
# ALTKIT_DEBIAN_VARIANT=b runs it on the other fixture (dracut, /boot apart).
. "$(dirname "$0")/../lib/tap.sh"
: "${VM_TIMEOUT:=900}"
VM_IMAGE=other . "$(dirname "$0")/../lib/vm.sh"
v=${ALTKIT_DEBIAN_VARIANT:-a}
img=$TOP/build/images/debian-$v.img
tmp=$(mktemp -d "${TMPDIR:-/tmp}/altkit-debian.XXXXXX")
qpid=
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; rm -rf "$tmp"' EXIT

t0=$(date +%s)
if ! "$TOP/scripts/build-debian-fixture" "$v" 2>"$tmp/build.log"; then
	ok 1 "the Debian 12 fixture builds (scripts/build-debian-fixture $v)"
	tail -n 40 "$tmp/build.log" | sed 's/^/# /' >&2
	done_testing
	exit 1
fi
ok 0 "the Debian 12 fixture debian-$v is there ($(($(date +%s) - t0)) s)"

# a throw-away copy of the disk and its variable store
cp --sparse=always "$img" "$tmp/disk.img"
cp "$TOP/build/images/debian-$v.vars" "$tmp/vars.fd"
grep -E '^[A-Z_]+=' "$TOP/build/images/debian-$v.env" >"$tmp/env"

start=$(date +%s%N)
"$VM" --boot firmware --firmware uefi --vars "$tmp/vars.fd" --disk "$tmp/disk.img" \
	--mem 1024 --timeout "$VM_TIMEOUT" --log "$tmp/serial.log" \
	--payload "$TOP/tests/vm/payloads/debian-boot.sh" \
	--payload-file "$TOP/tests/lib/guest-tap.sh" --payload-file "$tmp/env" 2>"$tmp/vm.err" &
qpid=$!
boot_ms=
while kill -0 "$qpid" 2>/dev/null; do
	if [ -z "$boot_ms" ] && grep -aq 'altkit-payload: running' "$tmp/serial.log" 2>/dev/null; then
		boot_ms=$((($(date +%s%N) - start) / 1000000))
	fi
	sleep 0.5
done
wait "$qpid"
st=$?
qpid=
total_ms=$((($(date +%s%N) - start) / 1000000))
vm_relay "$tmp/serial.log"
if ! is "$st" 0 "the booted Debian's payload exits 0"; then
	sed 's/^/# /' "$tmp/vm.err" >&2
fi
if [ -n "$boot_ms" ]; then
	ok 0 "the payload started: boot $((boot_ms / 1000)).$((boot_ms % 1000 / 100)) s (QEMU start to payload start), $((total_ms / 1000)) s in all"
else
	ok 1 "the payload started"
	tail -n 40 "$tmp/serial.log" | sed 's/^/# | /' >&2
fi
done_testing
