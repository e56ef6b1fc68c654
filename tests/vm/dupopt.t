#!/bin/bash
# dupopt in the recovery image: an ISO on the emulated ATAPI drive duplicated
# to a virtio disk and to an image file (libburn stdio:), the rules and bad
# inputs on real devices, a signal during the write. The host checks the
# copies: only the patched fields differ, every file reads.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
command -v xorriso >/dev/null || fail_all "xorriso is installed (scripts/install-deps)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
export SOURCE_DATE_EPOCH=1700000000
t=$tmp/tree
mkdir -p "$t/docs" "$t/deep/a/b/c/d/e/f/g/h"
echo "hello from the CD" >"$t/docs/A long name with spaces.txt"
printf '#!/bin/sh\necho hi\n' >"$t/docs/exec.sh"; chmod 750 "$t/docs/exec.sh"
head -c 300000 /dev/urandom >"$t/deep/a/b/c/d/e/f/g/h/leaf.bin"
head -c 3000000 /dev/urandom >"$t/big.bin"
xorriso -as mkisofs -quiet -o "$tmp/test.iso" -V DUPOPT_SRC -J -joliet-long -R "$t" 2>/dev/null
ok $? "xorriso makes a Joliet + Rock Ridge ISO of a few MB"
(cd "$t" && find . -type f | sort | while read -r f; do
	printf '%s %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "${f#.}"; done) >"$tmp/sums"
sectors=$(($(stat -c %s "$tmp/test.iso") / 2048))
echo "$sectors" >"$tmp/sectors"

vm_payload dupopt "$TOP/tests/vm/payloads/dupopt.sh" --payload-file "$tmp/sums" --payload-file "$tmp/sectors" \
	--cdrom "$tmp/test.iso" --cdrom "" --out "$tmp/out" \
	--disk "$tmp/vda.img,size=16M" --disk "$tmp/vdb.img,size=1M" --disk "$tmp/vdc.img,size=16M"

check=$TOP/tests/unit/dupopt-check.py
# the disk: the volume at its start, then zeros
head -c $((sectors * 2048)) "$tmp/vda.img" >"$tmp/vda.iso"
run python3 "$check" "$tmp/test.iso" "$tmp/vda.iso" - "$SOURCE_DATE_EPOCH"
is "$rc" 0 "host: the disk copy (--clear, id kept) differs only in the creation times" || diag "$out"
is "$(tail -c +$((sectors * 2048 + 1)) "$tmp/vda.img" | tr -d '\0' | wc -c)" 0 "host: the disk holds nothing after the volume"
if [ -f "$tmp/out/copy.iso" ]; then
	run python3 "$check" "$tmp/test.iso" "$tmp/out/copy.iso" VM_COPY "$SOURCE_DATE_EPOCH"
	is "$rc" 0 "host: the image copy differs only in the patched id and time fields" || diag "$out"
	is "$(printf '%s\n' "$out" | grep '^found:')" "found: pvd joliet" "host: primary and Joliet descriptors patched"
	like "$(isoinfo -d -i "$tmp/out/copy.iso")" "Volume id: VM_COPY" "host: isoinfo reads the new id"
	bad=0
	while read -r sum path; do
		got=$("$ALTKIT" isoread "$tmp/out/copy.iso" cat "$path" | sha256sum | cut -d' ' -f1)
		[ "$got" = "$sum" ] || bad=1
	done <"$tmp/sums"
	ok "$bad" "host: every file of the image copy matches its checksum"
	run python3 "$check" "$tmp/test.iso" "$tmp/out/sig.iso" - "$SOURCE_DATE_EPOCH"
	is "$rc" 0 "host: the copy written through a SIGTERM is complete and exact" || diag "$out"
else
	ok 1 "host: the image copy came back from the guest"
fi
done_testing
