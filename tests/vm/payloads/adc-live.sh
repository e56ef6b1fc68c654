# In the booted test system: a live clone of rootvg to vdb, all phases, then
# the clone inspected: trees, fstab, customization, tags, ESP, inactive.
. "$PAYLOAD/guest-tap.sh"
# scratch space off the root being cloned
mkdir -p /run/t
echo "nameserver 198.51.100.7" >/run/t/resolv.new
printf '#!/bin/sh\necho "first boot of the clone" >>/var/log/firstboot.log\n' >/run/t/firstboot.sh
printf '#!/bin/sh\n[ "$ALT_INST" = /alt_inst ] && touch "$ALT_INST/etc/customized"\n' >/run/t/custom.sh
chmod +x /run/t/custom.sh
out=$(alt_disk_copy -d vdb -R /run/t/resolv.new -O -x /run/t/firstboot.sh -s /run/t/custom.sh -B 2>&1); st=$?
is "$st" 0 "alt_disk_copy -d vdb, all phases, -R -O -x -s -B" || echo "$out" | sed 's/^/#   /'
like "$out" "copying from snapshots of rootvg" "a live source with room: copied from point-in-time snapshots"
like "$out" "copied / through its used blocks" "  read-only snapshots, nothing to exclude: the used-block path"
is "$(lvm lvs --noheadings -o lv_name rootvg | tr -d ' ' | sort | tr '\n' ' ')" "home root swap var " "the temporary snapshots are gone"
tags=$(lvm vgs --noheadings -o vg_tags altinst_rootvg | tr -d ' ')
for p in 1 2 3; do like "$tags" "altkit_phase_$p" "the VG records phase $p done"; done
t "no phase is left running" sh -c "! echo '$tags' | grep -q altkit_running"
like "$tags" "altkit_src_$SRC_UUID" "the VG records its source's UUID"
is "$(lvm lvs --noheadings -o lv_name altinst_rootvg | tr -d ' ' | sort | tr '\n' ' ')" "home root swap var " "one LV per source LV"
is "$(lvm lvs --noheadings -o lv_active altinst_rootvg | tr -d ' ' | sort -u)" "" "altinst_rootvg is left inactive"
t "nothing is mounted on /alt_inst" sh -c "! grep -q ' /alt_inst' /proc/mounts"
lvm lvs --noheadings -o lv_name,lv_size --units m rootvg | sort >/run/t/src-sizes
lvm lvs --noheadings -o lv_name,lv_size --units m altinst_rootvg | sort >/run/t/clone-sizes
is "$(cat /run/t/clone-sizes)" "$(cat /run/t/src-sizes)" "LV sizes as on the source"

lvm vgchange -ay altinst_rootvg >/dev/null
for lv in root var home; do mkdir -p /run/c_$lv; mount -o ro /dev/altinst_rootvg/$lv /run/c_$lv; done
cat >/run/t/expected-diffs <<'X'
^\./etc/fstab$
^\./etc/resolv\.conf$
^\./etc/machine-id$
^\./etc/customized$
^\./etc/altkit$
^\./etc/altkit/
^\./etc$
X
altkit treediff --no-atime -e /run/t/expected-diffs / /run/c_root >/run/t/d_root 2>&1
ok $? "the root tree equals the source (but for what phases 2 and 3 changed)" || sed 's/^/#   /' /run/t/d_root | head -20
altkit treediff --no-atime /var /run/c_var >/run/t/d_var 2>&1
ok $? "/var equals the source" || sed 's/^/#   /' /run/t/d_var | head -20
altkit treediff --no-atime /home /run/c_home >/run/t/d_home 2>&1
ok $? "/home equals the source" || sed 's/^/#   /' /run/t/d_home | head -20

new_home=$(blkid -s UUID -o value /dev/altinst_rootvg/home)
new_esp=$(blkid -s UUID -o value /dev/vdb1)
fstab=$(cat /run/c_root/etc/fstab)
like "$fstab" "UUID=$new_home +/home" "fstab: /home now by the clone's UUID"
like "$fstab" "UUID=$new_esp +/boot/efi" "fstab: /boot/efi now by the clone's ESP UUID"
t "fstab: the source's UUIDs are gone" sh -c "! grep -q -e '$HOME_UUID' -e '$ESP_UUID' /run/c_root/etc/fstab"
like "$fstab" "^/dev/rootvg/root +/ " "fstab: /dev/rootvg/root kept (the rename at boot makes it right)"
like "$fstab" "/dev/mapper/rootvg-var" "fstab: /dev/mapper/rootvg-var kept"
is "$(cat /run/c_root/etc/resolv.conf)" "nameserver 198.51.100.7" "-R replaced resolv.conf"
is "$(stat -c %s /run/c_root/etc/machine-id)" 0 "-O emptied machine-id"
is "$(stat -c %a /run/c_root/etc/altkit/firstboot)" 700 "-x installed the first-boot script"
t "-s ran with ALT_INST set" test -f /run/c_root/etc/customized
t "the clone's root is still ext3 (no -T)" sh -c "tune2fs -l /dev/altinst_rootvg/root | grep -q has_journal && ! tune2fs -l /dev/altinst_rootvg/root | grep -q extent"
t "the clone's home is still ext2" sh -c "! tune2fs -l /dev/altinst_rootvg/home | grep -q has_journal"
is "$(blkid -s LABEL -o value /dev/altinst_rootvg/root)" root "labels kept"
# needs_recovery is the mounted source's state, not a parameter
params() { tune2fs -l "$1" | grep -E '^(Filesystem features|Block size|Inode size|Inode count|Reserved block count|Default mount options|Filesystem OS type|Errors behavior):' | sed 's/ needs_recovery//'; }
for lv in root var home; do
	is "$(params /dev/altinst_rootvg/$lv)" "$(params /dev/rootvg/$lv)" "$lv: made with the source's parameters (features, sizes, inodes, reserved, mount options)"
done
mkdir -p /run/esp
mount -o ro /dev/vdb1 /run/esp
t "the ESP has the kernel" cmp /boot/efi/EFI/altkit/vmlinuz.efi /run/esp/EFI/altkit/vmlinuz.efi
t "the ESP has the initramfs" cmp /boot/efi/EFI/altkit/initramfs.img /run/esp/EFI/altkit/initramfs.img
clone_uuid=$(lvm vgs --noheadings -o vg_uuid altinst_rootvg | tr -d ' ')
like "$(cat /run/esp/EFI/altkit/cmdline)" "altkit.vg=$clone_uuid root=/dev/rootvg/root" "the ESP's command line names the clone's VG"
echo "$clone_uuid" >"$OUT/clone_uuid"
umount /run/esp /run/c_root /run/c_var /run/c_home
lvm vgchange -an altinst_rootvg >/dev/null
done_testing
