# In the guest: dupopt reads the ISO on the emulated ATAPI drive (/dev/sr0,
# libcdio) and writes it through libburn stdio: to a virtio disk and to an
# image file; the rules, the bad inputs and the held-off signals.
# Disks: vda 16M blank (target), vdb 1M (too small), vdc 16M (mounted: in
# use); sr0 the ISO, sr1 an empty drive. $OUT goes back to the host.
. "$PAYLOAD/guest-tap.sh"
export SOURCE_DATE_EPOCH=1700000000
unset DUPOPT_TEST_FAULTS
i=0; while [ ! -b /dev/sr0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
t "the ATAPI drive is /dev/sr0" test -b /dev/sr0
sectors=$(cat "$PAYLOAD/sectors")

# sr0 -> a blank virtio disk (libburn stdio: on a block device), verified
out=$(dupopt --verify --json --new-volume-id DISK_COPY /dev/sr0 /dev/vda 2>"$OUT/vda.err"); st=$?
is "$st" 0 "sr0 -> vda (blank disk): exit 0"
[ "$st" = 0 ] || sed 's/^/# /' "$OUT/vda.err"
printf '%s\n' "$out" >"$OUT/vda.json"
like "$out" '"from_medium":"(CD|DVD)-ROM","from_class":"ROM"' "sr0: the medium is pressed media (ROM) from its MMC profile"
like "$out" '"to_medium":"stdio file","to_profile":"0xffff","to_class":"ERASE"' "vda: libburn's stdio file, overwritable: ERASE"
like "$out" "\"sectors\":$sectors," "sr0: the size from the TOC is the volume's"
like "$out" '"verified":true' "sr0 -> vda: verified"

# sr0 -> an image file, verified
out=$(dupopt --verify --new-volume-id VM_COPY /dev/sr0 "$OUT/copy.iso" 2>&1); st=$?
is "$st" 0 "sr0 -> image file: exit 0"
like "$out" "^'/dev/sr0' -> '$OUT/copy.iso': $sectors sectors .* volume 'VM_COPY', created 2023-11-14 22:13:20 UTC, verified$" \
	"sr0 -> image file: summary"
is "$(ls -a "$OUT" | grep -c dupopt-)" 0 "no temporary file left"
list=$(altkit isoread "$OUT/copy.iso" list 2>&1)
like "$list" "/docs/A long name with spaces.txt" "the copy lists through libiso9660"
bad=0
while read -r sum path; do
	got=$(altkit isoread "$OUT/copy.iso" cat "$path" | sha256sum | cut -d' ' -f1)
	[ "$got" = "$sum" ] || { bad=1; echo "# $path: $got"; }
done <"$PAYLOAD/sums"
ok "$bad" "every file of the copy matches its checksum"

# the rules on real devices: nothing is written when refused
out=$(dupopt /dev/sr0 /dev/vda 2>&1); st=$?
is "$st" 1 "vda holds data now, no --clear: exit 1"
like "$out" "^dupopt: '/dev/sr0' \((CD|DVD)-ROM, ROM\) to '/dev/vda' \(stdio file, overwritable: ERASE\): the target holds data: --clear erases it \(all its data is lost\)$" \
	"vda holds data: the rule, both sides named"
out=$(dupopt --clear /dev/sr0 /dev/vda 2>&1); st=$?
is "$st" 0 "vda with --clear: exit 0"
out=$(dupopt /dev/sr0 /dev/sr0 2>&1); st=$?
is "$st" 1 "sr0 to itself: exit 1"
like "$out" "^dupopt: '/dev/sr0' \((CD|DVD)-ROM, ROM\) to '/dev/sr0' .*: source and target must not be the same device$" \
	"sr0 to itself: same device"
out=$(dupopt "$OUT/copy.iso" /dev/sr0 2>&1); st=$?
is "$st" 1 "an image to the DVD-ROM in sr0: exit 1"
like "$out" "to '/dev/sr0' \((CD|DVD)-ROM, ROM\): the target is read-only media$" "a pressed disc is not a target"
out=$(dupopt /dev/sr1 /dev/vda 2>&1); st=$?
is "$st" 1 "the empty drive sr1 as source: exit 1"
is "$out" "dupopt: '/dev/sr1': no medium in the drive" "the empty drive as source: message"
out=$(dupopt "$OUT/copy.iso" /dev/sr1 2>&1); st=$?
is "$st" 1 "the empty drive sr1 as target: exit 1"
like "$out" "to '/dev/sr1' \(no medium\): there is no medium to write to$" "the empty drive as target: message"
out=$(dupopt /dev/sr9 /dev/vda 2>&1); st=$?
is "$out" "dupopt: '/dev/sr9': No such file or directory" "a missing drive: message"
out=$(dupopt /dev/sr0 /dev/vdb 2>&1); st=$?
is "$st" 1 "a 1 MiB disk: exit 1"
like "$out" "to '/dev/vdb' \(stdio file, overwritable: ERASE\): the target must have room for the whole volume \($sectors sectors needed, 512 available\)$" \
	"a disk too small: message"
is "$(head -c 1048576 /dev/vdb | tr -d '\0' | wc -c)" 0 "a disk too small: nothing written"
mke2fs -q -F /dev/vdc >/dev/null 2>&1 && mkdir -p /mnt/c && mount /dev/vdc /mnt/c
out=$(dupopt --clear /dev/sr0 /dev/vdc 2>&1); st=$?
is "$st" 1 "a mounted disk: exit 1"
is "$out" "dupopt: '/dev/vdc' is in use (mounted, held by another device, or grabbed by another program)" \
	"a mounted disk: message"
umount /mnt/c

# read errors on the drive (fault injection), retried, then written as zeros
out=$(DUPOPT_TEST_FAULTS=40:2,50 dupopt --allow-media-errors /dev/sr0 "$OUT/errors.iso" 2>&1); st=$?
is "$st" 3 "an unreadable sector of sr0, --allow-media-errors: exit 3"
like "$out" "dupopt: '/dev/sr0': sector 50 unreadable: written as zeros" "the bad sector is listed (40 read on a retry)"
out=$(DUPOPT_TEST_FAULTS=50 dupopt /dev/sr0 "$OUT/errors2.iso" 2>&1); st=$?
is "$st" 1 "an unreadable sector of sr0: exit 1"
like "$out" "sector 50 cannot be read" "an unreadable sector of sr0: named"
test ! -e "$OUT/errors2.iso"; ok $? "an unreadable sector of sr0: nothing written"

# a signal during the write does not stop it (slow=: each 64 KiB read waits)
rm -f "$OUT/sig.iso"
DUPOPT_TEST_FAULTS=slow=50 dupopt /dev/sr0 "$OUT/sig.iso" >/dev/null 2>"$OUT/sig.err" &
pid=$!
i=0; while [ -z "$(ls -a "$OUT" | grep '^\.sig\.iso\.dupopt-')" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.3
kill -TERM "$pid"
wait "$pid"; st=$?
is "$st" 143 "SIGTERM during the write: takes effect after it"
like "$(cat "$OUT/sig.err")" "SIGTERM received: held off until the write ends" "SIGTERM: the terminal is told"
out=$(dupopt /dev/sr0 "$OUT/same.iso" 2>&1)
cmp "$OUT/same.iso" "$OUT/sig.iso"; ok $? "SIGTERM during the write: the copy is complete"
rm -f "$OUT/same.iso" "$OUT/errors.iso"
done_testing
