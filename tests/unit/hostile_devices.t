#!/bin/bash
# Damaged and hostile inputs (issue #15): a damaged ext2 source, a target that
# is the source under another name (a loop device on it, a partition of the
# loop), out-of-range times and block sizes, procfs files, a full disk, a
# read-only catalog. Each row: the exit status, the whole of stderr, and
# nothing written (every file named is checksummed before and after).
. "$(dirname "$0")/../lib/tap.sh"
for t in mke2fs debugfs losetup python3 xorriso sha256sum timeout; do
	command -v "$t" >/dev/null || fail_all "$t is installed (scripts/install-deps)"
done
[ "$(id -u)" = 0 ] || skip_all "loop devices need root"
[ -x "$ALTKIT" ] || fail_all "$ALTKIT is built (make altkit)"

. "$TOP/tests/lib/loops.sh"
loops_cleanup_extra() { chattr -i "$W/ro.db" 2>/dev/null; }
sums() { local f; for f in "$@"; do if [ -e "$f" ]; then sha256sum <"$f"; else echo "absent $f"; fi; done; }

# case_ NAME RC STDERR "FILES..." -- COMMAND...: exit status, the whole of
# stderr, and FILES (sources and targets) unchanged, absent ones still absent.
case_() {
	local name=$1 want_rc=$2 want_err=$3 files=$4 before after
	shift 5
	# shellcheck disable=SC2086
	before=$(sums $files)
	run timeout 30 "$@"
	# shellcheck disable=SC2086
	after=$(sums $files)
	is "$rc" "$want_rc" "$name: exit $want_rc"
	is "$err" "$want_err" "$name: message"
	is "$after" "$before" "$name: nothing written ($files)"
}

# ---- ext2 sources and targets ----------------------------------------------
mkdir tree
head -c 300000 /dev/urandom >tree/a
head -c 200000 /dev/urandom >tree/b
truncate -s 8M ok.img && mke2fs -q -F -t ext2 -b 1024 -d tree ok.img
# the first group descriptor (block 2 with 1 KiB blocks) sends its block
# bitmap out of the filesystem
cp ok.img baddesc.img
printf '\xff\xff\xff\x00' | dd of=baddesc.img bs=1 seek=2048 conv=notrunc status=none
truncate -s 8M dst.img
case_ "a group descriptor out of range" 1 \
      "extfs: 'baddesc.img': its group descriptors do not check (EXT2_ET_GDESC_BAD_BLOCK_MAP): run e2fsck -fn on it; alt_disk_copy --copy-mode files copies it file by file" \
      "baddesc.img dst.img" -- "$ALTKIT" extfs copy-used baddesc.img dst.img
# a source cut short of its filesystem
head -c 4M ok.img >short.img
case_ "a source shorter than its filesystem" 1 \
      "extfs: 'short.img': it is truncated (the filesystem is bigger than the device or file) (EXT2_ET_SHORT_READ): run e2fsck -fn on it; alt_disk_copy --copy-mode files copies it file by file" \
      "short.img dst.img" -- "$ALTKIT" extfs copy-used short.img dst.img
# a target file that holds something and is smaller: refused, not grown
head -c 1M /dev/urandom >small.img
case_ "a smaller target file" 1 \
      "extfs: 'small.img' is a file of 1048576 bytes (1.0 MiB), smaller than 'ok.img' (8388608 bytes (8.0 MiB)): name an empty or new file (it is grown), or one at least that big" \
      "ok.img small.img" -- "$ALTKIT" extfs copy-used ok.img small.img
: >empty.img
run timeout 30 "$ALTKIT" extfs copy-used ok.img empty.img
is "$rc:$err:$(stat -c %s empty.img)" "0::8388608" "an empty target file is grown"

loop okloop "$W/ok.img"
case_ "copy-used onto a loop device of the source (--new-uuid)" 1 \
      "extfs: 'ok.img' and '$okloop' are the same ('$okloop' is backed by '$W/ok.img')" \
      "ok.img $okloop" -- "$ALTKIT" extfs copy-used --new-uuid ok.img "$okloop"
case_ "copy-used from a loop device onto its backing file" 1 \
      "extfs: '$okloop' and 'ok.img' are the same ('$okloop' is backed by '$W/ok.img')" \
      "ok.img" -- "$ALTKIT" extfs copy-used "$okloop" ok.img

# A disk image with an MBR partition at 1 MiB holding ext2: the partition of
# its loop device and the image file are one storage.
truncate -s 12M disk.img
python3 - disk.img <<'EOF'
import struct, sys
mbr = bytearray(512)
mbr[446:462] = struct.pack('<B3sB3sII', 0, b'\0\0\0', 0x83, b'\0\0\0', 2048, 16384)
mbr[510:512] = b'\x55\xaa'
with open(sys.argv[1], 'r+b') as f:
    f.write(mbr)
EOF
loop disk -P "$W/disk.img"
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -b "${disk}p1" ] && break; sleep 0.2; done
if [ -b "${disk}p1" ] && mke2fs -q -F -t ext2 -d tree "${disk}p1"; then
	case_ "copy-used from a partition of a loop onto the disk image" 1 \
	      "extfs: '${disk}p1' and 'disk.img' are the same ('${disk}p1' is backed by '$W/disk.img')" \
	      "disk.img" -- "$ALTKIT" extfs copy-used "${disk}p1" disk.img
	case_ "copy-used from a partition onto its whole disk" 1 \
	      "extfs: '${disk}p1' and '$disk' are the same" \
	      "disk.img" -- "$ALTKIT" extfs copy-used "${disk}p1" "$disk"
else
	# a host kernel without MBR partition support: not the project's to fix
	skip "the kernel shows no partition of a loop device (${disk}p1)"
fi

# ---- dupopt ----------------------------------------------------------------
export SOURCE_DATE_EPOCH=1700000000
mkdir iso.tree && echo data >iso.tree/file
xorriso -as mkisofs -quiet -o src.iso -V SRC_VOL iso.tree 2>/dev/null
ok $? "xorriso makes the source volume"
truncate -s 4M isoloop.img
loop isoloop "$W/src.iso"
case_ "dupopt onto a loop device of the source" 1 \
      "dupopt: 'src.iso' (volume image) to '$isoloop' (stdio file, overwritable: ERASE): source and target must not be the same device ('$isoloop' is backed by '$W/src.iso')" \
      "src.iso" -- "$ALTKIT" dupopt src.iso "$isoloop" --clear --new-volume-id X
case_ "dupopt from a loop device onto its backing file" 1 \
      "dupopt: '$isoloop' (volume image) to 'src.iso' (stdio file, overwritable: ERASE): source and target must not be the same device ('$isoloop' is backed by '$W/src.iso')" \
      "src.iso" -- "$ALTKIT" dupopt "$isoloop" src.iso --clear

for bs in 0 512 4096; do
	cp src.iso "bs$bs.iso"
	python3 -c 'import struct,sys; f=open(sys.argv[1],"r+b"); f.seek(16*2048+128); f.write(struct.pack("<H",int(sys.argv[2]))+struct.pack(">H",int(sys.argv[2])))' "bs$bs.iso" "$bs"
	case_ "a PVD logical block size of $bs" 1 \
	      "dupopt: 'bs$bs.iso': the ISO 9660 primary volume descriptor gives a logical block size of $bs bytes: only 2048 is duplicated (the volume's size is counted in those blocks)" \
	      "bs$bs.iso bs$bs.copy" -- "$ALTKIT" dupopt "bs$bs.iso" "bs$bs.copy"
done

for v in 253402300800 99999999999999999999 -1 12x 1.5; do
	if [ "$v" = 253402300800 ]; then
		msg="dupopt: SOURCE_DATE_EPOCH '$v': after 9999-12-31 23:59:59 UTC (253402300799): dates are written with 4-digit years"
	else
		msg="dupopt: SOURCE_DATE_EPOCH '$v': not a number of seconds since 1970 (as 'date +%s' prints)"
	fi
	case_ "dupopt with SOURCE_DATE_EPOCH=$v" 1 "$msg" "src.iso sde.copy" -- \
	      env SOURCE_DATE_EPOCH="$v" "$ALTKIT" dupopt src.iso sde.copy
done
case_ "dupopt with SOURCE_DATE_EPOCH at the last second of 9999" 0 "" "src.iso" -- \
      env SOURCE_DATE_EPOCH=253402300799 "$ALTKIT" dupopt --json src.iso last.copy
like "$out" '"creation_time":"9999-12-31T23:59:59Z"' "--json prints year 9999, not garbage"

# A full disk: libburn's words and the system's reason. The tmpfs has room
# for the copy when dupopt looks; it is filled once the temporary file is
# there (reads slowed by the test hook so that the write is still going).
mkdir full && mount -t tmpfs -o size=1088k tmpfs full && mounts+=("$W/full")
head -c 600k /dev/urandom >iso.tree/big
xorriso -as mkisofs -quiet -o big.iso -V BIG iso.tree 2>/dev/null
(for _ in $(seq 400); do compgen -G "full/.copy.iso.dupopt-*" >/dev/null && break; sleep 0.05; done
 head -c 2M /dev/zero >full/filler 2>/dev/null) &
run timeout 30 env DUPOPT_TEST_FAULTS=slow=100 "$ALTKIT" dupopt big.iso full/copy.iso
wait
is "$rc" 1 "a full disk: exit 1"
is "$err" "dupopt: 'full/copy.iso': writing failed: Cannot write desired amount of 32768 bytes. write(2) returned -1: No space left on device
dupopt: 'full/copy.iso' was not written: nothing is left of the unfinished copy" "a full disk: the system's reason is said"
rm -f full/filler
is "$(ls -A full)" "" "a full disk: nothing is left of the unfinished copy"

# ---- volarc ----------------------------------------------------------------
case_ "volarc create with SOURCE_DATE_EPOCH past 9999" 1 \
      "volarc: SOURCE_DATE_EPOCH '253402300800': after 9999-12-31 23:59:59 UTC (253402300799): dates are written with 4-digit years" \
      "vol.iso" -- env SOURCE_DATE_EPOCH=253402300800 "$ALTKIT" volarc create vol.iso tree
case_ "volarc create of a procfs file" 1 \
      "volarc: '/proc/self/status' is a file of procfs, sysfs or the like: its size does not say what it holds (it is made when read): copy it to a regular file first" \
      "proc.iso" -- "$ALTKIT" volarc create proc.iso /proc/self/status
case_ "volarc create of a sysfs directory" 1 \
      "volarc: '/sys/kernel/mm' is a file of procfs, sysfs or the like: its size does not say what it holds (it is made when read): copy it to a regular file first" \
      "sys.iso" -- "$ALTKIT" volarc create sys.iso /sys/kernel/mm

# A file in the way of a directory: said once, not for each file below it.
mkdir -p vt/d && echo 1 >vt/d/a && echo 2 >vt/d/b
run timeout 30 "$ALTKIT" volarc create vt.iso vt/d --serial S1
mkdir out && echo keep >out/d
case_ "volarc copy with a file in the way of a directory" 1 \
      "volarc: 'd': something that is not a directory is in the way" \
      "out/d" -- "$ALTKIT" volarc copy vt.iso d --to out

# A catalog the system will not let volarc write: refused, and no -wal/-shm
# left beside it.
run timeout 30 env VOLARC_CATALOG="$W/ro.db" "$ALTKIT" volarc catalog vt.iso --serial S1
is "$rc" 0 "a catalog is made"
# A time past year 9999 in a catalog (written before times were bounded):
# where --json says so instead of printing a garbage year.
cp ro.db big.db
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE refs SET created=9223372036854775000"); c.commit()' big.db
run timeout 30 env VOLARC_CATALOG="$W/big.db" "$ALTKIT" volarc where --json d/a
is "$rc:$err" "0:" "where --json with a time past 9999 in the catalog: exit 0"
like "$out" '"created":"out of range"' "where --json with a time past 9999: said, not a garbage year"
rm -f ro.db-wal ro.db-shm
if chattr +i ro.db 2>/dev/null; then
	case_ "volarc where with a read-only catalog" 1 \
	      "volarc: catalog '$W/ro.db': read-only (volarc writes its catalog's log even to read it): nothing done" \
	      "ro.db ro.db-wal ro.db-shm" -- env VOLARC_CATALOG="$W/ro.db" "$ALTKIT" volarc where d/a
	chattr -i ro.db
else
	skip "the file system of $W has no immutable flag (root writes any file)"
fi

done_testing
