#!/bin/bash
# Power cuts (QEMU killed) at the renames at boot, under OVMF: after the first
# of the clone's two renames, and after the first and the second of a
# rollback's three; each next start (through the firmware's boot list)
# completes the names. altkit.test.cut_after_renames=N makes altkit-init stop
# dead after the Nth rename so that the cut lands exactly there: those starts
# load the kernel directly to carry it.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/vda.img"
truncate -s 1G "$tmp/vdb.img"
clone_uuid=
env_for() { printf 'STEP=%s\nVG_UUID=%s\nCLONE_UUID=%s\n' "$1" "$VG_UUID" "$clone_uuid" >"$tmp/env"; }
fw=(--firmware uefi --vars "$tmp/vars.fd" --disk "$tmp/vda.img" --disk "$tmp/vdb.img")

# cut WHAT UUID N: boot VG UUID, kill QEMU after its Nth rename
cut() {
	"$VM" --timeout "$VM_TIMEOUT" --log "$tmp/cut.log" "${fw[@]}" --boot kernel --kernel "$TOP/build/bzImage" \
		--initrd "$TOP/build/initramfs.img" --append "altkit.vg=$2 root=/dev/rootvg/root altkit.test.cut_after_renames=$3" \
		--until 'altkit-init: test: stopped after' 2>"$tmp/cut.err"
	is "$?" 0 "power cut $1" || cat "$tmp/cut.err" >&2
	while IFS= read -r l; do diag "  $l"; done < <(tr -d '\r' <"$tmp/cut.log" | grep -a 'altkit-init: ')
}

env_for clone
vm_payload "offline clone" "$TOP/tests/vm/payloads/powercut.sh" --payload-file "$tmp/env" "${fw[@]}" \
	--boot recovery --out "$tmp/out"
clone_uuid=$(cat "$tmp/out/clone_uuid" 2>/dev/null)
like "$clone_uuid" '^[A-Za-z0-9-]{38}$' "the guest reported the clone's VG UUID"

cut "after the clone's first rename (rootvg -> old_rootvg)" "$clone_uuid" 1
env_for onclone
vm_payload "the clone's start after the cut" "$TOP/tests/vm/payloads/powercut.sh" --payload-file "$tmp/env" \
	"${fw[@]}" --boot firmware
log=$(tr -d '\r' <"$VM_LOG")
like "$log" "'altinst_rootvg' is now 'rootvg'" "  that start did the one rename left"
ok "$(echo "$log" | grep -qa "is now 'old_rootvg'"; [ $? = 1 ]; echo $?)" "  and not the one done before the cut"

cut "after the rollback's first rename (old_rootvg -> altkit_booting)" "$VG_UUID" 1
cut "after the rollback's second rename (rootvg -> old_rootvg)" "$VG_UUID" 1
env_for onoriginal
vm_payload "the original's start after two cuts" "$TOP/tests/vm/payloads/powercut.sh" --payload-file "$tmp/env" \
	"${fw[@]}" --boot firmware
log=$(tr -d '\r' <"$VM_LOG")
like "$log" "'altkit_booting' is now 'rootvg'" "  that start did the one rename left"
ok "$(echo "$log" | grep -qa "is now 'old_rootvg'\|is now 'altkit_booting'"; [ $? = 1 ]; echo $?)" \
	"  and none of the two done before the cuts"
done_testing
