# In the clone, booted alone: it is rootvg now, its fstab mounts, its files are there.
. "$PAYLOAD/guest-tap.sh"
is "$(lvm vgs --noheadings -o vg_name,vg_uuid | tr -s ' ' | sed 's/^ //')" "rootvg $CLONE_UUID" "the clone's VG is rootvg"
t "/home is mounted (fstab's UUID= rewritten right)" grep -q ' /home ' /proc/mounts
t "/boot/efi is mounted (the ESP's UUID rewritten right)" grep -q ' /boot/efi ' /proc/mounts
t "/var is mounted" grep -q ' /var ' /proc/mounts
is "$(cat /etc/resolv.conf)" "nameserver 198.51.100.7" "the clone's own resolv.conf"
is "$(cat /home/marker)" "testsys home data" "the clone sees its files"
done_testing
