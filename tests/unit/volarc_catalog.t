#!/bin/bash
# volarc catalog, where and link on the host: backup references recorded
# only after every file checked (the database read back with Python's
# sqlite3, not with volarc), ADD&CATALOG, a byte flipped in a volume, a
# missing volume, links to images resident elsewhere, concurrent writers
# and a crash in the middle of a transaction.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/volarc.sh"
for t in isoinfo python3; do
	command -v $t >/dev/null || fail_all "$t is installed (scripts/install-deps)"
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000
unset VOLARC_TEST_PIECE_MAX VOLARC_TEST_CRASH_AFTER
db=$tmp/var/lib/altkit/volarc.db
export VOLARC_CATALOG=$db
v() { "$ALTKIT" volarc "$@"; }
sum() { sha256sum <"$1" | cut -d' ' -f1; }
refs() { sql "$db" "SELECT count(*) FROM refs"; }
runs() { sql "$db" "SELECT count(*) FROM catalogings"; }

# the files: a tree, and a set of three 1 MB volumes with a split file
mkdir -p "$tmp/data/docs" "$tmp/mv"
echo "report" >"$tmp/data/docs/report.txt"
head -c 50000 /dev/urandom >"$tmp/data/random.bin"
: >"$tmp/data/empty"
echo first >"$tmp/mv/a first.txt"
head -c 2621440 /dev/urandom >"$tmp/mv/big.bin"
echo last >"$tmp/mv/z last.txt"
v create "$tmp/A.iso" "$tmp/data" --serial SET_A >/dev/null
v create "$tmp/B.iso" "$tmp/data" --serial SET_B >/dev/null
v create "$tmp/set" "$tmp/mv" --max-size 1 --multivolume --serial SET_MV >/dev/null
ok $? "three volume sets made: SET_A, SET_B (the same files), SET_MV (3 volumes)"

# ---- catalog, then where ----
run v catalog "$tmp/A.iso" --serial SET_A
is "$rc" 0 "catalog SET_A exits 0" || diag "$err"
is "$out" "'$tmp/A.iso': set SET_A, 1 volume: 3 files verified and catalogued in '$db'" "catalog says what it recorded"
is "$(sql "$db" "SELECT file, volume, serial, vol_index, volumes, sha256, size FROM refs ORDER BY file")" \
	"data/docs/report.txt|$tmp/A.iso|SET_A|1|1|$(sum "$tmp/data/docs/report.txt")|7
data/empty|$tmp/A.iso|SET_A|1|1|$(sum "$tmp/data/empty")|0
data/random.bin|$tmp/A.iso|SET_A|1|1|$(sum "$tmp/data/random.bin")|50000" \
	"the catalog holds a reference per file: name, volume, serial, index, sha256 of the source, size"
is "$(sql "$db" "PRAGMA journal_mode")" wal "the catalog is in WAL mode"
is "$(stat -c %a "$tmp/var/lib/altkit")" 755 "the catalog's directory was made"
run v where data/random.bin
like "$out" "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}  SET_A  volume 1 of 1  $tmp/A.iso\$" "where: date, serial, volume index, volume"
run v catalog "$tmp/set"
is "$rc" 0 "catalog of the 3-volume set exits 0" || diag "$err"
is "$(sql "$db" "SELECT file, vol_index, volumes FROM refs WHERE serial = 'SET_MV' ORDER BY file")" \
	"mv/a first.txt|1|3
mv/big.bin|1|3
mv/z last.txt|3|3" "each file's reference names the volume where it starts"
sleep 1         # "newest first" by the time catalogued
run v catalog "$tmp/B.iso"
is "$rc" 0 "catalog SET_B (no --serial: the volume's) exits 0"
run v where /data/random.bin --json
is "$rc" 0 "where --json exits 0"
is "$(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print(" ".join(x["serial"] for x in r), r[0]["index"], r[0]["volumes"], r[0]["size"], r[0]["created"], r[0]["sha256"])' "$out")" \
	"SET_B SET_A 1 1 50000 2023-11-14T22:13:20Z $(sum "$tmp/data/random.bin")" \
	"where --json: both references, newest first, with index, size, creation time and sha256"

# ---- ADD&CATALOG ----
v create "$tmp/C.iso" "$tmp/data" --serial SET_C >/dev/null
mkdir -p "$tmp/more"
cp "$tmp/data/random.bin" "$tmp/more/"
echo new >"$tmp/more/new.txt"
v create "$tmp/D.iso" "$tmp/more" --serial SET_D >/dev/null
before="$(refs) $(runs)"
run v catalog "$tmp/D.iso" --add
is "$rc" 1 "--add with a file never catalogued: exit 1"
is "$err" "volarc: '$tmp/D.iso': 'more/new.txt' has no backup reference in the catalog: --add records only known files
volarc: '$tmp/D.iso': 'more/random.bin' has no backup reference in the catalog: --add records only known files
volarc: '$tmp/D.iso': 2 files are not catalogued yet: nothing catalogued" \
	"--add: each unknown file named (a file is known by its name in the set, not its bytes)"
is "$(refs) $(runs)" "$before" "--add: nothing recorded"
run v catalog "$tmp/C.iso" --add
is "$rc" 0 "--add of a set whose files are all catalogued exits 0"
is "$(sql "$db" "SELECT count(*), min(kind) FROM refs JOIN catalogings c ON c.id = cataloging WHERE refs.serial = 'SET_C'")" \
	"3|add" "--add: the references recorded as ADD&CATALOG"

# ---- the serial the volume must have ----
before="$(refs) $(runs)"
run v catalog "$tmp/A.iso" --serial SET_X
is "$rc:$err" "1:volarc: '$tmp/A.iso' is of set SET_A, not SET_X: nothing catalogued" "--serial that is not the volume's: refused"
is "$(refs) $(runs)" "$before" "--serial mismatch: nothing recorded"

# ---- an ISO made by another tool has no checksums to check ----
if command -v xorriso >/dev/null; then
	xorriso -as mkisofs -quiet -R -J -o "$tmp/foreign.iso" "$tmp/data" 2>/dev/null
	before="$(refs) $(runs)"
	run v catalog "$tmp/foreign.iso"
	is "$rc:$err" "1:volarc: '$tmp/foreign.iso' has no volarc set directory: only volumes made by 'volarc create' can be catalogued" \
		"an xorriso ISO: not catalogued"
	run v link "$tmp/none" --at "$tmp/foreign.iso"
	is "$rc:$err" "1:volarc: --at '$tmp/foreign.iso' has no volarc set directory" "an xorriso ISO: no link to it"
	is "$(refs) $(runs) $(sql "$db" "SELECT count(*) FROM links")" "$before 0" "an xorriso ISO: nothing recorded"
else
	ok 1 "xorriso is installed (scripts/install-deps)"
fi

# ---- a byte flipped inside a file of a volume ----
cp -r "$tmp/set" "$tmp/bad"
isoinfo -R -i "$tmp/bad/002" -x /.volarc/set.json >"$tmp/bad.json"
off=$(python3 -c 'import json, sys; print([e for e in json.load(open(sys.argv[1]))["entries"] if e["name"] == "mv/big.bin"][0]["pieces"][1][1])' "$tmp/bad.json")
flip_byte "$tmp/bad/002" "$tmp/mv/big.bin" "$off"
ok $? "a byte of big.bin flipped on volume 2 (its piece from byte $off)"
v create "$tmp/bad1.iso" "$tmp/data" --serial BAD_ONE >/dev/null
flip_byte "$tmp/bad1.iso" "$tmp/data/random.bin"
before="$(refs) $(runs)"
# case | volume | the one bad file named
corrupt="split file|$tmp/bad|mv/big.bin
whole file|$tmp/bad1.iso|data/random.bin"
while IFS='|' read -r c vol name; do
	run v catalog "$vol"
	is "$rc" 1 "$c: catalog exits 1"
	like "$(printf '%s\n' "$err" | head -n 1)" "^volarc: '$vol': '$name': checksum mismatch: the volume's data is damaged \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\)\$" \
		"$c: the damaged file is named"
	like "$(printf '%s\n' "$err" | tail -n 1)" "^volarc: '$vol': 1 of 3 files failed the check: nothing catalogued\$" "$c: nothing catalogued"
	is "$(refs) $(runs)" "$before" "$c: the catalog is unchanged"
	mkdir -p "$tmp/dmg.$c"
	run v copy "$vol" "$name" --to "$tmp/dmg.$c"
	is "$rc" 1 "$c: copy of the damaged file fails"
	is "$(find "$tmp/dmg.$c" -type f)" "" "$c: copy left nothing of it"
done <<<"$corrupt"

# ---- a volume missing from a set ----
cp -r "$tmp/set" "$tmp/gap"
rm "$tmp/gap/002"
before="$(refs) $(runs)"
run v catalog "$tmp/gap"
is "$rc" 1 "missing volume: catalog exits 1"
like "$err" "volarc: '$tmp/gap': '[^']+': volume 2 of set SET_MV is missing: no '$tmp/gap/002'" \
	"missing volume: named with its path, for each file it holds"
is "$(refs) $(runs)" "$before" "missing volume: nothing recorded"
run v copy "$tmp/gap" "mv/a first.txt" --to "$tmp/gapout"
is "$rc" 1 "copy --to a missing directory: exit 1"
mkdir "$tmp/gapout"
run v copy "$tmp/gap" "mv/a first.txt" --to "$tmp/gapout"
is "$rc" 0 "missing volume: a file on volume 1 alone is copied"
cmp -s "$tmp/mv/a first.txt" "$tmp/gapout/mv/a first.txt"
ok $? "missing volume: and it is right"
run v copy "$tmp/gap" mv/big.bin --to "$tmp/gapout"
is "$rc:$err" "1:volarc: volume 2 of set SET_MV is missing: no '$tmp/gap/002'" "missing volume: the split file needs it, the error names it"

# ---- links: images resident elsewhere ----
mkdir -p "$tmp/vault"
mv "$tmp/set" "$tmp/vault/set"
run v copy "$tmp/set" mv/big.bin --to "$tmp/linkout"
is "$rc" 1 "moved away, no link: copy fails"
run v link "$tmp/set" --at "$tmp/vault/set"
is "$rc:$out" "0:'$tmp/set' (set SET_MV): its images are resident at '$tmp/vault/set'" "link records where the set is resident"
is "$(sql "$db" "SELECT volume, serial, path FROM links")" "$tmp/set|SET_MV|$tmp/vault/set" "the link is in the catalog"
mkdir "$tmp/linkout"
run v copy "$tmp/set" mv/big.bin --to "$tmp/linkout"
is "$rc" 0 "copy follows the link"
is "$err" "volarc: '$tmp/set' is not here: reading it where the catalog says it is resident, '$tmp/vault/set'" "copy says it follows the link"
cmp -s "$tmp/mv/big.bin" "$tmp/linkout/mv/big.bin"
ok $? "the file read through the link is right"
run v catalog "$tmp/set"
is "$rc" 0 "catalog follows the link"
like "$err" "resident, '$tmp/vault/set'" "catalog says so"
is "$(sql "$db" "SELECT DISTINCT volume FROM refs WHERE serial = 'SET_MV'")" "$tmp/set" "the references keep the set's own name"
# a gap filled through a link: volume 2 from the vault, the others here
run v link "$tmp/gap" --at "$tmp/vault/set"
run v copy "$tmp/gap" mv/big.bin --to "$tmp/gapout"
is "$rc" 0 "a missing volume read where the link says"
is "$err" "volarc: volume 002 is not here: reading it where the catalog says the set is resident, '$tmp/vault/set/002'" \
	"the one volume read elsewhere is named"
run v link "$tmp/A.iso" --at "$tmp/vault/set"
is "$rc:$err" "1:volarc: '$tmp/A.iso' was catalogued as set SET_A, but '$tmp/vault/set' holds set SET_MV: not linked" \
	"link to images of another set: refused"
run v where nothing/like/this
is "$rc:$err" "1:volarc: 'nothing/like/this': no backup reference in the catalog" "where: a file never catalogued"
VOLARC_CATALOG=$tmp/none.db run v where data/empty
is "$rc:$err" "1:volarc: catalog '$tmp/none.db': No such file or directory" "where: no catalog"
run v --catalog "$tmp/none.db" where data/empty
is "$rc" 2 "--catalog before the subcommand: usage error"
run v where data/empty --catalog "$tmp/none.db"
is "$rc" 1 "--catalog PATH: that catalog is read"

# ---- concurrent writers: fresh databases, eight catalog runs at once ----
# (the first moments of a new database, WAL mode and tables, are the
# racy part: each round starts from nothing)
for s in P Q R S; do
	mkdir -p "$tmp/c$s"
	for i in $(seq 40); do echo "$s $i" >"$tmp/c$s/f$i"; done
	v create "$tmp/c$s.iso" "$tmp/c$s" --serial "SET_$s" >/dev/null
done
for round in 1 2 3; do
	cdb=$tmp/concurrent$round.db
	pids=()
	for s in P Q R S P Q R S; do
		VOLARC_CATALOG=$cdb "$ALTKIT" volarc catalog "$tmp/c$s.iso" >"$tmp/c.$round.$s.$RANDOM.out" 2>&1 &
		pids+=($!)
	done
	st=0
	for p in "${pids[@]}"; do wait "$p" || st=1; done
	ok "$st" "round $round: eight concurrent catalog runs on a new database all succeed" ||
		cat "$tmp"/c.$round.*.out >&2
	is "$(sql "$cdb" "PRAGMA integrity_check")" ok "round $round: the database is intact"
	is "$(sql "$cdb" "SELECT count(*), count(DISTINCT file || serial) FROM refs")" "160|160" \
		"round $round: one reference per file and serial, none lost, none doubled"
	is "$(sql "$cdb" "SELECT count(*), sum(files) FROM catalogings")" "8|320" "round $round: eight catalogings recorded"
	is "$(sql "$cdb" "SELECT count(*) FROM refs r JOIN catalogings c ON c.id = r.cataloging AND c.serial = r.serial")" 160 \
		"round $round: every reference belongs to a cataloging of its set"
done

# ---- a crash in the middle of recording: all or nothing ----
before="$(refs) $(runs)"
VOLARC_TEST_CRASH_AFTER=2 run v catalog "$tmp/cP.iso"
is "$rc" 99 "a catalog run killed after 2 of 40 references (exit 99)"
is "$(sql "$db" "PRAGMA integrity_check")" ok "after the crash: the database is intact"
is "$(refs) $(runs)" "$before" "after the crash: nothing of the interrupted run is recorded"
run v catalog "$tmp/cP.iso"
is "$rc:$(sql "$db" "SELECT count(*) FROM refs WHERE serial = 'SET_P'")" "0:40" "after the crash: the run again records all 40"

done_testing
