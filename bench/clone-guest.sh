# bench/clone-guest.sh: the guest half of bench/clone (busybox sh, run by
# qemu/vm --payload in the recovery image). Not a test.
#
# Disks: vda a copy of the test system (rootvg), vdb blank (rootvg grows onto
# it), vdc blank (the clone's target). Writes "key value..." lines to
# $OUT/results and each measured command's output to $OUT/<name>.log
# (files.1.log, blocks.1.log, ..., cat.log, ddread.log, ddcopy.log).
#
# 1. rootvg grows (vgextend onto vdb; root, var, home extended and made
#    again with 4 KiB blocks, as a root VG of this size has: the test
#    system's small filesystems have 1 KiB blocks, and alt_disk_copy keeps a
#    source's block size) and is filled with PKGS_ROOT/VAR/HOME "packages"
#    and a few big files.
#    A package is 194 files in three directories, sizes 512 B to 400 KiB,
#    2.6 MiB in all (60 x 512 B, 50 x 2 KiB, 40 x 6 KiB, 25 x 16 KiB,
#    12 x 40 KiB, 5 x 120 KiB, 2 x 400 KiB) and a symlink, like a package
#    under /usr: 130 packages, ~25,000 files, 340 MiB; the big files (a disk
#    image, a database, a video) 770 MiB. Data: 1 MiB from /dev/urandom,
#    repeated: a 16 MiB chunk made once by cat; one package is split(1) from
#    its head into tmpfs and copied (cp -a) for every package, big files are
#    the chunk cat'ed again and again. Neither copy path compresses or
#    deduplicates, so the pattern costs what random data costs, without
#    reading /dev/urandom for a GiB under TCG.
# 2. Timed, each after sync and drop_caches, to the end of a sync:
#      files   alt_disk_copy -P 1 --copy-mode files  --source-vg rootvg -d vdc
#      blocks  alt_disk_copy -P 1 --copy-mode blocks --source-vg rootvg -d vdc
#              ROUNDS times (from $PAYLOAD/bench.conf; bench/clone says 2), files
#              first in odd rounds and blocks first in even ones
#      cat     every file of the source (mounted ro) read by cat > /dev/null
#      ddread  dd of the root, var and home LVs > /dev/null
#      ddcopy  dd of the same LVs onto vdc (conv=fsync)
#    altinst_rootvg is removed and vdc wiped between runs.
# Times from /proc/uptime (10 ms; busybox date has no %N).
set -u
export MKE2FS_CONFIG=/etc/mke2fs.conf
[ -f "$PAYLOAD/bench.conf" ] && . "$PAYLOAD/bench.conf"
: "${ROUNDS:=1}"
: "${PKGS_ROOT:=100}" "${PKGS_VAR:=15}" "${PKGS_HOME:=15}"
: "${ROOT_MB:=1024}" "${VAR_MB:=448}" "${HOME_MB:=320}"
R=$OUT/results
: >"$R"
say() { echo "bench: $*"; }
now() { read -r up _ </proc/uptime; echo "$up"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
ro='activation { read_only_volume_list = [ "rootvg" ] }'

# measure NAME COMMAND...: drop caches, run, sync; "time NAME SECONDS STATUS"
measure() {
	name=$1; shift
	drop
	say "measuring $name: $*"
	t0=$(now)
	"$@" >"$OUT/$name.log" 2>&1
	st=$?
	sync
	t1=$(now)
	echo "time $name $(elapsed "$t0" "$t1") $st" >>"$R"
	say "$name: $(elapsed "$t0" "$t1") s, exit $st"
	[ "$st" = 0 ] || sed 's/^/  | /' "$OUT/$name.log" | tail -n 20
	return "$st"
}

# ---- 1. a bigger, fuller rootvg ------------------------------------------
echo "cpu $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)" >>"$R"
echo "ncpu $(grep -c ^processor /proc/cpuinfo)" >>"$R"
echo "mem_mb $(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo)" >>"$R"

say "growing rootvg onto vdb"
lvm pvcreate -q -y /dev/vdb >/dev/null || exit 1
lvm vgextend -q rootvg /dev/vdb >/dev/null || exit 1
lvm vgchange -q -ay rootvg >/dev/null || exit 1
# the test system's filesystems are small, so mke2fs gave them 1 KiB blocks;
# a root VG of this size has 4 KiB ones: each is made again at its new size
# (mke2fs -b 4096 -i 16384, as mke2fs makes a big one) with its type, label
# and UUID (fstab stays right), its files kept meanwhile on a scratch LV
lvm lvcreate -q -y -n benchsave -L 256m rootvg /dev/vdb >/dev/null || exit 1
mke2fs -q -F -t ext4 /dev/rootvg/benchsave || exit 1
mkdir -p /run/save /run/old
mount -t ext4 /dev/rootvg/benchsave /run/save || exit 1
for spec in root:$ROOT_MB var:$VAR_MB home:$HOME_MB; do
	lv=${spec%%:*} mb=${spec#*:}
	dev=/dev/rootvg/$lv
	type=$(blkid -s TYPE -o value "$dev") label=$(blkid -s LABEL -o value "$dev") uuid=$(blkid -s UUID -o value "$dev")
	reserved=$(tune2fs -l "$dev" | awk -F: '/^Reserved block count/ { r = $2 } /^Block count/ { b = $2 } END { printf "%.0f", 100 * r / b }')
	mount -t "$type" -o ro "$dev" /run/old || exit 1
	altkit copytree /run/old "/run/save/$lv" >/dev/null || { say "saving $lv failed"; exit 1; }
	umount /run/old
	lvm lvextend -q -L "${mb}m" "rootvg/$lv" >/dev/null || exit 1
	mke2fs -q -F -t "$type" -b 4096 -i 16384 -m "$reserved" -L "$label" -U "$uuid" "$dev" || exit 1
	mount -t "$type" "$dev" /run/old || exit 1
	altkit copytree -f "/run/save/$lv" /run/old >/dev/null || { say "restoring $lv failed"; exit 1; }
	umount /run/old
done
umount /run/save
lvm lvremove -q -y rootvg/benchsave >/dev/null || exit 1

m=/run/sys
mkdir -p $m
mount -t ext3 /dev/rootvg/root $m || exit 1
mount -t ext4 /dev/rootvg/var $m/var || exit 1
mount -t ext2 /dev/rootvg/home $m/home || exit 1

say "generating the data"
t0=$(now)
head -c 1048576 /dev/urandom >/run/seed
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat /run/seed; done >/run/chunk

# package DIR: 194 files of 512 B .. 400 KiB and a symlink
package() {
	mkdir -p "$1/doc" "$1/lib" "$1/bin"
	for spec in doc:512:60 doc:2048:50 lib:6144:40 lib:16384:25 bin:40960:12 bin:122880:5 bin:409600:2; do
		sub=${spec%%:*} rest=${spec#*:}
		size=${rest%%:*} count=${rest#*:}
		head -c $((size * count)) /run/chunk | split -b "$size" -a 2 - "$1/$sub/f${size}_"
	done
	ln -s bin "$1/current"
}
# big FILE MIB (a multiple of 16)
big() {
	i=0
	while [ $i -lt $(($2 / 16)) ]; do cat /run/chunk; i=$((i + 1)); done >"$1"
}
package /run/tpl
packages() {   # packages DIR COUNT
	mkdir -p "$1"
	i=0
	while [ $i -lt "$2" ]; do cp -a /run/tpl "$1/p$i" || exit 1; i=$((i + 1)); done
}
packages $m/opt/bench "$PKGS_ROOT"
say "  $PKGS_ROOT packages in /opt/bench: $(elapsed "$t0" "$(now)") s"
big $m/opt/bench/big1.img 128
big $m/opt/bench/big2.img 128
say "  big files in /opt/bench: $(elapsed "$t0" "$(now)") s"
packages $m/var/lib/bench "$PKGS_VAR"
big $m/var/lib/bench/db.img 256
packages $m/home/user/bench "$PKGS_HOME"
big $m/home/user/video.img 192
sync
t1=$(now)
say "  done: $(elapsed "$t0" "$t1") s"
echo "gen_seconds $(elapsed "$t0" "$t1")" >>"$R"
for fs in "" /var /home; do
	# used MiB as df counts it, regular files, their MiB
	used=$(df -m "$m$fs" | awk 'NR == 2 { print $3 }')
	files=$(find "$m$fs" -xdev -type f | wc -l)
	fmib=$(du -xsm "$m$fs" | cut -f1)
	fsdev=$(awk -v m="$m$fs" '$2 == m { d = $1 } END { print d }' /proc/mounts)
	bs=$(tune2fs -l "$fsdev" | awk -F: '/^Block size/ { print $2 + 0 }')
	echo "fs ${fs:-/} $used $files $fmib $(blkid -s TYPE -o value "$fsdev") $bs" >>"$R"
done
umount $m/home $m/var $m
for lv in root var home; do
	echo "lv $lv $(lvm lvs --noheadings --units m --nosuffix -o lv_size "rootvg/$lv" | tr -d ' ' | cut -d. -f1)" >>"$R"
done
lvm vgchange -q -an rootvg >/dev/null || exit 1
rm -rf /run/chunk /run/seed /run/tpl

# ---- 2. the measurements --------------------------------------------------
clean_target() {
	for t in $(awk '$2 ~ /^\/alt_inst/ { print $2 }' /proc/mounts | sort -r); do umount "$t"; done
	lvm vgchange -q -an altinst_rootvg >/dev/null 2>&1
	lvm vgremove -q -f altinst_rootvg >/dev/null 2>&1
	lvm pvremove -q -ff -y /dev/vdc2 >/dev/null 2>&1
	dd if=/dev/zero of=/dev/vdc bs=1M count=8 conv=fsync 2>/dev/null
	blockdev --rereadpt /dev/vdc
	lvm vgs altinst_rootvg >/dev/null 2>&1 && { say "altinst_rootvg is still there"; exit 1; }
	return 0
}
adc() { alt_disk_copy -P 1 --source-vg rootvg -d vdc "$@"; }

status=0
r=1
while [ $r -le "$ROUNDS" ]; do
	# files first in odd rounds, blocks first in even ones
	order="files blocks"
	[ $((r % 2)) = 0 ] && order="blocks files"
	for mode in $order; do
		measure "$mode.$r" adc --copy-mode "$mode" || status=1
		grep '^alt_disk_copy: copied' "$OUT/$mode.$r.log" | sed "s/^/note $mode.$r /" >>"$R"
		clean_target
	done
	r=$((r + 1))
done

lvm vgchange -q -ay --config "$ro" rootvg >/dev/null || exit 1
s=/run/src
mkdir -p $s
mount -t ext4 -o ro,noload /dev/rootvg/root $s || exit 1
mount -t ext4 -o ro,noload /dev/rootvg/var $s/var || exit 1
mount -t ext4 -o ro /dev/rootvg/home $s/home || exit 1
measure cat sh -c "find $s -type f -exec cat {} + >/dev/null" || status=1
umount $s/home $s/var $s
measure ddread sh -c 'for lv in root var home; do dd if=/dev/rootvg/$lv of=/dev/null bs=4M || exit 1; done' || status=1
# the LVs one after another at the start of vdc, each written to its disk
measure ddcopy sh -c 'off=0; for lv in root var home; do
	mb=$(($(blockdev --getsize64 /dev/rootvg/$lv) >> 20))
	dd if=/dev/rootvg/$lv of=/dev/vdc bs=1M seek=$off conv=notrunc,fsync || exit 1
	off=$((off + mb)); done' || status=1
lvm vgchange -q -an rootvg >/dev/null
exit $status
