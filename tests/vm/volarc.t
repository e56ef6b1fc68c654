#!/bin/bash
# volarc in the recovery image: volume 1 of a 3-volume set on the emulated
# CD drive, volumes 2 and 3 as files on the payload drive. The guest lists
# the whole set from the CD, copies a file that needs only the CD, is told
# which volume a split file misses, links the set to the other volumes,
# copies and catalogues through the link, and mounts the CD (the kernel's
# ISO 9660 / Rock Ridge reader).
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/vm.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; vm_cleanup' EXIT
export SOURCE_DATE_EPOCH=1700000000
t=$tmp/cd
mkdir -p "$t"
echo first >"$t/a first.txt"
head -c 2621440 /dev/urandom >"$t/big.bin"
printf '#!/bin/sh\necho hi\n' >"$t/a-run.sh"
chmod 750 "$t/a-run.sh"
run "$ALTKIT" volarc create "$tmp/set" "$t" --max-size 1 --multivolume --serial VM_SET
is "$rc:$(ls "$tmp/set" | tr '\n' ' ')" "0:001 002 003 " "host: a set of three 1 MB volumes"
"$ALTKIT" volarc list "$tmp/set" >"$tmp/list"
mkdir "$tmp/rest"
cp "$tmp/set/002" "$tmp/set/003" "$tmp/rest/"
(cd "$t" && sha256sum "a first.txt" big.bin a-run.sh) >"$tmp/sums"
vm_payload volarc "$TOP/tests/vm/payloads/volarc.sh" --payload-file "$tmp/list" --payload-file "$tmp/sums" \
	--payload-file "$tmp/rest" --cdrom "$tmp/set/001"
done_testing
