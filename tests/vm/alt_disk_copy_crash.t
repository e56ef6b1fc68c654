#!/bin/bash
# A power cut in the middle of alt_disk_copy loses nothing: the system boots,
# the half clone is refused with the way out, alt_rootvg_op -X removes it, a
# rerun works.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/sys.img"
disks=(--disk "$tmp/sys.img" --disk "$tmp/b.img,size=1G")
"$VM" --timeout 300 --log "$tmp/log" --until "alt_disk_copy: copied /" \
	--boot kernel --kernel "$TOP/build/bzImage" --initrd "$TOP/build/initramfs.img" \
	--append "altkit.vg=$VG_UUID root=/dev/rootvg/root" \
	--payload "$TOP/tests/vm/payloads/adc-crash-run.sh" "${disks[@]}" 2>"$tmp/err"
ok $? "the power is cut once the first filesystem is copied" || cat "$tmp/err" >&2
testsys_boot "after the power cut" "$TOP/tests/vm/payloads/adc-crash-after.sh" "$VG_UUID" "${disks[@]}"
like "$(cat "$VM_LOG")" "altkit-init: removed 'rootvg/altkit_snap_root', a snapshot left by an interrupted alt_disk_copy" \
	"the boot said it removed the stale snapshots"
done_testing
