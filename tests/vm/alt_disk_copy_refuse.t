#!/bin/bash
# alt_disk_copy refuses every bad input with one clear line and touches nothing.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/sys.img"
truncate -s 1G "$tmp/vdb.img"
truncate -s 128M "$tmp/vdc.img"
truncate -s 256M "$tmp/vdd.img"
truncate -s 256M "$tmp/vde.img"
b_before=$(disk_print "$tmp/vdb.img") c_before=$(disk_print "$tmp/vdc.img")
testsys_boot refusals "$TOP/tests/vm/payloads/adc-refuse.sh" "$VG_UUID" \
	--disk "$tmp/sys.img" --disk "$tmp/vdb.img" --disk "$tmp/vdc.img" \
	--disk "$tmp/vdd.img" --disk "$tmp/vde.img"
is "$(disk_print "$tmp/vdb.img")" "$b_before" "the target vdb was not written"
is "$(disk_print "$tmp/vdc.img")" "$c_before" "the too small vdc was not written"
done_testing
