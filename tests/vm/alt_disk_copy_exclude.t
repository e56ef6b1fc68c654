#!/bin/bash
# alt_disk_copy -e (AIX exclude semantics over every filesystem) onto a disk
# smaller than the source VG: LVs shrink to the used data.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/sys.img"
testsys_boot "exclude list, smaller disk" "$TOP/tests/vm/payloads/adc-exclude.sh" "$VG_UUID" \
	--disk "$tmp/sys.img" --disk "$tmp/small.img,size=600M"
done_testing
