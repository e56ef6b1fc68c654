# In the guest: vda and vdb write at 8 MiB/s (qemu/vm wbps=). Each progress
# line of copytree and of extfs copy-used is read as it comes, beside the
# bytes the disk had written by then (/sys/block/vdX/stat, less its count
# before the run); no line may show more than that (1 MiB of rounding given).
. "$PAYLOAD/guest-tap.sh"
export MKE2FS_CONFIG=/etc/mke2fs.conf

written() { set -- $(cat "/sys/block/$1/stat"); echo $(($7 * 512)); }
# sample DEV BASE: each line of stdin as WRITTEN|LINE
sample() {
	while IFS= read -r line; do
		echo "$(($(written "$1") - $2))|$line"
	done
}
# check ROWS TOTAL_MIB: "lines=N ahead=N mid=yes|no", and the first line ahead
check() {
	awk -F'|' -v total="$2" '
	{
		line = $0; sub(/^[^|]*\|/, "", line)
		if (!match(line, /[0-9.]+ (B|KiB|MiB|GiB)[,) ]/)) next
		split(substr(line, RSTART, RLENGTH - 1), f, " ")
		m = f[2] == "GiB" ? 1073741824 : f[2] == "MiB" ? 1048576 : f[2] == "KiB" ? 1024 : 1
		shown = f[1] * m; n++
		if (shown > $1 + 1048576) { bad++; if (!first) first = line " (" $1 " written)" }
		if (shown > 0 && shown < total * 1048576) mid = 1
	}
	END { printf "lines=%d ahead=%d mid=%s%s\n", n, bad, mid ? "yes" : "no", first ? " first: " first : "" }' "$1"
}

# copytree: 3 x 16 MiB and some small files from RAM to ext4 on vda
mkdir -p /src /mnt/t
for i in 1 2 3; do dd if=/dev/urandom of=/src/big$i bs=1M count=16 2>/dev/null; done
for i in 1 2 3 4 5 6 7 8; do dd if=/dev/urandom of=/src/small$i bs=64k count=1 2>/dev/null; done
t "mkfs vda" mke2fs -q -F -t ext4 /dev/vda
t "mount vda" mount -t ext4 /dev/vda /mnt/t
sync
base=$(written vda)
ALTKIT_PROGRESS_MS=200 altkit copytree --progress /src /mnt/t/copy 2>&1 >/dev/null | sample vda "$base" >/tmp/ct.rows
v=$(check /tmp/ct.rows 48)
like "$v" "^lines=[0-9]+ ahead=0 mid=yes$" "copytree: no figure ahead of the disk: $v"
t "copytree: the copy is the source" cmp /src/big3 /mnt/t/copy/big3
umount /mnt/t

# extfs copy-used: an ext4 image in RAM holding 24 MiB, to vdb (on a pty:
# extfs shows its line on a terminal only)
dd if=/dev/zero of=/tmp/fs.img bs=1M count=64 2>/dev/null
t "mkfs fs.img" mke2fs -q -F -t ext4 /tmp/fs.img
t "mount fs.img" mount -o loop /tmp/fs.img /mnt/t
cp /src/big1 /src/big2 /mnt/t/ && umount /mnt/t
sync
base=$(written vdb)
ALTKIT_PROGRESS_MS=200 script -qfc "altkit extfs copy-used /tmp/fs.img /dev/vdb" /dev/null | tr '\r' '\n' | sample vdb "$base" >/tmp/ex.rows
v=$(check /tmp/ex.rows 40)
like "$v" "^lines=[0-9]+ ahead=0 mid=yes$" "extfs copy-used: no figure ahead of the disk: $v"
done_testing
