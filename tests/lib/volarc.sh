# Helpers of the volarc tests (source after tap.sh).
#   manifest DIR [PRECISION]   one line per file and directory below DIR:
#                              "kind mode mtime size sha256 path", mtime with
#                              PRECISION decimals (default 9, 0: seconds)
#   volarc_tree DIR            the standard test tree (names with spaces and
#                              non-ASCII letters, a 0-byte file, an empty
#                              directory, odd modes, old times with ns)
#   flip_byte IMAGE FILE [OFF] flip one byte in IMAGE inside FILE's data
#                              (found by its 64 bytes at OFF, default 0)
#   sql DB QUERY               run a query with Python's sqlite3, rows as
#                              "a|b|c" lines (independent of volarc)

manifest() {
	local dir=$1 prec=${2:-9}
	(cd "$dir" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		while IFS= read -r -d '' p; do
			if [ -d "$p" ]; then
				printf 'd %s %s - - %s\n' "$(stat -c %a "$p")" "$(stat -c "%.${prec}Y" "$p")" "${p#./}"
			else
				printf 'f %s %s %s %s %s\n' "$(stat -c %a "$p")" "$(stat -c "%.${prec}Y" "$p")" \
					"$(stat -c %s "$p")" "$(sha256sum <"$p" | cut -d' ' -f1)" "${p#./}"
			fi
		done)
}

volarc_tree() {
	local t=$1
	mkdir -p "$t/docs/deep/a/b/c/d/e/f/g/h" "$t/empty dir" "$t/Grüße"
	echo "hello from the volume" >"$t/docs/A long name with spaces.txt"
	printf '#!/bin/sh\necho hi\n' >"$t/docs/exec.sh"
	chmod 750 "$t/docs/exec.sh"
	: >"$t/zero bytes"
	echo "ünïcødé" >"$t/Grüße/日本語のファイル.txt"
	head -c 300000 /dev/urandom >"$t/docs/deep/a/b/c/d/e/f/g/h/leaf.bin"
	head -c 70000 /dev/urandom >"$t/random.bin"
	chmod 604 "$t/random.bin"
	touch -d '2001-02-03 04:05:06.123456789' "$t/docs/exec.sh"
	touch -d '1999-12-31 23:59:58.5' "$t/zero bytes"
	chmod 700 "$t/Grüße"
	touch -d '2010-10-10 10:10:10.101010101' "$t/Grüße" "$t/empty dir" "$t/docs"
}

flip_byte() {
	python3 - "$1" "$2" "${3:-0}" <<'PY'
import sys
img, src, off = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, 'rb') as f:
    f.seek(off)
    head = f.read(64)
with open(img, 'r+b') as f:
    d = f.read()
    at = d.find(head)
    if at < 0 or d.find(head, at + 1) >= 0:
        sys.exit("the file's data is not in the image exactly once")
    f.seek(at + 32)
    b = f.read(1)
    f.seek(at + 32)
    f.write(bytes([b[0] ^ 0x01]))
PY
}

sql() {
	python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute(sys.argv[2]):
    print('|'.join('' if v is None else str(v) for v in row))
PY
}
