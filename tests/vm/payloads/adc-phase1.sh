# First boot: phase 1 only, onto two disks, ext2/ext3 converted to ext4 (-T).
. "$PAYLOAD/guest-tap.sh"
t "alt_disk_copy -P 1 -T -d 'vdb vdc'" alt_disk_copy -P 1 -T -d "vdb vdc"
tags=$(lvm vgs --noheadings -o vg_tags altinst_rootvg | tr -d ' ')
like "$tags" "altkit_phase_1" "phase 1 recorded"
t "phases 2 and 3 not recorded" sh -c "! echo '$tags' | grep -q -e altkit_phase_2 -e altkit_phase_3"
is "$(lvm pvs --noheadings -o pv_name -S vg_name=altinst_rootvg | tr -d ' ' | sort | tr '\n' ' ')" "/dev/vdb2 /dev/vdc1 " "altinst_rootvg spans both disks"
t "the clone stays mounted on /alt_inst for phase 2" grep -q ' /alt_inst ' /proc/mounts
for lv in root home var; do
	t "$lv is ext4 with extents on the clone (-T)" sh -c "tune2fs -l /dev/altinst_rootvg/$lv | grep -q extent"
	is "$(blkid -s TYPE -o value /dev/altinst_rootvg/$lv)" ext4 "blkid calls the clone's $lv ext4"
done
t "the source's root is still ext3" sh -c "! tune2fs -l /dev/rootvg/root | grep -q extent"
out=$(alt_disk_copy -P 1 -d vdb 2>&1); st=$?
is "$st" 2 "-P 1 again is refused"
like "$out" "volume group 'altinst_rootvg' already exists" "  because the clone exists"
done_testing
