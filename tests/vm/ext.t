#!/bin/bash
# Static e2fsprogs on LVs in the guest (see tests/vm/payloads/ext.sh).
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
vm_payload ext "$TOP/tests/vm/payloads/ext.sh" --disk "$tmp/a.img,size=256M"
done_testing
