#!/bin/bash
# Network boot (docs/netboot.md): OVMF's own PXE boot of an altkit.efi built
# with an unattended offline clone on its command line (scripts/build-efi
# --append 'altkit.run="alt_disk_copy --source-vg rootvg -d vdb"
# altkit.then=poweroff'), served by QEMU's DHCP and TFTP server. The test
# system's disk is the source: byte-identical afterwards; the blank disk
# holds the complete clone, read from its bytes (tests/lib/lvmmeta.py: the
# newest LVM metadata on each disk).
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

src=$("$TOP/tests/lib/lvmmeta.py" "$tmp/sys.img" | grep '^rootvg ')
cln=$("$TOP/tests/lib/lvmmeta.py" "$tmp/clone.img" | grep '^altinst_rootvg ')
like "$cln" " tags=([^ ]*,)?altkit_phase_3[, ]" "vdb holds altinst_rootvg, complete (phase 3): $cln"
is "${cln##* lvs=}" "${src##* lvs=}" "the clone has the source's LVs"
src_id=${src#* id=} cln_id=${cln#* id=}
ok "$([ -n "${cln_id%% *}" ] && [ "${cln_id%% *}" != "${src_id%% *}" ]; echo $?)" "the clone's VG UUID is its own"
is "$(PATH=$PATH:/usr/sbin:/sbin sgdisk -p "$tmp/clone.img" 2>/dev/null | grep -c ' EF00 ')" 1 "vdb has an ESP"
done_testing
