#!/bin/bash
# altkit extfs: bad inputs get one clear line on stderr and the right exit code
# (1: the work failed, 2: bad invocation); nothing on stdout.
. "$(dirname "$0")/../lib/tap.sh"
for t in mke2fs debugfs python3; do
	command -v $t >/dev/null || fail_all "the host's $t is installed (scripts/install-deps)"
done
T=$(mktemp -d "${TMPDIR:-/tmp}/extfs-err.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

truncate -s 16M zeros.img
echo hello >tiny
truncate -s 16M jdev.img && mke2fs -q -F -O journal_dev jdev.img
truncate -s 16M ok.img && mke2fs -q -F -t ext4 ok.img
cp ok.img rofeat.img && debugfs -w -R "feature FEATURE_R20" rofeat.img >/dev/null 2>&1
# an incompat feature libext2fs does not know (compression, 0x1 of s_feature_incompat;
# no metadata_csum, which would refuse the superblock first)
truncate -s 16M incompat.img && mke2fs -q -F -t ext4 -O ^metadata_csum incompat.img
python3 - incompat.img <<'EOF'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    f.seek(1024 + 0x60)
    v, = struct.unpack("<I", f.read(4))
    f.seek(1024 + 0x60)
    f.write(struct.pack("<I", v | 1))
EOF
mkdir adir

# case_ 'what' EXIT 'stderr' altkit-extfs-args...
case_() {
	local what=$1 want_rc=$2 want_err=$3
	shift 3
	run "$ALTKIT" extfs "$@"
	is "$rc:$out:$err" "$want_rc::$want_err" "$what"
}

case_ "info: not an ext filesystem" 1 "extfs: 'zeros.img': not an ext2/3/4 filesystem" info zeros.img
case_ "info: a file too short for a superblock" 1 "extfs: 'tiny': not an ext2/3/4 filesystem" info tiny
case_ "info: no such file" 1 "extfs: 'nope.img': No such file or directory" info nope.img
case_ "info: a directory" 1 "extfs: 'adir': Is a directory" info adir
case_ "info: an external journal" 1 \
      "extfs: 'jdev.img': an external journal device, not a filesystem" info jdev.img
case_ "info: an incompat feature libext2fs does not know" 1 \
      "extfs: 'incompat.img': Filesystem has unsupported feature(s)" info incompat.img
case_ "mkfs-args: a feature mke2fs cannot set" 1 \
      "extfs: 'rofeat.img': feature 'FEATURE_R20' cannot be recreated by mke2fs" \
      mkfs-args --size 16M rofeat.img
run "$ALTKIT" extfs info rofeat.img
like "$out" "mke2fs_can_recreate=no" "info says which cannot be recreated"
case_ "mkfs-args: not an ext filesystem" 1 "extfs: 'zeros.img': not an ext2/3/4 filesystem" \
      mkfs-args --size 16M zeros.img
case_ "min-size: no such file" 1 "extfs: 'nope.img': No such file or directory" min-size nope.img
case_ "tune-args: the target is no filesystem" 1 "extfs: 'zeros.img': not an ext2/3/4 filesystem" \
      tune-args ok.img zeros.img
case_ "copy-used: not an ext filesystem" 1 "extfs: 'zeros.img': not an ext2/3/4 filesystem" \
      copy-used zeros.img ok.img
case_ "copy-used: no target" 1 "extfs: 'nope.img': No such file or directory" copy-used ok.img nope.img
case_ "copy-used: a directory as the target" 1 \
      "extfs: 'adir': neither a block device nor a regular file" copy-used ok.img adir
case_ "copy-used: onto itself" 1 "extfs: 'ok.img' and 'ok.img' are the same" copy-used ok.img ok.img
ln -s ok.img link.img
case_ "copy-used: onto itself through a symlink" 1 "extfs: 'ok.img' and 'link.img' are the same" \
      copy-used ok.img link.img

# Bad invocations: exit 2.
case_ "mkfs-args without --size" 2 "extfs: mkfs-args needs --size" mkfs-args ok.img
case_ "a size that is none" 2 "extfs: '12Q': not a size" mkfs-args --size 12Q ok.img
case_ "an unknown subcommand" 2 "extfs: 'frob' is not an extfs command; see 'altkit extfs --help'" frob ok.img
run "$ALTKIT" extfs info
is "$rc" 2 "info without DEV: exit 2"
like "$err" "^Usage: altkit extfs info DEV" "info without DEV: the usage"
run "$ALTKIT" extfs copy-used ok.img
is "$rc" 2 "copy-used with one argument: exit 2"
run "$ALTKIT" extfs info --bogus ok.img
is "$rc" 2 "an unknown option: exit 2"
run "$ALTKIT" extfs --help
is "$rc:$err" "0:" "--help: exit 0, nothing on stderr"
like "$out" "copy-used" "--help lists the subcommands"
run "$ALTKIT" extfs info --help
is "$rc" 0 "a subcommand's --help: exit 0"
run "$ALTKIT" extfs
is "$rc" 2 "no subcommand: exit 2"

done_testing
