# First boot: phase 1 only, onto two disks, ext2/ext3 converted to ext4 (-T).
. "$PAYLOAD/guest-tap.sh"
t "alt_disk_copy -P 1 -T --grow -d 'vdb vdc'" alt_disk_copy -P 1 -T --grow -d "vdb vdc"
root_mb=$(lvm lvs --noheadings --units m --nosuffix -o lv_size altinst_rootvg/root | tr -d ' ')
t "--grow: the clone's root LV is larger than the source's ($root_mb MiB > 256)" test "${root_mb%.*}" -gt 256
is "$(lvm lvs --noheadings --units m -o lv_size altinst_rootvg/swap | tr -d ' ')" "32.00m" "--grow: swap keeps its size"
free_mb=$(lvm vgs --noheadings --units m --nosuffix -o vg_free altinst_rootvg | tr -d ' ')
t "--grow: little is left free in altinst_rootvg ($free_mb MiB)" test "${free_mb%.*}" -lt 16
fs_mb=$(( $(df -kP /alt_inst | awk 'NR == 2 {print $2}') / 1024 ))
t "--grow: the root filesystem fills its LV ($fs_mb MiB)" test "$fs_mb" -gt 256
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
