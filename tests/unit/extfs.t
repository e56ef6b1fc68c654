#!/bin/bash
# altkit extfs mkfs-args / tune-args: filesystems made by the host's mke2fs,
# their parameters read through libext2fs and made again by our static mke2fs
# (with our mke2fs.conf) and tune2fs on a target of the same and of another
# size; dumpe2fs -h of both compared, e2fsck -fn clean, the source unchanged.
. "$(dirname "$0")/../lib/tap.sh"
SBIN=$TOP/build/sysroot/sbin
CONF=$TOP/initramfs/overlay/etc/mke2fs.conf
for t in mke2fs dumpe2fs e2fsck debugfs; do
	command -v $t >/dev/null || fail_all "the host's $t is installed (scripts/install-deps)"
done
[ -x "$SBIN/mke2fs" ] && [ -x "$SBIN/tune2fs" ] || fail_all "the static mke2fs and tune2fs are built (make sysroot)"
T=$(mktemp -d "${TMPDIR:-/tmp}/extfs.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

# dumpe2fs -h IMG, kept in IMG.h for sig and field
dump() { dumpe2fs -h "$1" >"$1.h" 2>/dev/null; }
# The fields that must come out the same at any size.
sig() {
	grep -E '^(Filesystem volume name|Filesystem revision #|Filesystem features|Default mount options|Mount options|Errors behavior|Maximum mount count|Check interval|Reserved blocks [ug]id|Block size|Cluster size|Inode size|Flex block group size|Blocks per group|RAID stride|RAID stripe width|Default directory hash|Group descriptor size|Character encoding|Required extra isize):' "$1.h"
}
field() { sed -n "s/^$2:[[:space:]]*//p" "$1.h" | head -n1; }
# what dumpe2fs leaves out of a revision 0 filesystem
isize() { local s; s=$(field "$1" 'Inode size'); echo "${s:-128}"; }
features() { field "$1" 'Filesystem features' | sed 's/(none)//'; }

# recreate SRC DST SIZE [--ext4]: mkfs-args run by our mke2fs, then tune-args by our tune2fs
recreate() {
	local src=$1 dst=$2 size=$3 out
	shift 3
	rm -f "$dst"
	truncate -s "$size" "$dst"
	out=$("$ALTKIT" extfs mkfs-args --size "$size" --target "$dst" "$@" "$src") || return 1
	mapfile -t argv <<<"$out"
	[ "${argv[0]}" = mke2fs ] || return 1
	argv[0]=$SBIN/mke2fs
	MKE2FS_CONFIG=$CONF "${argv[@]}" >/dev/null || return 1
	out=$("$ALTKIT" extfs tune-args "$src" "$dst") || return 1
	if [ -n "$out" ]; then
		mapfile -t argv <<<"$out"
		[ "${argv[0]}" = tune2fs ] || return 1
		"$SBIN/tune2fs" "${argv[@]:1}" >/dev/null || return 1
	fi
	dump "$dst"
}

# within PCT A B: |A-B| <= PCT% of A
within() { awk -v a="$2" -v b="$3" -v p="$1" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= a * p / 100) }'; }

# case_ 'what' TYPE 'host mke2fs options' SIZE OTHER-SIZE ['shell run on $img after mke2fs']
case_() {
	local what=$1 type=$2 opts=$3 size=$4 other=$5 prep=${6:-}
	local img=src.img
	rm -f "$img"
	truncate -s "$size" "$img"
	if ! eval "mke2fs -q -F $opts $img" >/dev/null 2>&1 || ! (eval "$prep") >/dev/null 2>&1; then
		ok 1 "$what: the host makes the source"
		return
	fi
	local sum
	sum=$(sha256sum <"$img")
	dump "$img"
	run "$ALTKIT" extfs info "$img"
	is "$(printf '%s\n' "$out" | grep -E '^(type|block_size|inode_size|label)=' | tr '\n' ' ')" \
	   "type=$type block_size=$(field $img 'Block size') inode_size=$(isize $img) label=$(field $img 'Filesystem volume name' | sed 's/<none>//') " \
	   "$what: info"
	local bs blocks inodes r
	bs=$(field $img 'Block size')
	blocks=$(field $img 'Block count')
	inodes=$(field $img 'Inode count')
	r=$(field $img 'Reserved block count')
	for tsize in "$size" "$other"; do
		if ! recreate "$img" dst.img "$tsize"; then
			ok 1 "$what, $tsize: recreated"
			continue
		fi
		is "$(sig dst.img)" "$(sig $img)" "$what, $tsize: the same parameters"
		local tb ti tr
		tb=$(field dst.img 'Block count')
		ti=$(field dst.img 'Inode count')
		tr=$(field dst.img 'Reserved block count')
		if [ "$tsize" = "$size" ]; then
			is "$tb $ti $tr" "$blocks $inodes $r" "$what, $tsize: the same block, inode and reserved counts"
		else
			# bytes per inode within the inode table's rounding; the reserved
			# share within one block
			ok "$(within 2 $((blocks * bs / inodes)) $((tb * bs / ti)); echo $?)" \
			   "$what, $tsize: bytes per inode $((blocks * bs / inodes)) ~ $((tb * bs / ti))"
			ok "$(awk -v r=$r -v b=$blocks -v tr=$tr -v tb=$tb \
			      'BEGIN { d = r / b * tb - tr; if (d < 0) d = -d; exit !(d <= 1.001) }'; echo $?)" \
			   "$what, $tsize: reserved $r/$blocks ~ $tr/$tb"
		fi
		run e2fsck -fn dst.img
		is "$rc" 0 "$what, $tsize: e2fsck -fn clean"
	done
	is "$(sha256sum <"$img")" "$sum" "$what: the source unchanged"
}

case_ "ext2 1k blocks, 128-byte inodes, 1% reserved" ext2 "-t ext2 -b 1024 -I 128 -m 1" 64M 100M
case_ "ext3 labelled root, 8 KiB per inode, checks, remount-ro" ext3 "-t ext3 -L root -i 8192" 128M 200M \
      'tune2fs -c 25 -i 2w -e remount-ro $img'
case_ "ext4 without a journal or reserve, RAID geometry" ext4 \
      "-t ext4 -O ^has_journal -m 0 -E stride=8,stripe_width=32" 96M 64M
case_ "ext4, other default mount options and mount_opts" ext4 "-t ext4" 128M 96M \
      'tune2fs -o journal_data_writeback,nobarrier,^acl -E mount_opts=nodelalloc $img'
case_ "ext4 4k blocks, no default mount options, reserved uid/gid" ext4 "-t ext4 -b 4096" 128M 256M \
      'tune2fs -o ^acl,^user_xattr -u 1000 -g 100 -E hash_alg=tea $img'
case_ "ext4 512-byte inodes, label with a space" ext4 "-t ext4 -b 4096 -I 512 -L 'my data'" 256M 160M
case_ "ext4 mount_opts with commas (set through libext2fs)" ext4 "-t ext4" 64M 64M \
      'debugfs -w -R "ssv mount_opts nodelalloc,data=journal" $img'
case_ "ext4 bigalloc, 16 KiB clusters" ext4 "-t ext4 -O bigalloc -C 16384" 128M 192M
case_ "ext4 quota and project quota" ext4 "-t ext4 -O quota,project" 128M 96M
case_ "ext4 casefold, strict" ext4 "-t ext4 -O casefold -E encoding=utf8,encoding_flags=strict" 64M 80M
case_ "ext4 sparse_super2, one backup" ext4 "-t ext4 -O sparse_super2 -E num_backup_sb=1" 128M 192M
case_ "ext4 16 MiB journal (not the default)" ext4 "-t ext4 -J size=16" 128M 192M
case_ "ext4 30000 inodes (-N)" ext4 "-t ext4 -N 30000" 64M 80M
case_ "ext4 flex_bg of 4, 4096 blocks per group" ext4 "-t ext4 -G 4 -g 4096" 64M 48M
case_ "ext4 old style: uninit_bg, 32-bit" ext4 "-t ext4 -O ^metadata_csum,uninit_bg,^64bit" 128M 160M
case_ "ext4 inline_data large_dir ea_inode encrypt" ext4 \
      "-t ext4 -b 4096 -O inline_data,large_dir,ea_inode,encrypt" 128M 192M
case_ "ext4 meta_bg" ext4 "-t ext4 -O meta_bg,^resize_inode" 128M 96M
case_ "ext4 fast_commit, mmp" ext4 "-t ext4 -O fast_commit,mmp -E mmp_update_interval=10" 128M 96M
case_ "ext2 revision 0" ext2 "-t ext2 -r 0" 32M 48M

# -T: ext2 and ext3 become ext4 with the ext4 features of our mke2fs.conf (as
# a fresh mke2fs -t ext4 makes them) besides their own, 256-byte inodes at least.
truncate -s 64M fresh.img
MKE2FS_CONFIG=$CONF "$SBIN/mke2fs" -q -F -t ext4 fresh.img >/dev/null
dump fresh.img
fresh=$(field fresh.img 'Filesystem features')
conv_() {
	local what=$1 opts=$2 size=$3 other=$4
	rm -f src.img
	truncate -s "$size" src.img
	# shellcheck disable=SC2086
	mke2fs -q -F $opts src.img >/dev/null 2>&1 || { ok 1 "$what: the host makes the source"; return; }
	local sum want isz
	sum=$(sha256sum <src.img)
	dump src.img
	want=$(echo "$(features src.img) $fresh" | tr ' ' '\n' | grep . |
	       grep -vx uninit_bg | sort -u | tr '\n' ' ')
	isz=$(isize src.img)
	[ "$isz" -lt 256 ] && isz=256
	for tsize in "$size" "$other"; do
		if ! recreate src.img dst.img "$tsize" --ext4; then
			ok 1 "$what, $tsize: recreated"
			continue
		fi
		is "$(field dst.img 'Filesystem features' | tr ' ' '\n' | grep . | sort | tr '\n' ' ')" "$want" \
		   "$what, $tsize: features: its own and ext4's"
		run "$ALTKIT" extfs info dst.img
		is "$(printf '%s\n' "$out" | grep -E '^(type|inode_size|label)=' | tr '\n' ' ')" \
		   "type=ext4 inode_size=$isz label=$(field src.img 'Filesystem volume name' | sed 's/<none>//') " \
		   "$what, $tsize: ext4, inode size $isz, the label"
		is "$(field dst.img 'Default mount options') $(field dst.img 'Block size')" \
		   "$(field src.img 'Default mount options') $(field src.img 'Block size')" \
		   "$what, $tsize: default mount options and block size kept"
		run e2fsck -fn dst.img
		is "$rc" 0 "$what, $tsize: e2fsck -fn clean"
	done
	is "$(sha256sum <src.img)" "$sum" "$what: the source unchanged"
}
conv_ "ext2 -> ext4" "-t ext2 -b 1024 -I 128 -m 1" 64M 128M
conv_ "ext3 -> ext4" "-t ext3 -L root -i 8192" 128M 96M
conv_ "ext2 revision 0 -> ext4" "-t ext2 -r 0" 32M 32M

# An ext4 source stays as it is with --ext4.
rm -f src.img && truncate -s 64M src.img && mke2fs -q -F -t ext4 -O ^metadata_csum,uninit_bg src.img
run "$ALTKIT" extfs mkfs-args --ext4 --size 64M src.img
like "$out" "uninit_bg" "--ext4 leaves an ext4 source's features alone"

done_testing
