#!/bin/bash
# treediff A B: one line per difference, for every item the copy keeps;
# exit 0 same, 1 different, 2 trouble.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/gentree.sh"
ct_setup
cd "$W" || exit 1

mkdir -p a/dir
echo hello >a/f
echo g >a/g
echo h >a/dir/h
ln -s f a/l
echo linked >a/hl1
ln a/hl1 a/hl2
truncate -s 1M a/sp && echo data | dd of=a/sp conv=notrunc status=none
mknod a/dev c 1 3
mkfifo a/fifo
setfattr -n user.x -v 1 a/f
touch -d '2020-02-02 02:02:02.222222222' a/f a/g a/dir/h a/hl1 a/sp a/dev a/fifo a/dir a
touch -h -d '2020-02-02 02:02:02.222222222' a/l

n=0
# case_ 'what' 'mutation of b (shell)' 'expected output' [treediff options]
case_() {
	local what=$1 mutate=$2 want=$3
	shift 3
	n=$((n + 1))
	local b=b$n
	"$ALTKIT" copytree a "$b" || { ok 1 "$what: copy"; return; }
	(cd "$W" && b=$b eval "$mutate")
	run "$ALTKIT" treediff "$@" a "$b"
	local want_rc=1
	[ -z "$want" ] && want_rc=0
	is "$rc" "$want_rc" "$what: exit $want_rc"
	is "$out" "$want" "$what: ${want:-no difference}"
	is "$err" "" "$what: nothing on stderr"
}

mt=$(stat -c %.9Y a/f)
case_ "the same"            ':' ''
case_ "content, same size"  'printf hellO | dd of=$b/f conv=notrunc status=none; touch -r a/f $b/f' \
      './f: content differs at byte 4'
case_ "size"                'echo more >>$b/f; touch -r a/f $b/f' './f: size 6 != 11'
case_ "mode"                'chmod 600 $b/f' './f: mode 0644 != 0600'
case_ "owner"               'chown 1:2 $b/f' './f: owner 0:0 != 1:2'
case_ "mtime"               'touch -m -d @1000000000.5 $b/f' "./f: mtime $mt != 1000000000.500000000"
case_ "atime"               'touch -a -d @1000000000.5 $b/f' "./f: atime $mt != 1000000000.500000000"
case_ "atime, --no-atime"   'touch -a -d @1000000000.5 $b/f' '' --no-atime
case_ "only in A"           'rm $b/f; touch -r a $b' './f: only in A'
case_ "only in B"           'touch $b/new; touch -r a $b' './new: only in B'
case_ "type"                'rm $b/g; mkdir $b/g; touch -r a/g $b/g; touch -r a $b' \
      './g: type regular file != directory'
case_ "symlink target"      'rm $b/l; ln -s other $b/l; touch -h -r a/l $b/l; touch -r a $b' \
      "./l: size 1 != 5
./l: symlink target 'f' != 'other'"
case_ "xattr value"         'setfattr -n user.x -v 2 $b/f' "./f: xattr 'user.x' differs"
case_ "xattr only in B"     'setfattr -n user.y -v 1 $b/f' "./f: xattr 'user.y' only in B"
case_ "xattr only in A"     'setfattr -x user.x $b/f' "./f: xattr 'user.x' only in A"
case_ "ACL"                 'setfacl -m u:7:r $b/f' "./f: xattr 'system.posix_acl_access' only in B"
case_ "inode flags"         'chattr +i $b/f' './f: inode flags - != i'
chattr -i "b$n/f"
case_ "hard links"          'cp -p $b/hl2 $b/tmp && mv $b/tmp $b/hl2; touch -r a $b; touch -r a/hl1 $b/hl1' \
      "./hl1: links 2 != 1
./hl2: links 2 != 1
./hl2: hard links differ: in A the same file as './hl1'"
case_ "holes"               'dd if=/dev/zero of=$b/sp bs=4k seek=10 count=1 conv=notrunc status=none; touch -r a/sp $b/sp' \
      './sp: holes differ'
case_ "device numbers"      'rm $b/dev; mknod $b/dev c 1 5; touch -r a/dev $b/dev; touch -r a $b' \
      './dev: device 1:3 != 1:5'
case_ "FIFO mode"           'chmod 600 $b/fifo' './fifo: mode 0644 != 0600'
case_ "below the top"       'chmod 600 $b/dir/h' './dir/h: mode 0644 != 0600'
case_ "directory times"     'touch -d @1000000000 $b/dir' "./dir: mtime $(stat -c %.9Y a/dir) != 1000000000.000000000
./dir: atime $(stat -c %.9X a/dir) != 1000000000.000000000"
printf '^./f$\n' >list
case_ "-e hides a path"     'echo changed >$b/f' '' -e list
case_ "--no-data"           'printf hellO | dd of=$b/f conv=notrunc status=none; touch -r a/f $b/f' '' --no-data
"$ALTKIT" copytree a bq && chmod 600 bq/f
run "$ALTKIT" treediff -q a bq
is "$rc:$out:$err" "1::" "-q: prints nothing, exit 1 all the same"

run "$ALTKIT" treediff a
is "$rc:$err" "2:treediff: A and B are needed
Usage: treediff A B [OPTIONS]; see 'treediff --help'" "one tree: exit 2"
run "$ALTKIT" treediff a nosuch
is "$rc:$err" "2:treediff: cannot open 'nosuch': No such file or directory" "a missing tree: exit 2"
printf '\\(\n' >bad
run "$ALTKIT" treediff -e bad a b1
like "$rc:$err" "^2:treediff: 'bad' line 1: invalid pattern '\\\\\(': " "an invalid pattern: exit 2"

# Deeper than PATH_MAX, with few descriptors.
mkdir deep
(cd deep && for i in $(seq 1 300); do mkdir dddddddddddddddddddd && cd dddddddddddddddddddd || exit; done; echo bottom >f)
"$ALTKIT" copytree deep deep2
(cd deep2 && for i in $(seq 1 300); do cd dddddddddddddddddddd || exit; done; chmod 600 f)
run bash -c 'ulimit -n 32 && exec "$0" treediff --no-atime "$1" "$2"' "$ALTKIT" deep deep2
is "$rc" 1 "a tree of 6,300-byte paths with 32 descriptors: exit 1"
like "$out" '^\./(d{20}/){300}f: mode 0644 != 0600$' "...and the difference at the bottom"

done_testing
