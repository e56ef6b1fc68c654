#!/bin/bash
# alt_disk_copy: a live clone of the running test system to a second disk,
# inspected in the same boot; then the clone booted on its own.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/testsys.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
testsys_disk "$tmp/sys.img"
before=$(disk_print "$tmp/sys.img")
printf 'SRC_UUID=%s\nHOME_UUID=%s\nESP_UUID=%s\n' "$VG_UUID" "$HOME_UUID" "$ESP_UUID" >"$tmp/env"
cp "$TOP/tests/vm/payloads/adc-live.sh" "$tmp/live.sh"
sed -i '1a . "$PAYLOAD/env"' "$tmp/live.sh"
testsys_boot "live clone" "$tmp/live.sh" "$VG_UUID" --payload-file "$tmp/env" \
	--disk "$tmp/sys.img" --disk "$tmp/clone.img,size=1G" --out "$tmp/out"
clone_uuid=$(cat "$tmp/out/clone_uuid" 2>/dev/null)
like "$clone_uuid" '^[A-Za-z0-9-]{38}$' "the guest reported the clone's VG UUID"

printf 'CLONE_UUID=%s\n' "$clone_uuid" >"$tmp/env"
cp "$TOP/tests/vm/payloads/adc-clone-boots.sh" "$tmp/boots.sh"
sed -i '1a . "$PAYLOAD/env"' "$tmp/boots.sh"
testsys_boot "the clone boots alone" "$tmp/boots.sh" "$clone_uuid" --payload-file "$tmp/env" \
	--disk "$tmp/clone.img"
done_testing
