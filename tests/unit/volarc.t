#!/bin/bash
# volarc create, list and copy on the host: round trips (bytes, modes and
# nanosecond times compared with the source) of one volume in each choice of
# trees, of a set whose big file is split over three 1 MB volumes, of pieces
# inside one volume; ISOs made by xorriso and genisoimage read in all views.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/volarc.sh"
for t in xorriso isoinfo python3; do
	command -v $t >/dev/null || fail_all "$t is installed (scripts/install-deps)"
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000 VOLARC_CATALOG=$tmp/no-catalog.db
unset VOLARC_TEST_PIECE_MAX
v() { "$ALTKIT" volarc "$@"; }

volarc_tree "$tmp/src"
want=$(manifest "$tmp/src")
nfiles=$(find "$tmp/src" -type f | wc -l)
# what list must print for the tree stored as "src": sha256, size, volume 1, name
expect_list() { # DIR PREFIX
	(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do
		printf '%s %12s %3s %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" 1 "$2${f#./}"
	done) | LC_ALL=C sort -k4
}
want_list=$(expect_list "$tmp/src" src/)

# ---- one volume, each choice of trees ----
# case | create options | views list --fs reads | views it does not have
cases="both||rockridge joliet iso9660|
joliet|--fs joliet|joliet iso9660|rockridge
rockridge|--fs rockridge|rockridge iso9660|joliet"
while IFS='|' read -r c opts views absent; do
	vol=$tmp/$c.iso S=${c^^}
	# shellcheck disable=SC2086
	run v create "$vol" "$tmp/src" $opts --serial "$S"
	is "$rc" 0 "$c: create exits 0" || diag "$err"
	is "$out" "'$vol': serial $S, 1 volume, $nfiles files, $(awk -v b="$(stat -c %s "$vol")" 'BEGIN { printf "%.1f", b / 1048576 }') MB" \
		"$c: create says serial, volumes, files and size"
	run v list "$vol"
	is "$out" "$want_list" "$c: list: every file with its sha256, size and volume, from the set directory"
	mkdir -p "$tmp/out.$c"
	run v copy "$vol" src --to "$tmp/out.$c"
	is "$rc" 0 "$c: copy of the whole tree exits 0" || diag "$err"
	is "$(manifest "$tmp/out.$c/src")" "$want" "$c: the copy has the source's bytes, modes and nanosecond times"
	info=$(isoinfo -d -i "$vol")
	like "$info" "Volume id: ${S}_001" "$c: the volume id holds the serial and index 001"
	like "$info" "Volume set id: $S" "$c: the volume set id is the serial"
	for view in $views; do
		run v list --fs "$view" "$vol"
		is "$rc" 0 "$c: list --fs $view exits 0"
		is "$(printf '%s\n' "$out" | awk '{ print $1, $2 }' | sort)" "$(printf '%s\n' "$want_list" | awk '{ print $1, $2 }' | sort)" \
			"$c: the $view tree holds every file (checksums read from it), nothing of volarc's own"
	done
	for view in $absent; do
		name=$([ "$view" = joliet ] && echo Joliet || echo "Rock Ridge")
		run v list --fs "$view" "$vol"
		is "$rc:$err" "1:volarc: '$vol': the volume has no $name tree" "$c: list --fs $view: there is no such tree"
	done
done <<<"$cases"
# the names in each tree as it stands
like "$(v list --fs joliet "$tmp/both.iso")" " src/Grüße/日本語のファイル.txt$" "Joliet tree: non-ASCII names as they are"
like "$(v list --fs iso9660 "$tmp/both.iso")" " SRC/DOCS/A_LONG_NAME_WITH_SPACES.TXT$" "ISO 9660 tree: plain names"
like "$(v list --fs rockridge "$tmp/both.iso")" " src/zero bytes$" "Rock Ridge tree: a 0-byte file with a space"
# the kernel's own reader (mount) needs root and a loop device: isoinfo stands in
like "$(isoinfo -R -l -i "$tmp/rockridge.iso" 2>/dev/null)" "-rwxr-x--- .* exec.sh" "isoinfo reads the Rock Ridge mode 0750"

# Rock Ridge alone holds any byte: a name that is not UTF-8
mkdir -p "$tmp/latin1"
echo caf >"$tmp/latin1/caf$(printf '\351')"
run v create "$tmp/latin1.iso" "$tmp/latin1" --fs rockridge
is "$rc" 0 "rockridge: a name that is not UTF-8 is archived"
mkdir "$tmp/out.latin1"
v copy "$tmp/latin1.iso" latin1 --to "$tmp/out.latin1"
cmp -s "$tmp/latin1/caf$(printf '\351')" "$tmp/out.latin1/latin1/caf$(printf '\351')"
ok $? "rockridge: and copied back under the same bytes"

# ---- a volume set: a 2.5 MB file over three 1 MB volumes ----
mkdir -p "$tmp/mv"
echo first >"$tmp/mv/a first.txt"
head -c 2621440 /dev/urandom >"$tmp/mv/big.bin"
echo last >"$tmp/mv/z last.txt"
run v create "$tmp/set" "$tmp/mv" --max-size 1 --multivolume --serial MV
is "$rc" 0 "set: create --max-size 1 --multivolume exits 0" || diag "$err"
like "$out" "^'$tmp/set': serial MV, 3 volumes, 3 files" "set: three volumes"
is "$(ls "$tmp/set")" "$(printf '001\n002\n003')" "set: the images are VOL/001, VOL/002, VOL/003"
sizes=$(stat -c %s "$tmp/set"/*)
is "$(for s in $sizes; do [ "$s" -le 1048576 ] && echo ok; done | wc -l)" 3 "set: no volume is over 1 MB ($(echo $sizes))"
is "$(printf '%s\n' $sizes | sort -n | awk 'NR == 1 { min = $1 } END { print (min * 4 >= $1 * 3) ? "even" : "uneven" }')" even \
	"set: the volumes are filled evenly (the smallest at least 3/4 of the largest)"
# the last file lands on the last volume
mv_list=$(expect_list "$tmp/mv" mv/ | sed 's/   1 mv\/z last.txt$/   3 mv\/z last.txt/')
for n in 1 2 3; do
	is "$(v list "$tmp/set/00$n" 2>&1)" "$mv_list" "set: volume $n alone lists the whole set"
	info=$(isoinfo -d -i "$tmp/set/00$n")
	like "$info" "Volume id: MV_00$n" "set: volume $n's descriptor: volume id MV_00$n"
	is "$(python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print(d[16 * 2048 + 883:16 * 2048 + 883 + 512].rstrip(b"\0 ").decode())' "$tmp/set/00$n")" \
		"VOLARC SERIAL=MV VOLUME=$n OF=3" "set: volume $n's application use field: serial, index, count"
	isoinfo -R -i "$tmp/set/00$n" -x /.volarc/set.json >"$tmp/set$n.json"
	is "$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
e = {x["name"]: x for x in s["entries"]}
big = e["mv/big.bin"]
print(s["serial"], s["volume"], s["volumes"], big["start"], [p[0] for p in big["pieces"]], big["sha256"])' "$tmp/set$n.json")" \
		"MV $n 3 1 [1, 2, 3] $(sha256sum <"$tmp/mv/big.bin" | cut -d' ' -f1)" \
		"set: volume $n's set directory: serial, its index, big.bin starting on 1 with pieces on 1, 2, 3"
done
mkdir "$tmp/out.set"
run v copy "$tmp/set" mv --to "$tmp/out.set"
is "$rc" 0 "set: copy of the whole set exits 0"
is "$(manifest "$tmp/out.set/mv")" "$(manifest "$tmp/mv")" "set: the copy is the source, the split file whole again"
run v copy "$tmp/set/002" mv/big.bin --as renamed.bin --to "$tmp/out.set"
is "$rc" 0 "set: copy --as from a member of the set (the others beside it)"
cmp -s "$tmp/mv/big.bin" "$tmp/out.set/renamed.bin"
ok $? "set: --as wrote the file under its new name"
run v create "$tmp/small-set" "$tmp/src" --multivolume --serial SMALL
is "$rc:$(ls "$tmp/small-set")" "0:001" "set: --multivolume with room for all: a set of one volume"

# ---- pieces inside one volume (files over the 4 GB an extent holds) ----
mkdir -p "$tmp/pieces"
head -c 10000 /dev/urandom >"$tmp/pieces/p.bin"
VOLARC_TEST_PIECE_MAX=4096 v create "$tmp/pieces.iso" "$tmp/pieces" >/dev/null
isoinfo -R -i "$tmp/pieces.iso" -x /.volarc/set.json >"$tmp/pieces.json"
is "$(python3 -c 'import json, sys; e = json.load(open(sys.argv[1]))["entries"][1]; print([p[2] for p in e["pieces"]])' "$tmp/pieces.json")" \
	"[4096, 4096, 1808]" "pieces: a file longer than a piece may be is stored as pieces on one volume"
mkdir "$tmp/out.pieces"
v copy "$tmp/pieces.iso" pieces/p.bin --to "$tmp/out.pieces"
cmp -s "$tmp/pieces/p.bin" "$tmp/out.pieces/pieces/p.bin"
ok $? "pieces: copied back whole"

# ---- ISOs made by other tools ----
src_list=$(expect_list "$tmp/src" "")
# case | maker and its options | views | what copy keeps (manifest precision; - for names and bytes only)
foreign="xorriso-rr-joliet|xorriso -as mkisofs -quiet -R -J -joliet-long|rockridge joliet|0
xorriso-joliet|xorriso -as mkisofs -quiet --norock -J -joliet-long|joliet|-
genisoimage|genisoimage -quiet -R -J -joliet-long|rockridge joliet|0"
while IFS='|' read -r c maker views keep; do
	# shellcheck disable=SC2086
	$maker -o "$tmp/$c.iso" -V FOREIGN "$tmp/src" 2>/dev/null
	ok $? "$c: made by another tool"
	run v list "$tmp/$c.iso"
	is "$out" "$src_list" "$c: list: every file, checksums computed from the data"
	for view in $views; do
		is "$(v list --fs "$view" "$tmp/$c.iso" | awk '{ print $1 }' | sort)" "$(printf '%s\n' "$src_list" | awk '{ print $1 }' | sort)" \
			"$c: list --fs $view: the same files"
	done
	mkdir "$tmp/out.$c"
	run v copy "$tmp/$c.iso" docs "Grüße" "zero bytes" --to "$tmp/out.$c"
	is "$rc" 0 "$c: copy exits 0" || diag "$err"
	got=$(cd "$tmp/out.$c" && manifest .) exp=$(cd "$tmp/src" && manifest . | grep -E ' (docs|Grüße|zero bytes)(/|$)')
	if [ "$keep" = - ]; then
		got=$(manifest "$tmp/out.$c" 0 | awk '$1 == "f" { print $5, $6 }')
		exp=$(manifest "$tmp/src" 0 | grep -E ' (docs|Grüße|zero bytes)(/|$)' | awk '$1 == "f" { print $5, $6 }')
		is "$got" "$exp" "$c: the copied files have the source's names and bytes"
	else
		is "$(manifest "$tmp/out.$c" 0)" "$(manifest "$tmp/src" 0 | grep -E ' (docs|Grüße|zero bytes)(/|$)')" \
			"$c: the copy has the source's bytes, Rock Ridge modes and times (seconds)"
	fi
done <<<"$foreign"
run v copy --fs iso9660 "$tmp/xorriso-rr-joliet.iso" DOCS/EXEC.SH --as exec-plain --to "$tmp"
is "$rc" 0 "copy --fs iso9660: a file by its ISO 9660 name"
cmp -s "$tmp/src/docs/exec.sh" "$tmp/exec-plain"
ok $? "copy --fs iso9660: the bytes are the file's"

# ---- bad input: one message, exit 1 (2: usage), nothing written ----
nothing_written() { [ ! -e "$1" ] && [ -z "$(find "$(dirname "$1")" -maxdepth 1 -name ".$(basename "$1").volarc-*")" ]; }
mkdir -p "$tmp/lnk" "$tmp/reserved/.volarc" "$tmp/a/src" "$tmp/long" "$tmp/qmark"
ln -s /etc/passwd "$tmp/lnk/link"
mkfifo "$tmp/fifo"
touch "$tmp/long/$(printf 'x%.0s' $(seq 110))"
echo q >"$tmp/qmark/what?.txt"
head -c 3000000 /dev/urandom >"$tmp/three-mb.bin"
# exit | message (regex) | target that must not appear ("" for none) | arguments
bad="1|^volarc: '$tmp/nope': No such file or directory\$|$tmp/b1.iso|create $tmp/b1.iso $tmp/nope
1|^volarc: 'lnk/link' is a symbolic link: only regular files and directories are archived\$|$tmp/b2.iso|create $tmp/b2.iso $tmp/lnk
1|^volarc: '$tmp/fifo' is a FIFO: only regular files and directories are archived\$|$tmp/b3.iso|create $tmp/b3.iso $tmp/fifo
1|^volarc: '$tmp/both.iso': exists already: volarc does not write over it\$||create $tmp/both.iso $tmp/src
1|^volarc: '.volarc': the name is reserved for volarc's set directory\$|$tmp/b4.iso|create $tmp/b4.iso $tmp/reserved/.
1|^volarc: two arguments are both stored as 'src'\$|$tmp/b5.iso|create $tmp/b5.iso $tmp/src $tmp/a/src
1|^volarc: 'long/x{110}': a name longer than 103 characters does not fit Joliet \(add rockridge to --fs\)\$|$tmp/b6.iso|create $tmp/b6.iso $tmp/long --fs joliet
1|^volarc: 'qmark/what\\?.txt': Joliet names cannot hold '\\?' \(add rockridge to --fs\)\$|$tmp/b14.iso|create $tmp/b14.iso $tmp/qmark --fs joliet
1|^volarc: 'latin1/caf\\\\351': the name is not UTF-8, which Joliet needs \(use --fs rockridge\)\$|$tmp/b7.iso|create $tmp/b7.iso $tmp/latin1
1|^volarc: '$tmp/b8.iso': the files need a 3 MB volume, --max-size is 1 MB: use --multivolume for a volume set \(nothing written\)\$|$tmp/b8.iso|create $tmp/b8.iso $tmp/three-mb.bin --max-size 1
2|^volarc: --serial 'abc': 'a' is not allowed: serials use A-Z, 0-9 and _\$|$tmp/b9.iso|create $tmp/b9.iso $tmp/src --serial abc
2|^volarc: --serial '$(printf 'A%.0s' $(seq 29))': 1 to 28 characters\$|$tmp/b10.iso|create $tmp/b10.iso $tmp/src --serial $(printf 'A%.0s' $(seq 29))
2|^volarc: --fs 'udf': expected joliet, rockridge or joliet,rockridge\$|$tmp/b11.iso|create $tmp/b11.iso $tmp/src --fs udf
2|^volarc: --max-size '0': expected a whole number of MB from 1 to 1000000\$|$tmp/b12.iso|create $tmp/b12.iso $tmp/src --max-size 0
2|^volarc: create: --json is not an option of this command\$|$tmp/b13.iso|create $tmp/b13.iso $tmp/src --json
2|^volarc: 'extract' is not a volarc command: create, list, copy, catalog, where or link\$||extract $tmp/both.iso
1|^volarc: '$tmp/three-mb.bin': no ISO 9660 volume found||list $tmp/three-mb.bin
1|^volarc: '$tmp/nope.iso': No such file or directory\$||list $tmp/nope.iso
1|^volarc: 'nope': not in the set\$|$tmp/nope|copy $tmp/both.iso nope --to $tmp
2|^volarc: --as names one file: give exactly one NAME with it\$||copy $tmp/both.iso src/random.bin src/zero --as x
2|^volarc: --as '../x': a relative name without '..' \(use --to for the directory\)\$|$tmp/x|copy $tmp/both.iso src/random.bin --as ../x --to $tmp/out.both
1|^volarc: --to '$tmp/nodir': No such file or directory\$||copy $tmp/both.iso src --to $tmp/nodir"
while IFS='|' read -r want_rc re target args; do
	# shellcheck disable=SC2086
	run v $args
	desc="${args%% *} ${args#* }"
	desc=${desc//$tmp\//}
	is "$rc" "$want_rc" "bad: $desc: exit $want_rc"
	like "$err" "$re" "bad: $desc: the message says what is wrong" || true
	is "$(printf '%s\n' "$err" | grep -c .)" 1 "bad: $desc: one message"
	if [ -n "$target" ]; then
		nothing_written "$target"
		ok $? "bad: $desc: nothing written"
	fi
done <<<"$bad"

# a write that fails half way (a file size limit: EFBIG) leaves nothing
for c in "one volume|$tmp/efbig.iso|" "a set|$tmp/efbig-set|--multivolume --max-size 1"; do
	IFS='|' read -r desc target opts <<<"$c"
	# shellcheck disable=SC2086
	run bash -c 'trap "" XFSZ; ulimit -f 400; exec "$@"' - "$ALTKIT" volarc create "$target" "$tmp/mv" $opts
	is "$rc" 1 "$desc: the image cannot be written whole: exit 1"
	like "$err" "^volarc: '$target': writing the image: File too large \(nothing written\)\$" "$desc: the message says why"
	nothing_written "$target"
	ok $? "$desc: no volume and no temporary file left"
done

# extraction never leaves the target: a symbolic link where a directory
# of the set would go is refused, nothing is written through it
mkdir -p "$tmp/target" "$tmp/outside"
ln -s "$tmp/outside" "$tmp/target/src"
run v copy "$tmp/both.iso" src/random.bin --to "$tmp/target"
is "$rc" 1 "a symlink in the target: exit 1"
is "$err" "volarc: 'src/random.bin': something that is not a directory (or a symbolic link) is in the way" \
	"a symlink in the target: the message names the file"
is "$(ls -A "$tmp/outside")" "" "a symlink in the target: nothing written through it"
# a volume whose set directory names a file outside ("../evil"): refused
mkdir -p "$tmp/evil/zz"
echo evil >"$tmp/evil/zz/evil"
v create "$tmp/evil.iso" "$tmp/evil/zz" >/dev/null
python3 - "$tmp/evil.iso" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
assert d.count(b'"zz/evil"') == 2
open(sys.argv[1], 'wb').write(d.replace(b'"zz/evil"', b'"../evil"'))
PY
mkdir -p "$tmp/evil-out/in"
run v copy "$tmp/evil.iso" ../evil --to "$tmp/evil-out/in"
is "$rc" 1 "a set directory naming '../evil': exit 1"
like "$err" "^volarc: '$tmp/evil.iso': damaged set directory: entry '../evil': unsafe name" "'../evil': the volume is refused"
is "$(find "$tmp/evil-out" -mindepth 1 | wc -l)" 1 "'../evil': nothing written anywhere"

done_testing
