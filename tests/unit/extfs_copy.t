#!/bin/bash
# altkit extfs copy-used: a populated filesystem (made by the host's mke2fs -d)
# copied block for block, used blocks only, to image files and loop devices;
# e2fsck -fn clean, the files the same (both mounted read-only: sha256 of every
# file and the independent checker of tests/lib/gentree.py), the source's sha256 unchanged.
. "$(dirname "$0")/../lib/tap.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (loop devices, mounts)"
for t in mke2fs e2fsck losetup mount python3 setfattr setfacl script sha256sum fsfreeze; do
	command -v $t >/dev/null || fail_all "$t is installed (the base system or scripts/install-deps)"
done
. "$TOP/tests/lib/gentree.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/extfs-copy.XXXXXX")
mnts=() loops=()
cleanup() {
	local i
	for ((i = ${#mnts[@]} - 1; i >= 0; i--)); do
		fsfreeze -u "${mnts[i]}" 2>/dev/null
		umount "${mnts[i]}" 2>/dev/null || umount -l "${mnts[i]}" 2>/dev/null
	done
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
mkdir a b
mnt() { mount "$@" && mnts+=("${!#}"); }
umnt() { umount "$1" && mnts=("${mnts[@]/$1/}"); }
# loop VAR ARGS...: attach a loop device, its name in VAR (and detached on exit)
loop() { local l; l=$(losetup -f --show "${@:2}") && loops+=("$l") && printf -v "$1" %s "$l"; }

# The tree: small and big files, holes, hard links, symlinks, a device, a
# FIFO, xattrs and an ACL, deep directories.
mkdir -p tree/etc tree/deep/a/b/c/d/e tree/var
for i in $(seq 1 300); do head -c $((i * 97)) /dev/urandom >tree/etc/f$i; done
head -c 5M /dev/urandom >tree/var/big
truncate -s 64M tree/var/sparse && echo middle | dd of=tree/var/sparse bs=1 seek=30000000 conv=notrunc status=none
ln tree/etc/f1 tree/var/hardlink
ln -s ../etc/f2 tree/var/symlink
mknod tree/var/null c 1 3
mkfifo tree/var/fifo
echo deep >tree/deep/a/b/c/d/e/file
setfattr -n user.note -v hello tree/etc/f3
setfacl -m u:1234:r tree/etc/f4
chown 1000:100 tree/etc/f5

same_files() {  # same_files A-DEV B-DEV 'what': both mounted read-only, compared
	local what=$3
	mnt -o ro,loop "$1" a && mnt -o ro,loop "$2" b || { ok 1 "$what: mounted"; return; }
	is "$(sums b)" "$(sums a)" "$what: every file's sha256 the same"
	run gen compare a b
	is "$rc" 0 "$what: the checker finds nothing"
	umnt b
	umnt a
}
sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
uuid() { "$ALTKIT" extfs info "$1" | sed -n 's/^uuid=//p'; }

# case_ 'what' 'host mke2fs options' SIZE TARGET-SIZE
case_() {
	local what=$1 opts=$2 size=$3 tsize=$4
	rm -f src.img dst.img
	truncate -s "$size" src.img
	# shellcheck disable=SC2086
	mke2fs -q -F $opts -d tree src.img >/dev/null 2>&1 || { ok 1 "$what: the host makes the source"; return; }
	local sum
	sum=$(sha256sum <src.img)
	truncate -s "$tsize" dst.img
	run "$ALTKIT" extfs copy-used -v src.img dst.img
	is "$rc" 0 "$what: copy-used exits 0"
	like "$err" "^extfs: copied .* of .* in [0-9]+ runs?$" "$what: -v says what was copied"
	run e2fsck -fn dst.img
	is "$rc" 0 "$what: e2fsck -fn clean"
	is "$(uuid dst.img)" "$(uuid src.img)" "$what: the same UUID"
	same_files src.img dst.img "$what"
	is "$(sha256sum <src.img)" "$sum" "$what: the source unchanged"
}

case_ "ext4" "-t ext4" 128M 128M
case_ "ext2, 1k blocks" "-t ext2 -b 1024" 128M 128M
case_ "ext3, to a bigger file" "-t ext3" 128M 160M
case_ "ext4 without flex_bg (metadata in every group)" "-t ext4 -O ^flex_bg -b 4096" 128M 128M
case_ "ext4 bigalloc" "-t ext4 -O bigalloc -C 16384" 128M 128M
case_ "ext4 to an empty file (grown)" "-t ext4" 96M 0

# Used blocks only: the copy of a sparse image file stays sparse.
rm -f dst.img && truncate -s 128M src.img && mke2fs -q -F -t ext4 -d tree src.img
sum=$(sha256sum <src.img)
used=$("$ALTKIT" extfs info src.img | sed -n 's/^used_bytes=//p')
truncate -s 128M dst.img
"$ALTKIT" extfs copy-used src.img dst.img
alloc=$(($(stat -c %b dst.img) * 512))
ok "$([ "$alloc" -le $((used + (2 << 20))) ]; echo $?)" \
   "only the used blocks are written ($alloc bytes for $used used)"

# To a loop device full of stale data, with O_DIRECT: what the free blocks
# held does not matter.
rm -f blk.img && head -c 160M /dev/zero | tr '\0' '\252' >blk.img
loop blk --direct-io=on blk.img
run "$ALTKIT" extfs copy-used --direct src.img "$blk"
is "$rc:$err" "0:" "--direct to a block device full of stale data"
run e2fsck -fn "$blk"
is "$rc" 0 "--direct to a block device: e2fsck -fn clean"
same_files src.img "$blk" "--direct to a block device"

# --new-uuid: e2fsck -f (metadata_csum needs it), tune2fs -U, resize2fs to the device.
run "$ALTKIT" extfs copy-used --new-uuid src.img "$blk"
is "$rc:$err" "0:" "--new-uuid: exit 0, quiet"
isnt_uuid=$([ "$(uuid "$blk")" != "$(uuid src.img)" ]; echo $?)
ok "$isnt_uuid" "--new-uuid: another UUID"
is "$("$ALTKIT" extfs info "$blk" | sed -n 's/^size_bytes=//p')" $((160 << 20)) \
   "--new-uuid: grown to the device's size"
run e2fsck -fn "$blk"
is "$rc" 0 "--new-uuid: e2fsck -fn clean"
same_files src.img "$blk" "--new-uuid"

# The target device is too small: refused, nothing written.
rm -f small.img && truncate -s 64M small.img
loop small small.img
run "$ALTKIT" extfs copy-used src.img "$small"
is "$rc:$err" "1:extfs: '$small' is too small: 'src.img' needs 134217728 bytes (128 MiB)" \
   "a smaller device is refused"
is "$(head -c 64M "$small" | tr -d '\0' | wc -c)" 0 "the smaller device was not written"

# A source mounted read-write is refused; read-only it is fine.
mnt -o loop src.img a
run "$ALTKIT" extfs copy-used src.img dst.img
is "$rc:$err" "1:extfs: 'src.img': mounted read-write (a block copy needs a snapshot or a read-only mount)" \
   "a source mounted read-write is refused"
run "$ALTKIT" extfs info src.img
like "$out" "mounted=rw" "info of a mounted source: mounted=rw"
umnt a
e2fsck -fy src.img >/dev/null 2>&1
sum=$(sha256sum <src.img)
mnt -o ro,loop src.img a
run "$ALTKIT" extfs copy-used src.img dst.img
is "$rc:$err" "0:" "a source mounted read-only is copied"
umnt a
is "$(sha256sum <src.img)" "$sum" "the read-only source unchanged"

# A target that is mounted is refused.
mnt -o loop dst.img b
run "$ALTKIT" extfs copy-used src.img dst.img
like "$rc:$err" "^1:extfs: 'dst.img': (Device or r|R)esource busy$" "a mounted target is refused"
umnt b

# A source whose journal needs recovery (a crash image): every block is
# copied, the copy is the same bytes.
rm -f live.img && truncate -s 64M live.img && mke2fs -q -F -t ext4 live.img
mnt -o loop live.img a
cp -a tree/etc a/
sync
cp --sparse=always live.img crash.img
umnt a
like "$("$ALTKIT" extfs info crash.img)" "needs_recovery=1" "the crash image needs recovery"
rm -f dst.img && truncate -s 64M dst.img
run "$ALTKIT" extfs copy-used -v crash.img dst.img
like "$rc:$err" "^0:extfs: copied 64.0 MiB of 64.0 MiB in 1 run \(the journal needs recovery: every block\)$" \
   "needs recovery: every block copied"
run cmp crash.img dst.img
is "$rc" 0 "needs recovery: the same bytes"

# A snapshot of a mounted filesystem taken frozen (as LVM takes one): the
# freeze leaves the journal empty, so the bitmap is right and only used
# blocks are copied; the copy checks clean and has the files.
rm -f live.img snap.img && truncate -s 64M live.img && mke2fs -q -F -t ext4 live.img
mnt -o loop live.img a
cp -a tree/etc a/
head -c 8M /dev/urandom >a/written-last
fsfreeze -f a && cp --sparse=always live.img snap.img
fsfreeze -u a
umnt a
like "$("$ALTKIT" extfs info snap.img)" "needs_recovery=0" "a frozen snapshot needs no recovery"
rm -f dst.img && truncate -s 64M dst.img
run "$ALTKIT" extfs copy-used -v snap.img dst.img
like "$rc:$err" "^0:extfs: copied [0-9.]+ MiB of 64.0 MiB in [0-9]+ runs?$" "a frozen snapshot: used blocks copied"
run e2fsck -fn dst.img
is "$rc" 0 "a frozen snapshot: e2fsck -fn clean"
same_files snap.img dst.img "a frozen snapshot"

# Progress on a terminal.
rm -f dst.img && truncate -s 128M dst.img
run script -qec "ALTKIT_PROGRESS_MS=1 '$ALTKIT' extfs copy-used src.img dst.img" /dev/null
like "$out" "extfs: [0-9.]+ [KMG]?i?B of [0-9.]+ [KMG]?i?B \(100%\)" "progress on a terminal"

done_testing
