#!/bin/bash
# alt_disk_copy in phases across a reboot: -P 1 (with -T, two disks), reboot,
# -P 2 twice, -P 3; wrong orders refused. The phase lives in the VG's tags.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/sys.img"
disks=(--disk "$tmp/sys.img" --disk "$tmp/b.img,size=512M" --disk "$tmp/c.img,size=512M")
testsys_boot "phase 1" "$TOP/tests/vm/payloads/adc-phase1.sh" "$VG_UUID" "${disks[@]}"
testsys_boot "phases 2 and 3 after a reboot" "$TOP/tests/vm/payloads/adc-phase23.sh" "$VG_UUID" "${disks[@]}"
done_testing
