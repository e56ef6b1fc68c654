# In the guest: our static mke2fs/e2fsck on LVs: ext2, ext3, ext4 made, mounted,
# written, unmounted and checked clean.
. "$PAYLOAD/guest-tap.sh"
export MKE2FS_CONFIG=/etc/mke2fs.conf
t "vgcreate" lvm vgcreate -y fsvg /dev/vda
for fs in ext2 ext3 ext4; do
	t "lvcreate $fs" lvm lvcreate -y -n $fs -L 48m fsvg
	t "mke2fs -t $fs" mke2fs -q -F -t $fs -L "test-$fs" /dev/fsvg/$fs
	is "$(blkid -s TYPE -o value /dev/fsvg/$fs 2>/dev/null || blkid /dev/fsvg/$fs | sed -n 's/.*TYPE="\([^"]*\)".*/\1/p')" $fs "blkid sees $fs"
	mkdir -p /mnt/$fs
	t "mount $fs" mount -t $fs /dev/fsvg/$fs /mnt/$fs
	t "write 4 MiB and a small file on $fs" sh -c "dd if=/dev/urandom of=/mnt/$fs/data bs=1M count=4 2>/dev/null && echo hello > /mnt/$fs/hello"
	sum=$(sha256sum /mnt/$fs/data | cut -d' ' -f1)
	t "umount $fs" umount /mnt/$fs
	t "e2fsck -fn is clean on $fs" e2fsck -fn /dev/fsvg/$fs
	t "mount $fs again" mount -t $fs -o ro /dev/fsvg/$fs /mnt/$fs
	is "$(sha256sum /mnt/$fs/data | cut -d' ' -f1)" "$sum" "the data on $fs survives a remount"
	umount /mnt/$fs
done
has_journal() { dumpe2fs -h "$1" 2>/dev/null | grep -q has_journal || tune2fs -l "$1" | grep -q has_journal; }
t "ext3 has a journal" has_journal /dev/fsvg/ext3
t "ext2 has no journal" sh -c '! tune2fs -l /dev/fsvg/ext2 | grep -q has_journal'
t "ext4 has extents" sh -c 'tune2fs -l /dev/fsvg/ext4 | grep -q extent'
t "ext4 has no orphan_file (our mke2fs.conf)" sh -c '! tune2fs -l /dev/fsvg/ext4 | grep -q orphan_file'
# resize2fs wants a check newer than the last mount (e2fsck -n above records
# none): what an admin runs first
t "resize2fs grows ext4 (after e2fsck -f)" sh -c 'e2fsck -fp /dev/fsvg/ext4 && lvm lvextend -y -L 64m fsvg/ext4 && resize2fs /dev/fsvg/ext4'
fs_bytes() { tune2fs -l "$1" | awk -F: '/^Block count/ {c=$2} /^Block size/ {s=$2} END {print c * s}'; }
is "$(fs_bytes /dev/fsvg/ext4)" 67108864 "  the filesystem fills the 64 MiB LV"
done_testing
