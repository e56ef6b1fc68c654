#!/bin/bash
# The progress line of every long run (cmd/progress.c): on a terminal a line
# redrawn in place and cleared at the end, nothing without one, and honest:
# a figure shown is data the disk has, not data queued in the page cache.
#
# Honesty is checked against the kernel's own count: the target is a loop
# device, and as each progress line is read the device's written sectors
# (/sys/block/loopN/stat) are sampled. A line printed before the sample can
# only claim what the device had written by then (1 MiB of rounding given).
# A loop device on this host writes about as fast as data is queued, so the
# check that tells counting-when-queued apart runs on a disk QEMU slows
# down: tests/vm/progress.t.
. "$(dirname "$0")/../lib/tap.sh"
for t in mke2fs losetup script xorriso python3; do
	command -v "$t" >/dev/null || fail_all "$t is installed (scripts/install-deps)"
done
[ "$(id -u)" = 0 ] || skip_all "loop devices need root"
[ -x "$ALTKIT" ] || fail_all "$ALTKIT is built (make altkit)"

. "$TOP/tests/lib/loops.sh"

# written DEV: the bytes DEV has written since it was set up (a loop
# device's counts outlive an earlier use of its number).
written() { local w; read -r _ _ _ _ _ _ w _ <"/sys/block/${1##*/}/stat"; echo "$((w * 512))"; }

# sample DEV BASE: each line of stdin (a \r-redrawn terminal line counts as
# a line), prefixed with the bytes DEV had written when it was read, less
# BASE (its count before the run). Read unbuffered, as it comes: a line that
# waited in a buffer would be checked against a later, bigger count.
sample() {
	python3 -c '
import os, re, sys
stat = "/sys/block/%s/stat" % os.path.basename(sys.argv[1])
pending = b""
while True:
    data = os.read(0, 65536)
    if not data:
        break
    pending += data
    *lines, pending = re.split(rb"[\r\n]", pending)
    for line in lines:
        with open(stat) as f:
            written = int(f.read().split()[6]) * 512 - int(sys.argv[2])
        print("%d|%s" % (written, line.decode(errors="replace")), flush=True)
' "$1" "$2"
}

# check_honest NAME TOTAL_MIB: the sampled lines on stdin, each figure
# "N MiB" (the first on the line: what is done) at most what the device had
# written; some lines between nothing and everything; figures never falling.
check_honest() {
	local name=$1 total=$2 verdict
	verdict=$(python3 -c '
import re, sys
total = float(sys.argv[1]) * 2**20
unit = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}
lines = bad = mid = 0
last = 0
for row in sys.stdin:
    written, _, line = row.rstrip("\n").partition("|")
    m = re.search(r"([0-9.]+) (B|KiB|MiB|GiB)(?!/s)", line)
    if not m:
        continue
    shown = float(m.group(1)) * unit[m.group(2)]
    lines += 1
    if shown > int(written) + 2**20:
        bad += 1
        if bad == 1:
            print("ahead: %r with %d bytes written" % (line, int(written)))
    if 0 < shown < total:
        mid += 1
    if shown < last:
        print("fell: %r" % line)
    last = shown
print("lines=%d ahead=%d mid=%s" % (lines, bad, "yes" if mid else "no"))
' "$total")
	like "$verdict" "lines=[0-9]+ ahead=0 mid=yes$" "$name: no figure ahead of the disk, some lines mid-way"
	unlike "$verdict" "fell:" "$name: the figure never falls"
}

# The target: an ext4 filesystem on a loop device.
truncate -s 600M target.img
mke2fs -q -t ext4 -E lazy_itable_init=0,lazy_journal_init=0 target.img
loop tloop --direct-io=on target.img
mkdir mnt && mount "$tloop" mnt && mounts+=("$W/mnt")
mkdir src
for i in 1 2 3; do head -c 120M /dev/urandom >"src/big$i"; done
for i in $(seq 50); do head -c 64K /dev/urandom >"src/small$i"; done
sync

# copytree --progress off a terminal: plain lines.
base=$(written "$tloop")
ALTKIT_PROGRESS_MS=20 "$ALTKIT" copytree --progress src mnt/copy 2>&1 >/dev/null | sample "$tloop" "$base" >copytree.rows
check_honest "copytree" 363 <copytree.rows
cmp -s src/big2 mnt/copy/big2
ok $? "copytree: the copy is the source"

# extfs copy-used on a terminal, to the loop device itself.
umount mnt && mounts=()
truncate -s 400M fs.img
mke2fs -q -t ext4 fs.img
mkdir fsm && mount -o loop fs.img fsm && mounts+=("$W/fsm")
cp src/big1 src/big2 fsm/ && umount fsm && mounts=()
base=$(written "$tloop")
ALTKIT_PROGRESS_MS=20 script -qfec "'$ALTKIT' extfs copy-used fs.img '$tloop'" /dev/null | sample "$tloop" "$base" >extfs.rows
check_honest "extfs copy-used" 250 <extfs.rows

# On a terminal: a line redrawn in place; the end clears it (what follows
# the last clearing is no progress line). Off one: nothing. Each row: the
# command, what its line says.
mkdir few && head -c 24M /dev/urandom >few/data && cp src/small* few/
xorriso -as mkisofs -quiet -o vol.iso -V PROGRESS few 2>/dev/null
while IFS='|' read -r -u 3 name cmd line; do
	rm -rf out.iso set.iso copy
	tty_out=$(ALTKIT_PROGRESS_MS=1 script -qfec "$cmd" /dev/null)
	like "$tty_out" $'\r\e\\[K'"$line" "$name on a terminal: $line"
	tail=${tty_out##*$'\r\e[K'}
	unlike "$tail" "B/s" "$name on a terminal: the line is cleared at the end"
	rm -rf out.iso set.iso copy
	run env ALTKIT_PROGRESS_MS=1 bash -c "$cmd"
	unlike "$err" "[0-9.]+ [KMG]?i?B/s" "$name off a terminal: no progress line"
done 3<<EOF
copytree|'$ALTKIT' copytree few copy|copytree: [0-9]+ files?, [0-9]+ dirs?, [0-9.]+ [KMG]?i?B, [0-9.]+ [KMG]?i?B/s
dupopt|'$ALTKIT' dupopt vol.iso out.iso|dupopt: writing: [0-9.]+ [KMG]?i?B of [0-9.]+ MiB \([0-9]+%\), [0-9.]+ [KMG]?i?B/s
volarc create|'$ALTKIT' volarc create set.iso few|volarc: writing volume 1 of 1: [0-9.]+ [KMG]?i?B of [0-9.]+ MiB \([0-9]+%\)
EOF

done_testing
