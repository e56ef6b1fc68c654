#!/bin/bash
# dupopt on the host, image to image: ISO 9660 / Joliet / UDF descriptor
# patching on ISOs made by xorriso and genisoimage, the copy still reads, and
# every bad input refused with one clear message and nothing written.
. "$(dirname "$0")/../lib/tap.sh"
command -v xorriso >/dev/null || fail_all "xorriso is installed (scripts/install-deps)"
command -v python3 >/dev/null || fail_all "python3 is installed (scripts/install-deps)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# A fixed creation time: 2023-11-14 22:13:20 UTC
export SOURCE_DATE_EPOCH=1700000000
unset DUPOPT_TEST_FAULTS

check=$TOP/tests/unit/dupopt-check.py

# file checksums of a tree: "sha256 /path"
sums() { (cd "$1" && find . -type f | sort | while read -r f; do
	printf '%s %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "${f#.}"; done); }

# ---- the volumes: one directory per case ----
mk_tree() {
	local t=$1
	mkdir -p "$t/docs" "$t/deep/a/b/c/d/e/f/g/h"
	echo "hello from the volume" >"$t/docs/A long name with spaces.txt"
	printf '#!/bin/sh\necho hi\n' >"$t/docs/exec.sh"; chmod 750 "$t/docs/exec.sh"
	head -c 300000 /dev/urandom >"$t/deep/a/b/c/d/e/f/g/h/leaf.bin"
	head -c 1500000 /dev/urandom >"$t/big.bin"
}
for c in plain joliet eltorito udf; do mk_tree "$tmp/$c.tree"; done
xorriso -as mkisofs -quiet --norock -o "$tmp/plain.iso" -V PLAIN_VOL "$tmp/plain.tree" 2>/dev/null
ok $? "xorriso makes a plain ISO 9660 volume"
xorriso -as mkisofs -quiet -o "$tmp/joliet.iso" -V JOLIET_RR -J -joliet-long -R "$tmp/joliet.tree" 2>/dev/null
ok $? "xorriso makes a Joliet + Rock Ridge volume"
mkdir -p "$tmp/eltorito.tree/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$tmp/eltorito.tree/isolinux/" 2>/dev/null
xorriso -as mkisofs -quiet -o "$tmp/eltorito.iso" -V BOOTABLE -J -R -b isolinux/isolinux.bin \
	-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$tmp/eltorito.tree" 2>/dev/null
ok $? "xorriso makes an El Torito bootable volume"
# a multi-extent file (ECMA-119 9.1.6 bit 7): two directory records of one
# name; libisofs makes them only for files over 4 GiB, so the records of two
# adjacent files are joined here
mkdir -p "$tmp/multi.tree"
head -c 4096 /dev/urandom >"$tmp/multi.tree/MULTA"
head -c 3000 /dev/urandom >"$tmp/multi.tree/MULTB"
echo small >"$tmp/multi.tree/ZSMALL"
xorriso -as mkisofs -quiet -iso-level 3 --norock -o "$tmp/multi0.iso" -V MULTI_EXTENT "$tmp/multi.tree" 2>/dev/null &&
python3 - "$tmp/multi0.iso" "$tmp/multi.iso" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
root = int.from_bytes(d[16 * 2048 + 158:16 * 2048 + 162], 'little') * 2048
off, done = root, 0
while d[off]:
    l, nl = d[off], d[off + 32]
    name = bytes(d[off + 33:off + 33 + nl])
    if name in (b'MULTA.;1', b'MULTB.;1'):
        if name == b'MULTA.;1': d[off + 25] |= 0x80
        d[off + 33:off + 33 + nl] = b'MULTI.;1'; done += 1
    off += l
open(sys.argv[2], 'wb').write(d)
sys.exit(0 if done == 2 else 1)
PY
ok $? "a volume with a multi-extent file"
if command -v genisoimage >/dev/null; then
	genisoimage -quiet -udf -J -R -V UDF_BRIDGE -o "$tmp/udf.iso" "$tmp/udf.tree" 2>/dev/null
	ok $? "genisoimage -udf makes a UDF bridge volume"
else
	ok 1 "genisoimage is installed (scripts/install-deps): a UDF bridge volume"
fi

# ---- each case: keep the id, then a new id; the copy must still read ----
# case  expected descriptors (keeping the id)  with a new id
cases="plain:pvd:pvd
joliet:pvd joliet:pvd joliet
eltorito:pvd joliet:pvd joliet
multi:pvd:pvd
udf:pvd joliet udf-pvd udf-pvd udf-fsd:pvd joliet udf-pvd udf-iuvd udf-lvd udf-pvd udf-iuvd udf-lvd udf-fsd"
while IFS=: read -r c keep_found new_found; do
	iso=$tmp/$c.iso
	[ -f "$iso" ] || continue
	run "$ALTKIT" dupopt "$iso" "$tmp/$c.same.iso"
	is "$rc" 0 "$c: dupopt keeping the volume id exits 0"
	run python3 "$check" "$iso" "$tmp/$c.same.iso" - "$SOURCE_DATE_EPOCH"
	is "$rc" 0 "$c: only the creation times differ, id kept" || diag "$out"
	is "$(printf '%s\n' "$out" | grep '^found:')" "found: $keep_found" "$c: the descriptors patched: $keep_found"

	run "$ALTKIT" dupopt --verify --new-volume-id "NEW_${c^^}_ID" "$iso" "$tmp/$c.new.iso"
	is "$rc" 0 "$c: dupopt --verify --new-volume-id exits 0"
	like "$out" "^'.*$c.iso' -> '.*$c.new.iso': [0-9]+ sectors .*volume 'NEW_${c^^}_ID', created 2023-11-14 22:13:20 UTC, verified$" \
		"$c: the summary names the copy, its id, its time, verified"
	run python3 "$check" "$iso" "$tmp/$c.new.iso" "NEW_${c^^}_ID" "$SOURCE_DATE_EPOCH"
	is "$rc" 0 "$c: cmp differs only inside id, time and UDF tag fields" || diag "$out"
	is "$(printf '%s\n' "$out" | grep '^found:')" "found: $new_found" "$c: the descriptors patched: $new_found"
	like "$(isoinfo -d -i "$tmp/$c.new.iso" 2>/dev/null)" "Volume id: NEW_${c^^}_ID" "$c: isoinfo reads the new id"
	# libiso9660 lists every file of the source in the copy, and reads them
	is "$("$ALTKIT" isoread "$tmp/$c.new.iso" list | awk '{print $1, $2, $3, $6}')" \
		"$("$ALTKIT" isoread "$iso" list | awk '{print $1, $2, $3, $6}')" "$c: libiso9660 lists the same files"
	# every file listed reads through libiso9660 as from the source
	bad=0 n=0
	while read -r path; do
		n=$((n + 1))
		[ "$("$ALTKIT" isoread "$tmp/$c.new.iso" cat "$path" | sha256sum)" = \
			"$("$ALTKIT" isoread "$iso" cat "$path" | sha256sum)" ] || { bad=1; diag "$c: $path differs"; }
	done < <("$ALTKIT" isoread "$tmp/$c.new.iso" list | awk '$1 == "-" {print substr($0, index($0, $6))}')
	ok "$bad" "$c: all $n files read through libiso9660 match the source's"
	# and, with Joliet or Rock Ridge names, the checksums of the files put in
	if [ "$c" != plain ] && [ "$c" != multi ]; then
		bad=0 n=0
		while read -r sum path; do
			n=$((n + 1))
			got=$("$ALTKIT" isoread "$tmp/$c.new.iso" cat "$path" | sha256sum | cut -d' ' -f1)
			[ "$got" = "$sum" ] || { bad=1; diag "$c: $path: $got"; }
		done < <(sums "$tmp/$c.tree" | grep -v ' /isolinux/isolinux.bin$')  # patched by -boot-info-table
		ok "$bad" "$c: all $n files match the checksums of the files put in"
	fi
done <<<"$cases"

# the multi-extent file reads whole (isoinfo and xorriso know multi-extent)
if [ -f "$tmp/multi.new.iso" ]; then
	is "$(isoinfo -i "$tmp/multi.new.iso" -x '/MULTI.;1' | sha256sum | cut -d' ' -f1)" \
		"$(cat "$tmp/multi.tree/MULTA" "$tmp/multi.tree/MULTB" | sha256sum | cut -d' ' -f1)" \
		"multi: the multi-extent file reads whole from the copy"
fi
# El Torito: the boot record and the catalog are untouched
if [ -f "$tmp/eltorito.new.iso" ]; then
	like "$(xorriso -indev "$tmp/eltorito.new.iso" -report_el_torito plain 2>&1)" "El Torito boot img :.*BIOS" \
		"eltorito: the copy is still El Torito bootable"
fi
# UDF readers take the new identifiers
if [ -f "$tmp/udf.new.iso" ]; then
	like "$(blkid -p -o udev "$tmp/udf.new.iso")" "ID_FS_LABEL=NEW_UDF_ID" "udf: blkid reads the new UDF label"
	if command -v udfinfo >/dev/null; then
		run udfinfo "$tmp/udf.new.iso"
		like "$out" "^vid=NEW_UDF_ID$" "udf: udfinfo reads the new volume id"
		like "$out" "^lvid=NEW_UDF_ID$" "udf: udfinfo reads the new logical volume id"
	fi
fi

# a pure UDF volume (no ISO 9660): the UDF descriptors alone
if command -v mkudffs >/dev/null; then
	truncate -s 4M "$tmp/pure.udf"
	mkudffs -b 2048 --media-type=hd --label=PURE_UDF "$tmp/pure.udf" >/dev/null 2>&1
	run "$ALTKIT" dupopt --new-volume-id PURE_COPY "$tmp/pure.udf" "$tmp/pure.copy"
	is "$rc" 0 "pure UDF: dupopt exits 0"
	run python3 "$check" "$tmp/pure.udf" "$tmp/pure.copy" PURE_COPY "$SOURCE_DATE_EPOCH"
	is "$rc" 0 "pure UDF: only the UDF id, time and tag fields differ" || diag "$out"
	is "$(printf '%s\n' "$out" | grep '^found:')" "found: udf-pvd udf-lvd udf-iuvd udf-pvd udf-lvd udf-iuvd udf-fsd" \
		"pure UDF: primary, logical volume, implementation use (main and reserve) and file set descriptors"
	like "$(udfinfo "$tmp/pure.copy" 2>&1)" "lvid=PURE_COPY" "pure UDF: udfinfo reads the new id"
fi

# ---- JSON ----
run "$ALTKIT" dupopt --json --new-volume-id JSON_ID "$tmp/joliet.iso" "$tmp/json.iso"
is "$rc" 0 "--json: exit 0"
run python3 -c '
import json, sys
j = json.loads(sys.argv[1])
assert j["volume_id"] == "JSON_ID" and j["source_volume_id"] == "JOLIET_RR", j
assert j["creation_time"] == "2023-11-14T22:13:20Z" and j["joliet"] and not j["udf"]
assert j["to_medium"] == "stdio file" and j["to_class"] == "ERASE" and j["to_profile"] == "0xffff"
assert j["from_medium"] == "volume image" and j["exit"] == 0 and j["unreadable_sectors"] == []
assert [p["sector"] for p in j["patched"]] == [16, 17]
print("ok")' "$out"
is "$out" ok "--json: ids, time, media classes (stdio target: 0xffff, ERASE) and patched sectors"

# ---- bad inputs: one message, exit 1 (2 for usage), nothing written ----
iso=$tmp/joliet.iso
nothing_written() { [ ! -e "$1" ] && [ -z "$(find "$(dirname "$1")" -maxdepth 1 -name ".$(basename "$1").dupopt-*")" ]; }
bad() { # bad DESC EXIT MESSAGE-REGEX TARGET ARGS...
	local desc=$1 want_rc=$2 re=$3 target=$4; shift 4
	run "$ALTKIT" dupopt "$@"
	is "$rc" "$want_rc" "$desc: exit $want_rc"
	like "$err" "$re" "$desc: message"
	is "$(printf '%s\n' "$err" | grep -c .)" 1 "$desc: one message"
	[ -n "$target" ] && { nothing_written "$target"; ok $? "$desc: nothing written"; }
}
bad "missing source" 1 "^dupopt: '$tmp/none.iso': No such file or directory$" "$tmp/o1.iso" "$tmp/none.iso" "$tmp/o1.iso"
bad "missing target directory" 1 "^dupopt: '$tmp/no/dir/o.iso': no such drive, or its directory does not exist$" "" \
	"$iso" "$tmp/no/dir/o.iso"
bad "a directory as target" 1 "is a directory: name the image file to write" "" "$iso" "$tmp"
bad "a directory as source" 1 "^dupopt: '$tmp': Is a directory$" "$tmp/o2.iso" "$tmp" "$tmp/o2.iso"
mkfifo "$tmp/fifo"
bad "a fifo as source" 1 "is not an optical drive, a block device or a volume image file" "$tmp/o3.iso" "$tmp/fifo" "$tmp/o3.iso"
cp "$iso" "$tmp/same.iso"
bad "the same file as source and target" 1 \
	"^dupopt: '$tmp/same.iso' \(volume image\) to '$tmp/same.iso' \(stdio file, overwritable: ERASE\): source and target must not be the same device$" \
	"" --clear "$tmp/same.iso" "$tmp/same.iso"
ln -s same.iso "$tmp/link.iso"
bad "the same file through a symlink" 1 "source and target must not be the same device" "" --clear "$tmp/same.iso" "$tmp/link.iso"
cmp -s "$iso" "$tmp/same.iso"; ok $? "the same file: untouched"
bad "bad volume id: lower case" 2 "^dupopt: --new-volume-id 'abc': 'a' is not allowed: ISO 9660 volume identifiers use A-Z, 0-9 and _$" \
	"$tmp/o4.iso" --new-volume-id abc "$iso" "$tmp/o4.iso"
bad "bad volume id: a space" 2 "'A B': ' ' is not allowed" "$tmp/o4.iso" --new-volume-id "A B" "$iso" "$tmp/o4.iso"
bad "bad volume id: 33 characters" 2 "^dupopt: --new-volume-id 'ABCDEFGHIJABCDEFGHIJABCDEFGHIJABC': longer than 32 characters$" \
	"$tmp/o4.iso" --new-volume-id ABCDEFGHIJABCDEFGHIJABCDEFGHIJABC "$iso" "$tmp/o4.iso"
bad "bad volume id: empty" 2 "^dupopt: --new-volume-id: the identifier is empty$" "$tmp/o4.iso" --new-volume-id "" "$iso" "$tmp/o4.iso"
run "$ALTKIT" dupopt --new-volume-id ABCDEFGHIJABCDEFGHIJABCDEFGHIJAB "$iso" "$tmp/id32.iso"
is "$rc" 0 "a volume id of 32 characters is taken"
like "$(isoinfo -d -i "$tmp/id32.iso")" "Volume id: ABCDEFGHIJABCDEFGHIJABCDEFGHIJAB" "32 characters in the primary descriptor"
head -c 1048576 /dev/urandom >"$tmp/noise.img"
bad "a new id for a volume without descriptors" 1 "has no ISO 9660 or UDF volume descriptors: there is no volume identifier to change" \
	"$tmp/o5.iso" --new-volume-id X "$tmp/noise.img" "$tmp/o5.iso"
head -c 1000 /dev/urandom >"$tmp/odd.img"
bad "a source of 1000 bytes" 1 "is not a volume image: 1000 bytes is not a whole number of 2048-byte sectors" \
	"$tmp/o6.iso" "$tmp/odd.img" "$tmp/o6.iso"
: >"$tmp/empty.img"
bad "an empty source" 1 "is empty: no volume to copy" "$tmp/o7.iso" "$tmp/empty.img" "$tmp/o7.iso"
run "$ALTKIT" dupopt "$iso"
is "$rc" 2 "one argument: usage, exit 2"
run "$ALTKIT" dupopt --bogus "$iso" "$tmp/o8.iso"
is "$rc" 2 "an unknown option: usage, exit 2"

# a target with data: refused without --clear, replaced with it
echo "precious" >"$tmp/precious.iso"
bad "a target with data, no --clear" 1 \
	"to '$tmp/precious.iso' \(stdio file, overwritable: ERASE\): the target holds data: --clear erases it \(all its data is lost\)$" \
	"" "$iso" "$tmp/precious.iso"
is "$(cat "$tmp/precious.iso")" precious "a target with data, no --clear: untouched"
chmod 640 "$tmp/precious.iso"
run "$ALTKIT" dupopt --clear "$iso" "$tmp/precious.iso"
is "$rc" 0 "a target with data, --clear: exit 0"
is "$(stat -c %a "$tmp/precious.iso")" 640 "--clear: the replaced file keeps its mode"
nothing_written "$tmp/precious.iso.none"; ok $? "--clear: no temporary file left"
ln -s precious.iso "$tmp/precious-link.iso"
run "$ALTKIT" dupopt --clear --new-volume-id THROUGH_LINK "$iso" "$tmp/precious-link.iso"
is "$rc" 0 "a target that is a symlink: exit 0"
[ -L "$tmp/precious-link.iso" ]; ok $? "a target that is a symlink: the link stays"
like "$(isoinfo -d -i "$tmp/precious.iso")" "Volume id: THROUGH_LINK" "a target that is a symlink: the file it points to is written"
: >"$tmp/emptytarget.iso"
run "$ALTKIT" dupopt "$iso" "$tmp/emptytarget.iso"
is "$rc" 0 "an empty existing file is a blank target"

# a target too small: a small filesystem (needs root for the mount)
if mkdir -p "$tmp/small" && mount -t tmpfs -o size=512k tmpfs "$tmp/small" 2>/dev/null; then
	bad "a target too small" 1 "the target must have room for the whole volume \([0-9]+ sectors needed, [0-9]+ available\)$" \
		"$tmp/small/o.iso" "$iso" "$tmp/small/o.iso"
	umount "$tmp/small"
else
	skip "cannot mount a small tmpfs: no target-too-small test"
fi

# ---- read errors ----
sectors=$(($(stat -c %s "$iso") / 2048))
# a truncated image: the primary descriptor says more sectors than there are
head -c $(((sectors - 40) * 2048)) "$iso" >"$tmp/trunc.iso"
bad "a truncated image" 1 \
	"^dupopt: '$tmp/trunc.iso' is truncated: the volume has $sectors sectors, only $((sectors - 40)) can be read \(sector $((sectors - 40)) is the first missing\)$" \
	"$tmp/t1.iso" "$tmp/trunc.iso" "$tmp/t1.iso"
run "$ALTKIT" dupopt --allow-media-errors --json "$tmp/trunc.iso" "$tmp/t2.iso"
is "$rc" 3 "a truncated image, --allow-media-errors: exit 3"
is "$err" "dupopt: '$tmp/trunc.iso': sectors $((sectors - 40))-$((sectors - 1)) unreadable: written as zeros" \
	"a truncated image, --allow-media-errors: the missing sectors listed"
is "$(stat -c %s "$tmp/t2.iso")" "$((sectors * 2048))" "a truncated image, --allow-media-errors: the copy has the volume's size"
is "$(tail -c $((40 * 2048)) "$tmp/t2.iso" | tr -d '\0' | wc -c)" 0 "the missing sectors are zeros"
like "$out" "\"unreadable_sectors\":\[$((sectors - 40)),$((sectors - 39))," "--json lists the unreadable sectors"

# injected read errors (DUPOPT_TEST_FAULTS): fatal without --allow-media-errors
DUPOPT_TEST_FAULTS=100 run "$ALTKIT" dupopt "$iso" "$tmp/f1.iso"
is "$rc" 1 "a read error: exit 1"
like "$(printf '%s\n' "$err" | sed -n 1p)" \
	"^dupopt: '$iso': sector 100 cannot be read \((Input/output|I/O) error\); --allow-media-errors writes such sectors as zeros$" \
	"a read error: the sector named"
is "$(printf '%s\n' "$err" | sed -n '2,$p')" "dupopt: '$tmp/f1.iso' was not written: nothing is left of the unfinished copy" \
	"a read error: the target unfinished"
nothing_written "$tmp/f1.iso"; ok $? "a read error: nothing written"
# retried: a sector that fails twice then reads is not lost
DUPOPT_TEST_FAULTS=100:2,101:3 run "$ALTKIT" dupopt --allow-media-errors "$iso" "$tmp/f2.iso"
is "$rc" 0 "sectors that read on a retry: exit 0"
is "$err" "" "sectors that read on a retry: nothing to report"
cmp -s "$tmp/joliet.same.iso" "$tmp/f2.iso"; ok $? "sectors that read on a retry: the copy is exact"
DUPOPT_TEST_FAULTS=100:9,150,151,200 run "$ALTKIT" dupopt --allow-media-errors --verify "$iso" "$tmp/f3.iso"
is "$rc" 3 "sectors that never read: exit 3"
is "$err" "dupopt: '$iso': sector 100 unreadable: written as zeros
dupopt: '$iso': sectors 150-151 unreadable: written as zeros
dupopt: '$iso': sector 200 unreadable: written as zeros" "sectors that never read: listed as ranges"
is "$(cmp -l "$tmp/joliet.same.iso" "$tmp/f3.iso" | awk '{print int(($1 - 1) / 2048)}' | sort -un | tr '\n' ' ')" \
	"100 150 151 200 " "sectors that never read: only they differ from an exact copy"
like "$out" ", verified$" "--verify accepts the zeros that were meant"

# --verify finds a sector of the copy that does not read back as written
DUPOPT_TEST_FAULTS=verify-flip=20,verify-flip=21,verify-flip=300 run "$ALTKIT" dupopt --verify "$iso" "$tmp/v1.iso"
is "$rc" 1 "--verify, a mismatch: exit 1"
is "$err" "dupopt: '$tmp/v1.iso': sectors 20-21 differ from what was written
dupopt: '$tmp/v1.iso': sector 300 differs from what was written" "--verify names the sectors that differ"

# ---- signals during the write are held off ----
# slow=: every 1 MiB read of the source waits 300 ms, so the write lasts ~6 s:
# long enough for started() to see it on a loaded machine (2 s was not)
head -c $((20 * 1048576)) /dev/urandom >"$tmp/slow.img"
# (a shell's background job ignores SIGINT: the wrapper lets it act again)
dfl() { exec python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' "$@"; }
# the write has started when the temporary file is there (signals are held
# off before it is made)
started() {
	for _ in $(seq 200); do
		[ -n "$(find "$tmp" -maxdepth 1 -name '.s.img.dupopt-*')" ] && { sleep 0.2; return 0; }
		sleep 0.05
	done
	return 1
}
for sig in TERM INT HUP; do
	rm -f "$tmp/s.img"
	DUPOPT_TEST_FAULTS=slow=300 dfl "$ALTKIT" dupopt "$tmp/slow.img" "$tmp/s.img" >"$tmp/s.out" 2>"$tmp/s.err" &
	pid=$!
	started
	kill -"$sig" "$pid"
	{ wait "$pid"; } 2>/dev/null
	st=$?
	cmp -s "$tmp/slow.img" "$tmp/s.img"; ok $? "SIG$sig during the write: the copy is complete and exact"
	is "$(cat "$tmp/s.err")" "dupopt: SIG$sig received: held off until the write ends
dupopt: '$tmp/s.img' is complete; the held-off SIG$sig takes effect now" "SIG$sig: the terminal is told"
	is "$st" "$((128 + $(kill -l "$sig")))" "SIG$sig: takes effect after the write"
done
# a SIGINT the job ignores (a shell's background job): not even a notice
rm -f "$tmp/s.img"
DUPOPT_TEST_FAULTS=slow=300 "$ALTKIT" dupopt "$tmp/slow.img" "$tmp/s.img" >"$tmp/s.out" 2>"$tmp/s.err" &
pid=$!
started
kill -INT "$pid"
wait "$pid"
is "$?" 0 "an ignored SIGINT: exit 0"
is "$(cat "$tmp/s.err")" "" "an ignored SIGINT: no notice"
# SIGTSTP: the job stops after the write and finishes when continued. The
# kernel discards SIGTSTP for a process group without a controlling parent
# (an orphaned one: how some CI runners start tests), so first see whether a
# plain job can be stopped here at all.
sleep 30 &
probe=$!
kill -TSTP "$probe"
sleep 0.5
probe_state=$(awk '{print $3}' "/proc/$probe/stat" 2>/dev/null)
kill -KILL "$probe" 2>/dev/null
wait "$probe" 2>/dev/null
if [ "$probe_state" != T ]; then
	for _ in 1 2 3 4; do skip "SIGTSTP cannot stop a job in this process group (orphaned)"; done
else
rm -f "$tmp/s.img"
DUPOPT_TEST_FAULTS=slow=300 "$ALTKIT" dupopt --verify "$tmp/slow.img" "$tmp/s.img" >"$tmp/s.out" 2>"$tmp/s.err" &
pid=$!
started
kill -TSTP "$pid"
stopped=1
for _ in $(seq 100); do
	[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = T ] && { stopped=0; break; }
	sleep 0.1
done
ok "$stopped" "SIGTSTP: the job stops once the write has ended"
cmp -s "$tmp/slow.img" "$tmp/s.img"; ok $? "SIGTSTP: the copy was complete when it stopped"
kill -CONT "$pid"
wait "$pid"
is "$?" 0 "SIGTSTP: continued, it verifies and exits 0"
like "$(cat "$tmp/s.out")" ", verified$" "SIGTSTP: the copy verified after SIGCONT"
fi

# ---- a block device target (a loop device) ----
if loop=$(losetup -f --show "$(truncate -s 8M "$tmp/loop.img" && echo "$tmp/loop.img")" 2>/dev/null); then
	dd if=/dev/urandom of="$loop" bs=64k count=4 seek=124 conv=notrunc status=none  # old data at the end
	sync
	bad "a block device with data, no --clear" 1 "to '$loop' \(stdio file, overwritable: ERASE\): the target holds data" "" \
		"$iso" "$loop"
	run "$ALTKIT" dupopt --clear --verify --new-volume-id ON_A_LOOP "$iso" "$loop"
	is "$rc" 0 "a block device, --clear --verify: exit 0"
	head -c "$((sectors * 2048))" "$loop" >"$tmp/loop.copy"
	run python3 "$check" "$iso" "$tmp/loop.copy" ON_A_LOOP "$SOURCE_DATE_EPOCH"
	is "$rc" 0 "a block device: the volume on it differs only in the patched fields" || diag "$out"
	is "$(tail -c 1048576 "$loop" | tr -d '\0' | wc -c)" 0 "a block device, --clear: its last MiB (old metadata) is zeroed"
	is "$("$ALTKIT" isoread "$loop" list | wc -l)" "$("$ALTKIT" isoread "$iso" list | wc -l)" "a block device: libiso9660 lists the files"
	# a read error writing to a block device: the unfinished copy is marked
	DUPOPT_TEST_FAULTS=200 run "$ALTKIT" dupopt --clear "$iso" "$loop"
	is "$rc" 1 "a block device, read error: exit 1"
	like "$err" "'$loop' is unfinished: its first 64 sectors were zeroed so that it is not taken for a volume" \
		"a block device, read error: the target is marked unfinished"
	is "$(head -c $((64 * 2048)) "$loop" | tr -d '\0' | wc -c)" 0 "a block device, read error: no volume descriptors left"
	losetup -d "$loop"
else
	skip "no loop device: no block device target test"
fi

done_testing
