#!/bin/bash
# alt_disk_copy from the recovery image (--source-vg): the source disk is
# byte-identical afterwards, the clone equals it.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/sys.img"
before=$(sha256sum <"$tmp/sys.img")
vm_payload "offline clone" "$TOP/tests/vm/payloads/adc-offline.sh" \
	--disk "$tmp/sys.img" --disk "$tmp/clone.img,size=1G"
is "$(sha256sum <"$tmp/sys.img")" "$before" "the whole source disk is byte-identical"
# what make run shows a newcomer: rootvg and a blank disk, so the banner
# spells out the clone
banner=$(tr -d '\r' <"$VM_LOG")
like "$banner" "^To clone rootvg to vdb \(offline" "the recovery banner offers to clone rootvg to the blank disk"
like "$banner" "^  alt_disk_copy --source-vg rootvg -d vdb$" "...with the command"
done_testing
