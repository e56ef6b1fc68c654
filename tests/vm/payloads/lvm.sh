# In the guest: the static musl lvm2 against the real device-mapper, on two
# virtio disks. Exercises the stdio patch (lvm reopens its standard streams).
. "$PAYLOAD/guest-tap.sh"
t "pvcreate two disks" lvm pvcreate -y /dev/vda /dev/vdb
t "vgcreate testvg" lvm vgcreate testvg /dev/vda /dev/vdb
t "lvcreate a 64 MiB linear LV" lvm lvcreate -y -n lv1 -L 64m testvg
t "lvcreate a striped LV over both disks" lvm lvcreate -y -n lv2 -L 32m -i 2 testvg
json=$(lvm lvs --reportformat json -o lv_name,vg_name,lv_size --units m testvg 2>&1)
like "$json" '"lv_name":"lv1", "vg_name":"testvg", "lv_size":"64.00m"' "lvs --reportformat json reports lv1"
like "$json" '"lv_name":"lv2"' "lvs --reportformat json reports lv2"
t "the LV is active: /dev/mapper/testvg-lv1 is a block device" test -b /dev/mapper/testvg-lv1
t "dmsetup shows the linear table" sh -c 'dmsetup table testvg-lv1 | grep -q " linear "'
t "write through the LV" dd if=/dev/zero of=/dev/testvg/lv1 bs=1M count=8 conv=fsync
t "deactivate the VG" lvm vgchange -an testvg
t "vgrename testvg to renamedvg" lvm vgrename testvg renamedvg
is "$(lvm vgs --noheadings -o vg_name 2>/dev/null | tr -d ' ')" renamedvg "vgs shows only the new name"
t "activate the renamed VG" lvm vgchange -ay renamedvg
t "the renamed LV device exists" test -b /dev/mapper/renamedvg-lv1
# stdout must still work after lvm ran with a closed/redirected stdin (the stdio patch)
out=$(lvm version </dev/null | head -1)
like "$out" "LVM version" "lvm version prints through stdout"
t "lvremove lv2" lvm lvremove -y renamedvg/lv2
t "vgremove" lvm vgremove -y renamedvg
t "pvremove" lvm pvremove -y /dev/vda /dev/vdb
is "$(lvm pvs --noheadings 2>/dev/null | wc -l)" 0 "no PV is left"
done_testing
