#!/bin/bash
# Damaged and hostile inputs (issue #15): each is refused with one clear line
# within seconds (run under timeout 20: exit 124 would be a hang), with the
# right exit status, and nothing is written. Exclude lists, layouts and the
# other files alt_disk_copy reads; damaged ISO 9660 images for isoread and
# volarc; identifiers echoed in messages.
. "$(dirname "$0")/../lib/tap.sh"
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(command -v python3); fi
W=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1

mkdir -p src/dir somedir
echo data >src/dir/file
mkfifo fifo
"$PY" -c "print('a' * 300000)" >long.list
printf 'a\\{1,255\\}\\{1,255\\}\\{1,255\\}\n' >nest.list
printf '\\(\\(x\\{1,20\\}\\)\\{1,20\\}\\)\\{1,20\\}\n' >nestgroup.list
head -c 2M /dev/zero | tr '\0' a >huge.list
printf 'x same ext4 /\n' >layout
printf '#!/bin/sh\n' >script.sh
chmod +x script.sh
A255=$(printf 'a%.0s' $(seq 255))

# The state of everything a refused run could have written to.
state() { find . -path ./fifo -prune -o -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum; find . | sort | sha256sum; }
before=$(state)

# case NAME RC STDERR -- COMMAND...: exit status and the whole of stderr, in
# under 20 seconds (the time is shown as a diagnostic)
case_() {
	local name=$1 want_rc=$2 want_err=$3 t0 t1
	shift 4
	t0=$(date +%s%N)
	run timeout 20 "$@" </dev/null
	t1=$(date +%s%N)
	diag "$name: $(( (t1 - t0) / 1000000 )) ms"
	ok "$([ "$rc" != 124 ]; echo $?)" "$name: does not hang"
	is "$rc" "$want_rc" "$name: exit $want_rc"
	is "$err" "$want_err" "$name: message"
}

# ---- exclude lists: copytree, treediff, alt_disk_copy -----------------------
reason_nest='its repetitions \{m,n\} multiply to more than 1000 copies'
for cmd in copytree treediff; do
	case_ "$cmd: a 300 KB line" 2 "$cmd: 'long.list' line 1: invalid pattern '$A255': longer than 4096 bytes" -- \
		"$ALTKIT" $cmd -e long.list src dst
	case_ "$cmd: nested repetition" 2 "$cmd: 'nest.list' line 1: invalid pattern 'a\\{1,255\\}\\{1,255\\}\\{1,255\\}': $reason_nest" -- \
		"$ALTKIT" $cmd -e nest.list src dst
	case_ "$cmd: nested repetition of groups" 2 "$cmd: 'nestgroup.list' line 1: invalid pattern '\\(\\(x\\{1,20\\}\\)\\{1,20\\}\\)\\{1,20\\}': $reason_nest" -- \
		"$ALTKIT" $cmd -e nestgroup.list src dst
	case_ "$cmd: /dev/zero" 2 "$cmd: cannot read exclude list '/dev/zero': a character device, not a regular file" -- \
		"$ALTKIT" $cmd -e /dev/zero src dst
	case_ "$cmd: 2 MiB without a newline" 2 "$cmd: cannot read exclude list 'huge.list': larger than 1 MiB" -- \
		"$ALTKIT" $cmd -e huge.list src dst
	case_ "$cmd: a FIFO" 2 "$cmd: cannot read exclude list 'fifo': a FIFO, not a regular file" -- \
		"$ALTKIT" $cmd -e fifo src dst
	case_ "$cmd: a directory" 2 "$cmd: cannot read exclude list 'somedir': a directory, not a regular file" -- \
		"$ALTKIT" $cmd -e somedir src dst
done
run timeout 20 "$ALTKIT" copytree -e - src dst </dev/zero
is "$rc:$err" "2:copytree: cannot read exclude list '-': larger than 1 MiB" "copytree -e - from /dev/zero: bounded"
ok "$([ ! -e dst ]; echo $?)" "exclude lists: no copy was made"

# ---- alt_disk_copy: every input file, before the disks ----------------------
adc() { case_ "alt_disk_copy $1" 2 "alt_disk_copy: $2" -- "$ALTKIT" alt_disk_copy -d nosuchdisk "${@:3}"; }
adc "-R /dev/zero" "-R '/dev/zero': a character device, not a regular file" -R /dev/zero
adc "-R a FIFO" "-R 'fifo': a FIFO, not a regular file" -R fifo
adc "-R a directory" "-R 'somedir': a directory, not a regular file" -R somedir
adc "-R 2 MiB" "-R 'huge.list': larger than 1 MiB" -R huge.list
adc "-x a FIFO" "-x 'fifo': a FIFO, not a regular file" -x fifo
adc "-x missing" "-x '/nonexistent': No such file or directory" -x /nonexistent
adc "-s a directory" "-s 'somedir': a directory, not a regular file" -s somedir
adc "-s /dev/zero" "-s '/dev/zero': a character device, not a regular file" -s /dev/zero
adc "-i /dev/zero" "-i '/dev/zero': a character device, not a regular file" -i /dev/zero
adc "-i 2 MiB" "-i 'huge.list': larger than 1 MiB" -i huge.list
adc "-e a FIFO" "-e 'fifo': a FIFO, not a regular file" -e fifo
adc "-e a 300 KB line" "'long.list' line 1: invalid pattern '$A255': longer than 4096 bytes" -e long.list
adc "-e nested repetition" "'nest.list' line 1: invalid pattern 'a\\{1,255\\}\\{1,255\\}\\{1,255\\}': $reason_nest" -e nest.list
adc "a name with a newline" "-R 'new\\nline': No such file or directory" -R $'new\nline'
adc "-b /dev/zero" "-b '/dev/zero': a character device, not a regular file" -l somedir -b /dev/zero
adc "-b a FIFO" "-b 'fifo': a FIFO, not a regular file" -l somedir -b fifo
adc "-f a directory" "-f 'somedir': a directory, not a regular file" -l somedir -f somedir
adc "-f 2 MiB" "-f 'huge.list': larger than 1 MiB" -l somedir -f huge.list
adc "-l a FIFO" "-l 'fifo': not a directory" -l fifo -w marker
adc "-l /dev/zero" "-l '/dev/zero': not a directory" -l /dev/zero -w marker
adc "-l an empty directory" "-l 'somedir': no .deb files and no Packages index in it" -l somedir -w marker
adc "the first bad file in option order (-e -i -R -x -s)" "-i 'fifo': a FIFO, not a regular file" \
	-s somedir -R /dev/zero -i fifo -e layout
run "$ALTKIT" alt_disk_copy --help
ok "$(case $out in *%%*) echo 1 ;; *) echo 0 ;; esac)" "alt_disk_copy --help: no literal %%"
like "$out" "used\+N%," "alt_disk_copy --help: used+N%"

# ---- damaged ISO 9660 images: isoread, volarc --------------------------------
iso() { "$PY" "$TOP/tests/lib/hostile_iso.py" "$1" "$2"; }
for k in ok empty-name joliet-empty-name parent-loop self-loop huge-dir; do iso "$k" "$k.iso"; done
run "$ALTKIT" isoread --fs iso9660 ok.iso list
is "$rc:$(printf '%s\n' "$out" | awk '{print $1, $NF}' | tr '\n' ' ')" "0:d /DIR - /DIR/HELLO.TXT;1 " "the sound image lists"
loop="the directory's records are listed already (a loop)"
empty="a directory record with an empty or impossible name"
case_ "isoread: a record pointing at its parent" 1 \
	"isoread: 'parent-loop.iso': damaged directory tree: '/DIR/LOOP': $loop" -- \
	"$ALTKIT" isoread --fs iso9660 parent-loop.iso list
case_ "isoread: a record pointing at itself" 1 "isoread: 'self-loop.iso': damaged directory tree: '/DIR/SELF': $loop" -- \
	"$ALTKIT" isoread --fs iso9660 self-loop.iso list
case_ "isoread: a name of length 0" 1 "isoread: 'empty-name.iso': damaged directory tree: '/DIR': $empty" -- \
	"$ALTKIT" isoread --fs iso9660 empty-name.iso list
past="the directory's records run past the end of the volume"
case_ "isoread: a directory of 4 GiB on a small volume" 1 "isoread: 'huge-dir.iso': damaged directory tree: '/DIR': $past" -- \
	"$ALTKIT" isoread --fs iso9660 huge-dir.iso list
case_ "isoread cat: a path through a directory of 4 GiB" 1 \
	"isoread: 'huge-dir.iso': '/dir/hello.txt': damaged directory tree: a directory on the way runs past the end of the volume" -- \
	"$ALTKIT" isoread --fs iso9660 huge-dir.iso cat /dir/hello.txt
run timeout 20 "$ALTKIT" isoread --fs joliet joliet-empty-name.iso list
ok "$([ "$rc" -le 1 ]; echo $?)" "isoread: a Joliet name of length 0: no crash (exit $rc)"
case_ "isoread: a FIFO" 1 "isoread: 'fifo': a FIFO, socket or character device, not an image file or optical drive" -- \
	"$ALTKIT" isoread fifo list
case_ "isoread: /dev/zero" 1 "isoread: '/dev/zero': a FIFO, socket or character device, not an image file or optical drive" -- \
	"$ALTKIT" isoread /dev/zero list
case_ "isoread: a directory" 1 "isoread: 'somedir': a directory, not an image file or optical drive" -- \
	"$ALTKIT" isoread somedir list

for k in parent-loop self-loop; do
	rec=LOOP; [ $k = self-loop ] && rec=SELF
	# the default view (Joliet here) is checked too: libisofs reads both trees
	case_ "volarc list: $k" 1 "volarc: '$k.iso': damaged directory tree: '/DIR/$rec': $loop" -- \
		"$ALTKIT" volarc list "$k.iso"
	case_ "volarc list --fs iso9660: $k" 1 "volarc: '$k.iso': damaged directory tree: '/DIR/$rec': $loop" -- \
		"$ALTKIT" volarc list "$k.iso" --fs iso9660
	case_ "volarc copy: $k" 1 "volarc: '$k.iso': damaged directory tree: '/DIR/$rec': $loop" -- \
		"$ALTKIT" volarc copy "$k.iso" DIR/HELLO.TXT --to somedir
done
case_ "volarc list: a name of length 0" 1 "volarc: 'empty-name.iso': damaged directory tree: '/DIR': $empty" -- \
	"$ALTKIT" volarc list empty-name.iso
case_ "volarc list --fs iso9660: a directory of 4 GiB on a small volume" 1 \
	"volarc: 'huge-dir.iso': damaged directory tree: '/DIR': $past" -- "$ALTKIT" volarc list huge-dir.iso --fs iso9660
case_ "volarc list: a FIFO" 1 "volarc: 'fifo' is a FIFO, socket or character device, not a volume image" -- \
	"$ALTKIT" volarc list fifo
case_ "volarc list: /dev/zero" 1 "volarc: '/dev/zero' is a FIFO, socket or character device, not a volume image" -- \
	"$ALTKIT" volarc list /dev/zero

# A volume cut short, and one whose file's extent runs past its end: the
# message names the file on the volume that could not be read.
mkdir cut
(cd cut && mkdir src && head -c 300000 /dev/zero | tr '\0' x >src/big.bin &&
	SOURCE_DATE_EPOCH=1700000000 VOLARC_CATALOG=$W/cut/none.db "$ALTKIT" volarc create v.iso src --serial CUT >/dev/null)
# rec ISO NAME [NEWLSN]: the first sector of the primary tree's record of
# NAME (as "SET.JSON;1"); with NEWLSN every record of it (the Joliet one too)
# points there
rec() {
	"$PY" - "$@" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(sys.argv[2].encode()) - 33
lsn = struct.unpack_from("<I", d, i + 2)[0]
if len(sys.argv) > 3:
    both = lambda n: struct.pack("<I", n) + struct.pack(">I", n)
    d = d.replace(both(lsn), both(int(sys.argv[3])))
    open(sys.argv[1], "wb").write(d)
print(lsn)
PY
}
set_lsn=$(rec cut/v.iso SET.JSON\;1)
head -c $(( (set_lsn + 1) * 2048 )) cut/v.iso >cut/short.iso
case_ "volarc list: the set directory cut short" 1 \
	"volarc: 'cut/short.iso': '.volarc/set.json': the volume ends at byte $(( (set_lsn + 1) * 2048 ))" -- \
	"$ALTKIT" volarc list cut/short.iso
cp cut/v.iso cut/past.iso
sectors=$(( $(stat -c %s cut/past.iso) / 2048 ))
rec cut/past.iso BIG.BIN\;1 $((sectors - 1)) >/dev/null
mkdir cut/out
case_ "volarc copy: a file whose extent runs past the volume's end" 1 \
	"volarc: 'cut/past.iso': 'src/big.bin': the volume ends at byte $((sectors * 2048))" -- \
	"$ALTKIT" volarc copy cut/past.iso src/big.bin --to cut/out
rm -rf cut

# Every byte of the directory records set to 255, every other one to 0: a
# message and exit 0 or 1, never a crash or a hang.
bad=
n=0
flips() { seq "$1" "$2" | sed 's/$/ 255/'; seq "$1" 2 "$2" | sed 's/$/ 0/'; }
while read -r off val; do
	cp ok.iso f.iso
	printf "\\$(printf %03o "$val")" | dd of=f.iso bs=1 seek="$off" conv=notrunc status=none
	for c in "isoread --fs iso9660 f.iso list" "volarc list f.iso --fs iso9660"; do
		timeout 20 "$ALTKIT" $c >/dev/null 2>&1
		r=$?
		n=$((n + 1))
		[ $r -le 1 ] || bad="$bad $off=$val:$c:$r"
	done
done < <(flips $((23 * 2048)) $((23 * 2048 + 105)); flips $((24 * 2048)) $((24 * 2048 + 115)))
is "${bad:-none}" none "$n runs on byte-flipped directory records: no crash, no hang"
rm -f f.iso

# ---- identifiers in messages -------------------------------------------------
case_ "dupopt: an id with a newline" 2 \
	"dupopt: --new-volume-id 'AB\\nC': '\\n' is not allowed: ISO 9660 volume identifiers use A-Z, 0-9 and _" -- \
	"$ALTKIT" dupopt ok.iso out.iso --new-volume-id $'AB\nC'
case_ "dupopt: an id that is not UTF-8" 2 \
	"dupopt: --new-volume-id 'A\\377': '\\377' is not allowed: ISO 9660 volume identifiers use A-Z, 0-9 and _" -- \
	"$ALTKIT" dupopt ok.iso out.iso --new-volume-id $'A\xff'

rm -f ok.iso empty-name.iso joliet-empty-name.iso parent-loop.iso self-loop.iso huge-dir.iso
is "$(state)" "$before" "nothing was written by any refused run"
done_testing
