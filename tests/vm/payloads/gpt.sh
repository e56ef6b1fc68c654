# In the guest: a GPT written by altkit's libfdisk code, read back by blkid.
. "$PAYLOAD/guest-tap.sh"
t "altkit mkgpt writes esp:64M lvm:rest" altkit mkgpt /dev/vda esp:64M lvm:rest
i=0; while [ ! -b /dev/vda2 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
t "the kernel sees vda1 and vda2" test -b /dev/vda1 -a -b /dev/vda2
probe() { blkid -p -o export "$1" 2>/dev/null; }
like "$(probe /dev/vda)" "PTTYPE=gpt" "blkid sees a GPT on vda"
like "$(probe /dev/vda1)" "PART_ENTRY_TYPE=c12a7328-f81f-11d2-ba4b-00a0c93ec93b" "vda1 is an EFI System partition"
like "$(probe /dev/vda2)" "PART_ENTRY_TYPE=e6d6d379-f507-44c2-a23c-238f2a3df928" "vda2 is a Linux LVM partition"
is "$(cat /sys/block/vda/vda1/size)" $((64 * 2048)) "vda1 is 64 MiB"
is "$(cat /sys/block/vda/vda1/start)" 2048 "vda1 starts at 1 MiB"
t "mkfs.vfat -F 32 on the ESP" mkfs.vfat -F 32 -n ESP /dev/vda1
like "$(probe /dev/vda1)" "TYPE=vfat" "blkid sees vfat on the ESP"
like "$(probe /dev/vda1)" "VERSION=FAT32" "the ESP is FAT32"
t "pvcreate on vda2" lvm pvcreate -y /dev/vda2
like "$(probe /dev/vda2)" "TYPE=LVM2_member" "blkid sees the PV"
like "$(altkit-init --banner)" "vda2 .*LVM2_member" "the banner shows the PV"
t "mkgpt again replaces the table (wipes the old one)" altkit mkgpt /dev/vda linux:rest
i=0; while [ -b /dev/vda2 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
t "vda2 is gone" test ! -b /dev/vda2
out=$(altkit mkgpt /dev/vda esp:rest lvm:1M 2>&1); st=$?
is "$st" 2 "'rest' not last: exit 2"
is "$out" "mkgpt: 'esp:rest': only the last partition can take the rest of the disk" "'rest' not last: message"
out=$(altkit mkgpt /dev/nonexistent esp:1M 2>&1); st=$?
is "$st" 1 "a missing disk: exit 1"
is "$out" "mkgpt: '/dev/nonexistent': cannot write a GPT: No such file or directory" "a missing disk: message"
done_testing
