#!/bin/bash
# An ISO made by xorriso on the emulated CD drive, read through libiso9660.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
t=$tmp/tree
mkdir -p "$t/docs" "$t/deep/a/b/c/d/e/f/g/h"
echo "hello from the CD" >"$t/docs/A long name with spaces.txt"
printf '#!/bin/sh\necho hi\n' >"$t/docs/exec.sh"; chmod 750 "$t/docs/exec.sh"
head -c 300000 /dev/urandom >"$t/deep/a/b/c/d/e/f/g/h/leaf.bin"
xorriso -as mkisofs -quiet -o "$tmp/test.iso" -V ALTKIT_TEST -J -joliet-long -R "$t" 2>/dev/null
ok $? "xorriso makes a Joliet + Rock Ridge ISO"
(cd "$t" && find . -type f | sort | while read -r f; do
	printf '%s %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "${f#.}"; done) >"$tmp/sums"
truncate -s 16M "$tmp/disk.img"
vm_payload cdrom "$TOP/tests/vm/payloads/cdrom.sh" --payload-file "$tmp/sums" \
	--cdrom "$tmp/test.iso" --disk "$tmp/disk.img"
done_testing
