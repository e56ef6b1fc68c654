#!/bin/bash
# The progress line is honest on a slow disk (tests/vm/payloads/progress.sh):
# writes to the target are throttled by QEMU to 8 MiB/s, and every figure a
# progress line shows is checked against what the guest's disk had written
# when the line was read. Counting data when it is queued in the page cache
# shows it all within the first second; the disk takes about 9 s.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
vm_payload progress "$TOP/tests/vm/payloads/progress.sh" \
	--disk "$tmp/slow.img,size=256M,wbps=8388608" --disk "$tmp/slow2.img,size=128M,wbps=8388608"
done_testing
