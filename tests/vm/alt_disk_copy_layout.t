#!/bin/bash
# alt_disk_copy --dump-layout and -i: the clone's LVs renamed, resized and
# converted as a layout file says; bad layouts refused by line.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/sys.img"
testsys_boot "layout" "$TOP/tests/vm/payloads/adc-layout.sh" "$VG_UUID" \
	--disk "$tmp/sys.img" --disk "$tmp/b.img,size=1G"
done_testing
