# In the guest: volume 1 of set VM_SET on /dev/sr0, volumes 2 and 3 in
# $PAYLOAD/rest; $PAYLOAD/list is what the host's volarc list printed,
# $PAYLOAD/sums the checksums of the files put in.
. "$PAYLOAD/guest-tap.sh"
export VOLARC_CATALOG=/tmp/volarc/catalog.db
i=0; while [ ! -b /dev/sr0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
t "the ATAPI drive is /dev/sr0" test -b /dev/sr0
sum() { grep "  $1\$" "$PAYLOAD/sums" | cut -d' ' -f1; }
got() { sha256sum <"$1" | cut -d' ' -f1; }

is "$(volarc list /dev/sr0 2>&1)" "$(cat "$PAYLOAD/list")" "list /dev/sr0: the whole set, from volume 1 alone"
mkdir -p /tmp/o
out=$(volarc copy /dev/sr0 "cd/a first.txt" cd/a-run.sh --to /tmp/o 2>&1); st=$?
is "$st" 0 "copy of files on volume 1: exit 0" || echo "# $out"
is "$(got "/tmp/o/cd/a first.txt")" "$(sum "a first.txt")" "'a first.txt' from the CD matches its checksum"
is "$(stat -c %a /tmp/o/cd/a-run.sh)" 750 "a-run.sh keeps its mode 0750"
out=$(volarc copy /dev/sr0 cd/big.bin --to /tmp/o 2>&1); st=$?
is "$st:$out" "1:volarc: volume 2 of set VM_SET is missing: only '/dev/sr0' (volume 1) is here" \
	"the split file needs volume 2: named"
out=$(volarc link /dev/sr0 --at "$PAYLOAD/rest" 2>&1); st=$?
is "$st:$out" "0:'/dev/sr0' (set VM_SET): its images are resident at '$PAYLOAD/rest'" "link: volumes 2 and 3 are resident on the payload drive"
out=$(volarc copy /dev/sr0 cd/big.bin --to /tmp/o 2>&1); st=$?
is "$st" 0 "copy of the split file through the link: exit 0" || echo "# $out"
like "$out" "volume 002 is not here: reading it where the catalog says the set is resident, '$PAYLOAD/rest/002'" \
	"copy says where volume 2 is read"
is "$(got /tmp/o/cd/big.bin)" "$(sum big.bin)" "big.bin from three volumes matches its checksum"
out=$(volarc catalog /dev/sr0 --serial VM_SET 2>/dev/null); st=$?
is "$st:$out" "0:'/dev/sr0': set VM_SET, 3 volumes: 3 files verified and catalogued in '$VOLARC_CATALOG'" \
	"catalog reads all three volumes, checks and records"
like "$(volarc where cd/big.bin)" "^[0-9-]+ [0-9:]+  VM_SET  volume 1 of 3  /dev/sr0\$" "where: the CD, serial VM_SET, volume 1 of 3"
mkdir -p /tmp/cdrom
t "the kernel mounts the volume" mount -t iso9660 -o ro /dev/sr0 /tmp/cdrom
is "$(cat "/tmp/cdrom/cd/a first.txt")" first "the kernel reads a file of the volume"
is "$(stat -c %a /tmp/cdrom/cd/a-run.sh)" 750 "the kernel reads the Rock Ridge mode"
umount /tmp/cdrom
done_testing
