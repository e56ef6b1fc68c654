#!/bin/bash
# copytree stays on SRC's filesystem: a mount point below SRC becomes an empty
# directory (or an empty file, for a bind-mounted file) with the mount point's
# own owner, mode, times and xattrs (those of what the mount hides), bind
# mounts of the same filesystem included; exclude patterns never drop one.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/gentree.sh"
ct_setup
cd "$W" || exit 1

mkdir -p src/mnt src/bind src/other/deeper src/keep src/under
echo x >src/other/deeper/file
echo hidden >src/mnt/hidden-by-the-mount
echo file >src/filemnt
echo over >over
chown 1234:5678 src/mnt && chmod 0750 src/mnt
setfattr -n user.m -v under src/mnt
chown 42:43 src/bind && chmod 0705 src/bind
chown 1:2 src/filemnt && chmod 0640 src/filemnt
touch -d '2011-11-11 11:11:11.123456789' src/mnt src/bind src/keep src/filemnt
ct_mount -t tmpfs -o mode=1777,uid=7,gid=8 tmpfs src/mnt
echo inside >src/mnt/on-the-mount
ct_mount --bind src/other src/bind
ct_mount --bind over src/filemnt
ct_mount -t tmpfs tmpfs src/keep
touch src/keep/on-it

printf '^./keep$\n^./mnt$\n' >list
run "$ALTKIT" copytree -e list src dst
is "$rc:$err" "0:" "copytree exits 0"
# (compare first: listing a directory sets its atime)
run "$ALTKIT" treediff src dst
is "$rc:$out" "0:" "treediff: mount points compared by type only"
run gen compare src dst
is "$rc" 0 "the independent checker agrees" || diag "$out"
like "$out" "mountpoint=4" "...and saw the 4 mount points"
is "$(tree dst)" "./bind
./filemnt
./keep
./mnt
./other
./other/deeper
./other/deeper/file
./under" "mount points are empty; what is on them and under them is not copied"
is "$(stat -c '%F %u:%g %a %y' dst/mnt)" "directory 1234:5678 750 2011-11-11 11:11:11.123456789 +0000" \
   "a mount point gets the owner, mode and times of the directory under the mount"
is "$(getfattr --only-values -n user.m dst/mnt 2>/dev/null)" "under" "...and its xattrs"
is "$(stat -c '%F %u:%g %a %y' dst/bind)" "directory 42:43 705 2011-11-11 11:11:11.123456789 +0000" \
   "a bind mount of the same filesystem is a mount point too"
is "$(stat -c '%F %s %u:%g %a %y' dst/filemnt)" "regular empty file 0 1:2 640 2011-11-11 11:11:11.123456789 +0000" \
   "a bind-mounted file becomes an empty file with the hidden file's metadata"
ok "$([ -d dst/keep ] && [ -d dst/mnt ]; echo $?)" "exclude patterns matching mount points do not drop them"


# DST below SRC, but on another filesystem (as alt_disk_copy copies / to
# /alt_inst): allowed, since the walk does not enter that mount.
run "$ALTKIT" copytree src src/mnt/dst
is "$rc:$err" "0:" "DST inside SRC across a mount point is fine"
ok "$([ -d src/mnt/dst/mnt ] && [ -z "$(ls -A src/mnt/dst/mnt)" ]; echo $?)" \
   "...and the mount point holding DST is copied empty"
run "$ALTKIT" copytree src src/other/dst
is "$rc:$err" "1:copytree: 'src/other/dst' is inside 'src'" \
   "DST inside SRC through a bind mount of SRC's own filesystem is still inside"

done_testing
