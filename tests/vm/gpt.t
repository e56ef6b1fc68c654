#!/bin/bash
# GPT through libfdisk by altkit code, read back by blkid (tests/vm/payloads/gpt.sh).
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
vm_payload gpt "$TOP/tests/vm/payloads/gpt.sh" --disk "$tmp/a.img,size=512M"
# and from the host: sgdisk reads the same table
part=$(sgdisk -p "$tmp/a.img" 2>/dev/null | awk '$1 == 1 {print $6}')
is "$part" 8300 "sgdisk on the host reads the table the guest wrote last"
done_testing
