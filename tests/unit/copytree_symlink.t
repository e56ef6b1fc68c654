#!/bin/bash
# copytree never follows a symlink, in SRC or in DST: symlinks pointing out
# of either tree cannot make it read or write anything outside them.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/gentree.sh"
ct_setup
cd "$W" || exit 1

# Outside both trees: a directory and files that must not change.
mkdir -p outside/dir
echo precious >outside/victim
echo precious >outside/dir/file
mkfifo outside/fifo
touch -d '2001-01-01' outside/victim outside/dir/file outside/dir outside
snapshot() { (cd outside && find . -printf '%p %y %s %m %T@ %n\n' | LC_ALL=C sort; md5sum victim dir/file); }
before=$(snapshot)

# SRC holds symlinks out of it, of every kind.
mkdir -p src/etc src/d
ln -s "$W/outside/victim" src/abs-file
ln -s ../outside/dir src/rel-dir
ln -s "$W/outside/fifo" src/to-fifo
ln -s /dev/zero src/to-zero
ln -s . src/loop
ln -s src/../../outside src/d/up
echo "new passwd" >src/etc/passwd
echo data >src/d/file
mkfifo src/d/fifo
echo linked >src/d/hard
ln src/d/hard src/etc/hard

run timeout 60 "$ALTKIT" copytree src dst
is "$rc:$err" "0:" "SRC with symlinks out of it, to a FIFO, to /dev/zero, a loop: copied"
for l in abs-file rel-dir to-fifo to-zero loop d/up; do
	is "$(readlink "dst/$l")" "$(readlink "src/$l")" "'$l' is a symlink with the same target"
done
is "$(snapshot)" "$before" "nothing outside changed"
run "$ALTKIT" treediff src dst
is "$rc:$out" "0:" "treediff: the copy is the same"

# DST holds symlinks planted where SRC has directories, files, FIFOs and hard
# links (copying into it with --force): they are replaced, never followed.
mkdir planted
ln -s "$W/outside/dir" planted/etc          # SRC has a directory etc/
ln -s "$W/outside/victim" planted/abs-file  # SRC has a symlink there
ln -s "$W/outside" planted/d                # SRC has a directory d/ with a FIFO and a hard link
touch -d '2001-01-01' outside/dir outside
before=$(snapshot)
run "$ALTKIT" copytree --force src planted
is "$rc:$err" "0:" "copy into a DST with symlinks planted in it"
is "$(snapshot)" "$before" "nothing outside changed"
run "$ALTKIT" treediff src planted
is "$rc:$out" "0:" "treediff: DST is now the same as SRC"
ok "$([ -d planted/etc ] && [ ! -L planted/etc ] && [ "$(cat planted/etc/passwd)" = "new passwd" ]; echo $?)" \
   "a planted symlink to a directory was replaced by the directory"
ok "$([ -d planted/d ] && [ ! -L planted/d ] && [ -p planted/d/fifo ]; echo $?)" \
   "a planted symlink in the way of a directory with a FIFO: replaced"
is "$(stat -c %i planted/d/hard)" "$(stat -c %i planted/etc/hard)" "hard links made inside DST"

# A symlink planted at DST's place of a regular file, pointing at a file
# outside: the file is not written through it.
mkdir planted2
ln -s "$W/outside/victim" planted2/file
mkdir -p src2 && echo mine >src2/file
before=$(snapshot)
run "$ALTKIT" copytree --force src2 planted2
is "$rc:$err" "0:" "copy over a symlink to an outside file"
is "$(snapshot)" "$before" "the outside file was not written"
ok "$([ -f planted2/file ] && [ ! -L planted2/file ]; echo $?)" "the symlink was replaced by the file"

# SRC and DST themselves may be named through symlinks (the arguments are
# the user's own), and nothing below them is followed.
ln -s src srclink
run "$ALTKIT" copytree srclink dst3
is "$rc:$err" "0:" "SRC named through a symlink"
run "$ALTKIT" treediff src dst3
is "$rc:$out" "0:" "...is copied as the directory it names"

done_testing
