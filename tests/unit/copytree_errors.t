#!/bin/bash
# copytree: bad inputs and failures give one clear message each and the right
# exit status (2: bad invocation or exclude list, 1: refused or failed).
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/gentree.sh"
ct_setup
cd "$W" || exit 1

mkdir -p src/dir src/sub full empty
echo victim >src/dir/victim
echo other >src/dir/other
echo top >src/top
touch full/x file
ln -s src srclink

# case NAME RC STDERR -- COMMAND...: the exit status and the whole of stderr
case_() {
	local name=$1 want_rc=$2 want_err=$3
	shift 4
	run "$@"
	is "$rc" "$want_rc" "$name: exit $want_rc"
	is "$err" "$want_err" "$name: message"
}

hint="Usage: copytree SRC DST [OPTIONS]; see 'copytree --help'"
# strerror(EIO) of the C library altkit is linked with: musl (the product) or glibc
EIO="Input/output error"
strings -a "$ALTKIT" 2>/dev/null | grep -qx 'I/O error' && EIO="I/O error"
case_ "no arguments"        2 "copytree: SRC and DST are needed"$'\n'"$hint" -- "$ALTKIT" copytree
case_ "one argument"        2 "copytree: SRC and DST are needed"$'\n'"$hint" -- "$ALTKIT" copytree src
case_ "three arguments"     2 "copytree: too many arguments"$'\n'"$hint" -- "$ALTKIT" copytree src d1 d2
case_ "bad thread count"    2 "copytree: '0' is not a number of threads (1 to 256)" -- "$ALTKIT" copytree -j 0 src d1
run "$ALTKIT" copytree --bogus src d1
is "$rc" 2 "an unknown option: exit 2"
like "$err" "bogus" "an unknown option is named"

case_ "missing SRC"         1 "copytree: cannot open 'nosuch': No such file or directory" -- "$ALTKIT" copytree nosuch d1
case_ "SRC is a file"       1 "copytree: 'file' is not a directory" -- "$ALTKIT" copytree file d1
case_ "DST is a file"       1 "copytree: 'file' is not a directory" -- "$ALTKIT" copytree src file
case_ "DST's parent missing" 1 "copytree: cannot create 'no/such/dst': No such file or directory" -- "$ALTKIT" copytree src no/such/dst
case_ "DST inside SRC (new)" 1 "copytree: 'src/sub/dst' is inside 'src'" -- "$ALTKIT" copytree src src/sub/dst
case_ "DST inside SRC (existing)" 1 "copytree: 'src/sub' is inside 'src'" -- "$ALTKIT" copytree src src/sub
case_ "DST inside SRC through a symlink" 1 "copytree: 'srclink/sub/x' is inside 'src'" -- "$ALTKIT" copytree src srclink/sub/x
case_ "DST is SRC"          1 "copytree: 'src' is the same directory as 'src'" -- "$ALTKIT" copytree src src
case_ "DST is SRC, another name" 1 "copytree: 'srclink/.' is the same directory as 'src'" -- "$ALTKIT" copytree src srclink/.
case_ "DST not empty"       1 "copytree: 'full' is not empty (use --force to copy into it)" -- "$ALTKIT" copytree src full
is "$(tree full)" "./x" "...and nothing was written to it"
case_ "DST not empty, --force" 0 "" -- "$ALTKIT" copytree --force src full
case_ "DST empty, existing" 0 "" -- "$ALTKIT" copytree src empty
ok "$([ ! -e src/sub/dst ] && [ ! -e no ] && [ ! -e d1 ]; echo $?)" "refused copies made nothing"

# The exclude list is read before anything is copied.
printf '^./tmp/\n\n/scratch/\n\\(\n' >bad.list
run "$ALTKIT" copytree -e bad.list src d2
is "$rc" 2 "invalid pattern: exit 2"
# the reason is the C library's regerror() text
like "$err" "^copytree: 'bad.list' line 4: invalid pattern '\\\\\\(': .+$" "invalid pattern: message"
ok "$([ ! -e d2 ]; echo $?)" "invalid pattern: DST was not even made"
printf 'ok\nbad\0nul\n' >nul.list
case_ "a NUL byte in a pattern" 2 "copytree: 'nul.list' line 2: invalid pattern 'bad': the line holds a NUL byte" -- "$ALTKIT" copytree -e nul.list src d2
case_ "missing exclude list" 2 "copytree: cannot read exclude list 'no.list': No such file or directory" -- "$ALTKIT" copytree -e no.list src d2

# A file that cannot be read: reported with its path and reason, the copy goes
# on, exit 1, the summary counts it. (Root reads any file, so the test makes
# the read fail with the engine's fault hook, ALTKIT_FAULT_READ=<name>.)
run env ALTKIT_FAULT_READ=victim "$ALTKIT" copytree src d4
is "$rc" 1 "unreadable file: exit 1"
is "$(printf '%s\n' "$err" | head -n 1)" "copytree: cannot read 'src/dir/victim': $EIO" \
   "unreadable file: its path and the reason"
like "$(printf '%s\n' "$err" | tail -n 1)" "^copytree: 2 files, 2 directories, .* 1 failed$" \
   "unreadable file: the summary counts the failure"
run "$ALTKIT" treediff src d4
is "$out" "./dir/victim: only in A" "unreadable file: everything else was copied, no half file left"
run env ALTKIT_FAULT_READ=victim "$ALTKIT" copytree --json src d5
is "$("$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["failures"], d["errors"])' <<<"$out")" \
   "failed 1 [{'path': 'src/dir/victim', 'op': 'read', 'error': '$EIO'}]" \
   "unreadable file: --json says so"

# ENOSPC and EIO on the target stop the copy at once, with one message.
head -c 3M /dev/urandom >src/big
for i in $(seq 1 300); do echo "$i" >src/sub/f$i; done
mkdir small
ct_mount -t tmpfs -o size=1m tmpfs small
run "$ALTKIT" copytree src small/d
is "$rc" 1 "ENOSPC on DST: exit 1"
like "$(printf '%s\n' "$err" | head -n 1)" "^copytree: cannot write 'small/d/[^']+': No space left on device$" \
   "ENOSPC on DST: the message names the file (the first to hit it: the workers run in parallel)"
like "$(printf '%s\n' "$err" | sed -n '2,$p')" "^copytree: stopped after [0-9]+ files?, .*: 'small/d' is incomplete$" \
   "ENOSPC on DST: the copy stops at once, says so, and no cascade of errors follows"
# One worker (-j 1) takes the batches in order: the root's files, dir's, then sub's
# by inode number, f1 first. EIO on f1 must stop everything at once: not one
# more file is made.
case_ "EIO on DST" 1 "copytree: cannot write 'd6/sub/f1': $EIO
copytree: stopped after 4 files, 3.0 MiB: 'd6' is incomplete" \
	-- env ALTKIT_FAULT_WRITE=f1 "$ALTKIT" copytree -j 1 src d6
is "$(find d6/sub -type f | wc -l)" 0 "EIO on DST: the copy stops at once, no file after it is made"
done_testing
