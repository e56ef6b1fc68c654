#!/bin/bash
# The musl lvm2 build works with the kernel's device-mapper: create, activate,
# report as JSON, rename, remove (see tests/vm/payloads/lvm.sh).
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
vm_payload lvm "$TOP/tests/vm/payloads/lvm.sh" --disk "$tmp/a.img,size=256M" --disk "$tmp/b.img,size=256M"
done_testing
