#!/bin/bash
# An EFI variable written through efivarfs in one OVMF boot is read back in the
# next boot from the same variable store.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
vm_payload "first boot" "$TOP/tests/vm/payloads/efivars-write.sh" --firmware uefi --vars "$tmp/vars.fd"
vm_payload "second boot" "$TOP/tests/vm/payloads/efivars-read.sh" --firmware uefi --vars "$tmp/vars.fd"
done_testing
