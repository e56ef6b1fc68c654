#!/bin/bash
# A first-boot script that hangs is stopped after altkit.firstboot_timeout,
# with everything it started, and the system boots on.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/sys.img"
echo STEP=install >"$tmp/env"
vm_payload "install the script" "$TOP/tests/vm/payloads/firstboot.sh" --payload-file "$tmp/env" --disk "$tmp/sys.img"
echo STEP=booted >"$tmp/env"
TESTSYS_APPEND=altkit.firstboot_timeout=3 testsys_boot "the boot after it" "$TOP/tests/vm/payloads/firstboot.sh" \
	"$VG_UUID" --payload-file "$tmp/env" --disk "$tmp/sys.img"
like "$(tr -d '\r' <"$VM_LOG")" "altkit-init: the first-boot script was killed after 3 s \(altkit.firstboot_timeout\); the boot goes on" \
	"the console says it was stopped and why"
done_testing
