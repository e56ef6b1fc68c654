#!/bin/bash
# alt_rootvg_op -q -v -W -C -S -l -X on a clone spread over two disks, and
# every refusal; a symlink in a woken tree cannot take a mount outside it.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/sys.img"
testsys_boot alt_rootvg_op "$TOP/tests/vm/payloads/rootvg-op.sh" "$VG_UUID" --disk "$tmp/sys.img" \
	--disk "$tmp/b.img,size=600M" --disk "$tmp/c.img,size=600M" --disk "$tmp/d.img,size=64M"
done_testing
