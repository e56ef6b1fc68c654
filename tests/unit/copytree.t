#!/bin/bash
# copytree: a tree holding every item a root filesystem holds is copied with
# nothing lost, as an independent walker (tests/lib/gentree.py) sees it.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/gentree.sh"
ct_setup

run gen make "$W/src"
is "$rc" 0 "the generator made the tree (4 GiB sparse file, 5,000-deep chain, ...)" || diag "$err"

# What the checker must see in the tree: every kind of item, so a copy that
# drops one cannot pass by accident.
want="checked: acl=3 append=1 blk=1 capability=1 chr=4 default-acl=1 dir=5021 fifo=3 hardlinked=15 immutable=4 lnk=9 maxdepth=5001 newline-name=1 non-utf8-name=1 reg=47 setid-sticky=9 sock=1 sparse=3 xattrs=10"

passwd_before=$(stat -c '%Y %s' /etc/passwd; md5sum </etc/passwd)

run "$ALTKIT" copytree "$W/src" "$W/dst"
is "$rc" 0 "copytree exits 0"
is "$err" "" "copytree is quiet when all went well"
is "$out" "" "copytree prints nothing without -V"

run gen compare "$W/src" "$W/dst"
is "$rc" 0 "the independent checker finds no difference" || diag "$out"
is "$(printf '%s\n' "$out" | tail -n 1)" "$want" "the checker looked at every kind of item"

run "$ALTKIT" treediff "$W/src" "$W/dst"
is "$rc:$out:$err" "0::" "treediff finds no difference"

# Spot checks with the system's own tools (neither altkit nor the checker).
d=$W/dst
is "$(stat -c %h "$d/links/a/h1"):$(stat -c %i "$d/links/a/h1")" \
   "3:$(stat -c %i "$d/links/b/sub/h3")" "hard links across directories: one inode, 3 names"
is "$(stat -c %h "$d/links/b/h2")" 3 "the link count is 3 on every name"
is "$(stat -c '%h %F' "$d/links/b/symlink-linked" "$d/links/b/fifo-linked" "$d/links/b/dev-linked")" \
   "2 symbolic link
2 fifo
2 character special file" "hard-linked symlinks, FIFOs and devices keep their links"
is "$(getcap "$d/xattrs/capability" | sed 's/.* //')" "cap_net_admin,cap_net_raw=ep" \
   "security.capability survives the chown of its file"
is "$(stat -c '%u:%g %a' "$d/xattrs/capability")" "1001:1001 755" "...which keeps its owner"
is "$(getfacl -cp "$d/xattrs/acl" 2>/dev/null | grep -c 'user:1234:rw-')" 1 "an access ACL is kept"
is "$(getfacl -cp "$d/xattrs/acl-dir" 2>/dev/null | grep -c '^default:group:5678:r-x')" 1 \
   "a default ACL is kept"
is "$(stat -c %a "$d/files/setuid-owned"):$(stat -c %u:%g "$d/files/setuid-owned")" \
   "6750:1234:1234" "setuid and setgid survive the chown"
is "$(stat -c %a "$d/dirs/sticky")" 1777 "a sticky directory"
is "$(lsattr -d "$d/flags/immutable" | cut -c5)" i "chattr +i on a file"
is "$(lsattr -d "$d/flags/immutable-dir" | cut -c5)" i "chattr +i on a directory with contents"
is "$(lsattr -d "$d/flags/append-only" | cut -c6)" a "chattr +a"
is "$(lsattr -d "$d/links/b/immutable-linked" | cut -c5):$(stat -c %h "$d/links/b/immutable-linked")" \
   "i:2" "an immutable file with two names: linked first, immutable last"
is "$(du -k "$d/sparse/4g" | cut -f1)" "$(du -k "$W/src/sparse/4g" | cut -f1)" \
   "the 4 GiB sparse file uses the same blocks (holes stay holes)"
is "$(stat -c %s "$d/sparse/4g")" 4294967296 "...and has its size"
is "$(stat -c '%u:%g %y' "$d/symlinks/owned")" "$(stat -c '%u:%g %y' "$W/src/symlinks/owned")" \
   "a symlink keeps its own owner and mtime (not its target's)"
is "$(readlink "$d/symlinks/absolute-outside")" /etc/passwd "a symlink out of the tree is copied as a symlink"
is "$(stat -c '%t:%T' "$d/special/big-numbers")" "fa0:f4240" "a device with large major:minor"
is "$(stat -c %F "$d/special/socket")" socket "a socket"
is "$(cat "$d/names/new"$'\n'"line")" "new"$'\n'"line" "a name with a newline"
is "$(cd "$d/deep" && find . -name bottom | awk '{print length($0)}')" 10008 \
   "the bottom of the 5,000-deep chain (a path of 10,008 bytes)"
is "$(stat -c '%Y %s' /etc/passwd; md5sum </etc/passwd)" "$passwd_before" \
   "nothing outside DST changed"

# Few descriptors: the directory descriptor cache stays within RLIMIT_NOFILE.
run bash -c 'ulimit -n 48 && exec "$0" copytree -j 2 "$1" "$2"' "$ALTKIT" "$W/src" "$W/dst-fds"
is "$rc:$err" "0:" "a 5,000-deep tree copies with 48 file descriptors"
run gen compare "$W/src" "$W/dst-fds"
is "$rc" 0 "...completely" || diag "$out"
run bash -c 'ulimit -n 48 && exec "$0" treediff "$1" "$2"' "$ALTKIT" "$W/src" "$W/dst-fds"
is "$rc:$out:$err" "0::" "treediff too works with 48 file descriptors"
gen rm "$W/dst-fds"

# One thread, many threads: the same result.
for j in 1 16; do
	run "$ALTKIT" copytree -j $j "$W/src" "$W/dst-j$j"
	is "$rc:$err" "0:" "copytree -j $j"
	run gen compare "$W/src" "$W/dst-j$j"
	is "$rc" 0 "copytree -j $j: no difference" || diag "$out"
	gen rm "$W/dst-j$j"
done

# --verify, -V, --json
run "$ALTKIT" copytree --verify -V "$W/src" "$W/dst-v"
is "$rc" 0 "--verify: exit 0 when the copy is the same"
is "$(printf '%s\n' "$out" | grep -c '^\./deep/d')" 5001 "-V lists every entry copied (5,001 in the chain)"
like "$err" "^copytree: 42 files, 5020 directories, 8 symlinks, 7 special files, 8 hard links, " \
	"-V ends with a summary on stderr"

run "$ALTKIT" copytree --json "$W/src/files" "$W/dst-json"
is "$rc" 0 "--json: exit 0"
is "$("$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["files"], d["failures"], d["errors"])' <<<"$out")" \
   "ok 12 0 []" "--json: a summary object on stdout"

# Progress: on a terminal only (or with --progress), files, bytes, rate, ETA.
# (ALTKIT_PROGRESS_MS makes it come every millisecond, so a short copy shows it.)
if command -v script >/dev/null; then
	tty_out=$(ALTKIT_PROGRESS_MS=1 script -qfec "'$ALTKIT' copytree -j 1 '$W/src/files' '$W/dst-tty'" /dev/null)
	like "$tty_out" $'\r\e\\[Kcopytree: [0-9]+ files, [0-9]+ dirs, [0-9.]+ [KMG]?i?B, [0-9.]+ [KMG]?i?B/s' \
	     "on a terminal: a progress line, rewritten in place"
	like "$tty_out" "copytree: 12 files, 0 directories, .* in [0-9.]+ s" "...and a summary at the end"
else
	skip "no script(1) to make a terminal"
	skip "no script(1) to make a terminal"
fi
run env ALTKIT_PROGRESS_MS=1 "$ALTKIT" copytree --progress "$W/src/files" "$W/dst-progress"
like "$(printf '%s\n' "$err" | head -n 1)" '^copytree: [0-9]+ files, [0-9]+ dirs, ' "--progress when not on a terminal: plain lines"
run env ALTKIT_PROGRESS_MS=1 "$ALTKIT" copytree "$W/src/files" "$W/dst-noprogress"
is "$err" "" "not on a terminal: no progress"

# --force copies into a DST that holds entries: replaced, merged, others kept.
mkdir -p "$W/into/files" "$W/into/keep"
echo old >"$W/into/files/text"
ln -s /etc "$W/into/dirs"
run "$ALTKIT" copytree "$W/src/files" "$W/into"
is "$rc" 1 "a DST that is not empty is refused"
mkdir "$W/src2"; cp -a "$W/src/files" "$W/src/symlinks" "$W/src2/"
mkdir "$W/src2/dirs"; touch "$W/src2/dirs/new"
run "$ALTKIT" copytree --force "$W/src2" "$W/into"
is "$rc:$err" "0:" "--force copies into it"
run "$ALTKIT" treediff "$W/src2" "$W/into"
is "$out" "./keep: only in B" "--force: DST is SRC plus what it held before"
is "$(cat "$W/into/files/text")" "hello" "--force replaces a file"
ok "$([ -d "$W/into/keep" ]; echo $?)" "--force keeps entries SRC does not have"
ok "$([ -d "$W/into/dirs" ] && [ ! -L "$W/into/dirs" ] && [ ! -e /etc/new ]; echo $?)" \
   "--force replaces a symlink with the directory, and writes nothing through it"

done_testing
