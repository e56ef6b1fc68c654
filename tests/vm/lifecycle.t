#!/bin/bash
# The whole life under OVMF with one variable store, every start through the
# firmware's own boot list: provision, boot, clone live, boot the clone, wake
# and sleep the old one, roll back, BootNext once, remove old_rootvg, clone
# again with -r. Each start's wall time is reported (TCG).
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/vda.img"
truncate -s 1G "$tmp/vdb.img"
clone_uuid=

start() {   # start STEP [qemu/vm options...]: one start, the guest runs step STEP
	local step=$1 t0; shift
	printf 'STEP=%s\nVG_UUID=%s\nCLONE_UUID=%s\n' "$step" "$VG_UUID" "$clone_uuid" >"$tmp/env"
	t0=$(date +%s%N)
	vm_payload "$step" "$TOP/tests/vm/payloads/lifecycle.sh" --payload-file "$tmp/env" \
		--firmware uefi --vars "$tmp/vars.fd" --disk "$tmp/vda.img" --disk "$tmp/vdb.img" "$@"
	diag "start '$step': $(( ($(date +%s%N) - t0) / 1000000 )) ms from QEMU start to power off (or reboot)"
}

start provision --boot recovery
start original --boot firmware --out "$tmp/out"
clone_uuid=$(cat "$tmp/out/clone_uuid" 2>/dev/null)
like "$clone_uuid" '^[A-Za-z0-9-]{38}$' "the guest reported the clone's VG UUID"
start clone --boot firmware
is "$(grep -a -c LIFECYCLE-MARK-written-on-the-clone "$tmp/vdb.img")" 1 "the file written on the clone is on vdb's bytes"
is "$(grep -a -c LIFECYCLE-MARK-written-on-the-clone "$tmp/vda.img")" 0 "  and not on vda's"
start rolledback --boot firmware
start service --boot firmware
# the guest reboots itself at the end of this step (alt_disk_copy -r): QEMU
# is ended at the kernel's restart, which counts as the step's success
start back --boot firmware --until 'reboot: Restarting system'
like "$(tr -d '\r' <"$VM_LOG")" "alt_disk_copy: the boot list now starts with vdb" "  the new clone was put first"
start newclone --boot firmware
done_testing
