#!/bin/bash
# altkit extfs min-size and the fit check of mkfs-args: the smallest target a
# file-level copy of the used data (and inodes) fits in. A filesystem of that
# size made from mkfs-args takes a cp -a of the source (so the minimum is
# enough); anything smaller is refused before anything is written.
. "$(dirname "$0")/../lib/tap.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (loop devices, mounts, owners)"
SBIN=$TOP/build/sysroot/sbin
CONF=$TOP/initramfs/overlay/etc/mke2fs.conf
for t in mke2fs mount cp; do
	command -v $t >/dev/null || fail_all "$t is installed (scripts/install-deps)"
done
[ -x "$SBIN/mke2fs" ] || fail_all "the static mke2fs is built (make sysroot)"
T=$(mktemp -d "${TMPDIR:-/tmp}/extfs-size.XXXXXX")
mnts=()
cleanup() {
	local i
	for ((i = ${#mnts[@]} - 1; i >= 0; i--)); do
		umount "${mnts[i]}" 2>/dev/null || umount -l "${mnts[i]}" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
mkdir a b

# make SRC DST SIZE [--ext4]: a target from mkfs-args, made by our mke2fs
make() {
	local out
	rm -f "$2"
	truncate -s "$3" "$2"
	out=$("$ALTKIT" extfs mkfs-args --size "$3" --target "$2" ${4:+"$4"} "$1") || return 1
	mapfile -t argv <<<"$out"
	argv[0]=$SBIN/mke2fs
	MKE2FS_CONFIG=$CONF "${argv[@]}" >/dev/null
}
# fits SRC DST: everything of SRC copied into DST with cp -a, and the same
fits() {
	mount -o ro,loop "$1" a && mnts+=(a) || return 1
	mount -o loop "$2" b && mnts+=(b) || return 1
	local rc=0
	cp -a a/. b/ 2>/dev/null || rc=1
	[ $rc = 0 ] && { diff -r --no-dereference a b >/dev/null 2>&1 || rc=1; }
	umount b a && mnts=()
	return $rc
}
human() {      # as altkit writes sizes: "71.5 MiB", "128 MiB"
	awk -v v="$1" 'BEGIN { split("B KiB MiB GiB TiB", u, " "); i = 1
		while (v >= 1024 && i < 5) { v /= 1024; i++ }
		printf (i == 1 || v >= 100) ? "%.0f %s" : "%.1f %s", v, u[i] }'
}

# case_ 'what' 'host mke2fs options' SIZE 'tree maker (shell, in ./tree)' [--ext4]
case_() {
	local what=$1 opts=$2 size=$3 maker=$4 conv=${5:-}
	rm -rf tree src.img && mkdir tree
	(cd tree && eval "$maker") || { ok 1 "$what: the tree"; return; }
	truncate -s "$size" src.img
	# shellcheck disable=SC2086
	mke2fs -q -F $opts -d tree src.img >/dev/null 2>&1 || { ok 1 "$what: the host makes the source"; return; }
	local sum min
	sum=$(sha256sum <src.img)
	run "$ALTKIT" extfs min-size $conv src.img
	is "$rc:$err" "0:" "$what: min-size exits 0"
	min=$out
	ok "$([ "$min" -lt "$(stat -c %s src.img)" ]; echo $?)" "$what: the minimum ($min) is below the source's size"
	make src.img dst.img "$min" $conv
	ok $? "$what: mkfs-args for the minimum, made"
	fits src.img dst.img
	ok $? "$what: the used data fits in the minimum (cp -a, diff -r)"
	local less=$((min - min / 20))
	run "$ALTKIT" extfs mkfs-args --size $less $conv src.img
	is "$rc:$out:$err" \
	   "1::extfs: 'src.img': the used data needs a filesystem of at least $min bytes ($(human $min)); $less bytes ($(human $less)) is too small" \
	   "$what: mkfs-args refuses 5% less"
	run "$ALTKIT" extfs min-size $conv --size $less src.img
	is "$rc" 1 "$what: min-size --size refuses 5% less"
	run "$ALTKIT" extfs min-size $conv --size "$min" src.img
	is "$rc:$out" "0:$min" "$what: min-size --size takes the minimum"
	is "$(sha256sum <src.img)" "$sum" "$what: the source unchanged"
}

files() {       # files N SIZE: N files of SIZE random bytes in dirs of 100
	local i
	for ((i = 0; i < $1; i++)); do
		[ $((i % 100)) = 0 ] && mkdir -p d$((i / 100))
		head -c "$2" /dev/urandom >d$((i / 100))/f$i
	done
}
case_ "ext4 half full" "-t ext4" 128M 'files 400 100K; head -c 20M /dev/urandom >big'
case_ "ext2, 1k blocks" "-t ext2 -b 1024" 96M 'files 600 40K'
case_ "ext3 as ext4 (--ext4)" "-t ext3 -I 128" 128M 'files 300 150K' --ext4
case_ "ext4, many inodes, little data (inodes decide)" "-t ext4 -N 20000" 64M \
      'for d in 1 2 3 4 5 6 7 8; do mkdir $d; (cd $d && touch $(seq 1 1500)); done'
run "$ALTKIT" extfs info src.img
used=$(printf '%s\n' "$out" | sed -n 's/^used_inodes=//p')
make src.img dst.img "$("$ALTKIT" extfs min-size src.img)"
ok "$(run "$ALTKIT" extfs info dst.img; [ "$(printf '%s\n' "$out" | sed -n 's/^inodes=//p')" -ge "$used" ]; echo $?)" \
   "inodes decide: the minimum has the inodes ($used used)"

done_testing
