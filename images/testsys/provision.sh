# Provision the altkit test system on /dev/vda, from inside the recovery image
# (qemu/vm --payload; see scripts/build-testsys). GPT with an ESP and an LVM
# PV; VG rootvg with root (ext3), var (ext4), home (ext2) and swap; a busybox +
# altkit userland copied from this very initramfs; a corpus of every file kind.
# Writes the identities of what it made to $OUT/testsys.env.
set -eu
. "$PAYLOAD/corpus.sh"
export MKE2FS_CONFIG=/etc/mke2fs.conf
disk=/dev/vda
step() { echo "provision: $*"; }

step "partitioning $disk"
altkit mkgpt $disk esp:64M lvm:rest
i=0; while [ ! -b ${disk}2 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mkfs.vfat -F 32 -n ESP ${disk}1 >/dev/null

step "creating rootvg"
lvm pvcreate -y -q ${disk}2
lvm vgcreate -q rootvg ${disk}2
lvm lvcreate -q -y -n root -L 256m rootvg
lvm lvcreate -q -y -n var -L 96m rootvg
lvm lvcreate -q -y -n home -L 64m rootvg
lvm lvcreate -q -y -n swap -L 32m rootvg
mke2fs -q -F -t ext3 -L root /dev/rootvg/root
mke2fs -q -F -t ext4 -L var /dev/rootvg/var
mke2fs -q -F -t ext2 -L home -m 1 /dev/rootvg/home
mkswap -L swap /dev/rootvg/swap >/dev/null

uuid_of() { blkid -s UUID -o value "$1" 2>/dev/null || blkid "$1" | sed -n 's/.* UUID="\([^"]*\)".*/\1/p'; }
home_uuid=$(uuid_of /dev/rootvg/home)
esp_uuid=$(uuid_of ${disk}1)

step "installing the userland"
m=/mnt/sys
mkdir -p $m
mount -t ext3 /dev/rootvg/root $m
mkdir -p $m/var $m/home $m/boot/efi $m/proc $m/sys $m/dev $m/run $m/tmp $m/root $m/mnt
mount -t ext4 /dev/rootvg/var $m/var
mount -t ext2 /dev/rootvg/home $m/home
mount -t vfat ${disk}1 $m/boot/efi
chmod 1777 $m/tmp
# the recovery image's own programs: busybox, altkit, lvm, e2fsprogs
cp -a /bin /sbin /usr $m/
rm -f $m/init
cp -a "$PAYLOAD/rootfs/." $m/
cp -a /etc/passwd /etc/group $m/etc/
cp -a /etc/mke2fs.conf $m/etc/
mkdir -p $m/etc/lvm
cp -a /etc/lvm/lvm.conf $m/etc/lvm/
cat >$m/etc/fstab <<FSTAB
# <device>               <mount point>  <type>  <options>  <dump> <pass>
/dev/rootvg/root         /              ext3    defaults   0 1
/dev/mapper/rootvg-var   /var           ext4    defaults   0 2
UUID=$home_uuid  /home  ext2  defaults  0 2
UUID=$esp_uuid           /boot/efi      vfat    defaults   0 2
/dev/rootvg/swap         none           swap    sw         0 0
FSTAB
echo "nameserver 192.0.2.53" >$m/etc/resolv.conf
echo "0123456789abcdef0123456789abcdef" >$m/etc/machine-id
echo testsys >$m/etc/hostname
mkdir -p $m/var/log $m/var/lib
echo "testsys var data" >$m/var/lib/marker
echo "testsys home data" >$m/home/marker

step "making the corpus"
corpus $m/root/corpus
corpus $m/var/corpus
corpus $m/home/corpus

step "installing the boot files on the ESP"
mkdir -p $m/boot/efi/EFI/altkit
cp "$PAYLOAD/bzImage" $m/boot/efi/EFI/altkit/vmlinuz.efi
cp "$PAYLOAD/initramfs.img" $m/boot/efi/EFI/altkit/initramfs.img
vg_uuid=$(lvm vgs --noheadings -o vg_uuid rootvg | tr -d ' ')
# what the boot entry starts the kernel with (bootlist reads it); the serial
# console and the quiet boot are for the tests' logs
printf 'initrd=\\EFI\\altkit\\initramfs.img altkit.vg=%s root=/dev/rootvg/root console=ttyS0 panic=-1 no_timer_check quiet\n' \
	"$vg_uuid" >$m/boot/efi/EFI/altkit/cmdline
esp_partuuid=$(blkid -s PARTUUID -o value ${disk}1 2>/dev/null || blkid ${disk}1 | sed -n 's/.* PARTUUID="\([^"]*\)".*/\1/p')
{
	echo "VG_UUID=$vg_uuid"
	echo "HOME_UUID=$home_uuid"
	echo "ESP_UUID=$esp_uuid"
	echo "ESP_PARTUUID=$esp_partuuid"
} >"$OUT/testsys.env"
sync
umount $m/boot/efi $m/home $m/var $m
lvm vgchange -q -an rootvg
step "done: rootvg $vg_uuid"
