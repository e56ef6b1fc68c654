#!/bin/bash
# Network boot (docs/netboot.md): OVMF's own PXE boot of an altkit.efi built
# with an unattended offline clone on its command line (scripts/build-efi
# --append 'altkit.run="alt_disk_copy --source-vg rootvg -d vdb"
# altkit.then=poweroff'), served by QEMU's DHCP and TFTP server. The test
# system's disk is the source: byte-identical afterwards; the blank disk
# holds the complete clone (checked from a second boot, the recovery image
# with tests/vm/payloads/netboot-check.sh).
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] || fail_all "OVMF is installed (scripts/install-deps)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/sys.img"
before=$(sha256sum <"$tmp/sys.img")
mkdir "$tmp/tftp"
run "$TOP/scripts/build-efi" --out "$tmp/tftp/altkit.efi" \
	--append 'altkit.run="alt_disk_copy --source-vg rootvg -d vdb" altkit.then=poweroff'
is "$rc" 0 "build-efi --append: the network boot binary" || diag "$err"

start=$(date +%s)
run "$VM" --firmware uefi --boot net --tftp "$tmp/tftp/altkit.efi" --timeout 1500 --log "$tmp/net.log" \
	--disk "$tmp/sys.img" --disk "$tmp/clone.img,size=1G"
secs=$(($(date +%s) - start))
is "$rc" 0 "the unattended clone ends with altkit-run-exit: 0, then the guest powers off" ||
	{ diag "$err"; tail -n 30 "$tmp/net.log" | sed 's/^/  | /' >&2; }
diag "network boot, offline clone, power off: $secs s"
log=$(tr -d '\r' <"$tmp/net.log")
like "$log" "altkit-init: running 'alt_disk_copy --source-vg rootvg -d vdb' \(altkit.run\)" \
	"the command came from the network boot binary's command line"
like "$log" "alt_disk_copy: copied / through its used blocks" "alt_disk_copy ran its phases"
is "$(sha256sum <"$tmp/sys.img")" "$before" "the source disk is byte-identical"

vm_payload "the clone, seen from the recovery image" "$TOP/tests/vm/payloads/netboot-check.sh" \
	--disk "$tmp/sys.img" --disk "$tmp/clone.img"
done_testing
