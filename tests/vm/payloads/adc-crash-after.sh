# After the power cut: the system boots, the half clone is refused with the
# way out, removed, and a new clone works.
. "$PAYLOAD/guest-tap.sh"
# the snapshots left behind share their origins' filesystem UUIDs: none may
# have been activated and mounted by fstab's UUID= in their place
for mp in / /var /home; do
	dev=$(awk -v mp="$mp" '$5 == mp {print $3}' /proc/self/mountinfo | tail -n 1)
	like "$(cat /sys/dev/block/$dev/dm/name)" "^rootvg-(root|var|home)$" "$mp is mounted from its own LV, not a stale snapshot"
done
is "$(lvm lvs --noheadings -o lv_name -S 'lv_name=~^altkit_snap_' rootvg | tr -d ' ')" "" "the stale snapshots were removed at boot, before activation"
tags=$(lvm vgs --noheadings -o vg_tags altinst_rootvg 2>/dev/null | tr -d ' ')
like "$tags" "altkit_running_1" "the half clone says phase 1 was running"
t "  and not that it finished" sh -c "! echo '$tags' | grep -q altkit_phase_1"
out=$(alt_disk_copy -d vdb 2>&1); st=$?
is "$st" 2 "a new clone onto it is refused"
like "$out" "already exists \(an interrupted run\); remove it with 'alt_rootvg_op -X altinst_rootvg'" "  and the refusal says how to clean up"
out=$(alt_disk_copy -P 23 2>&1); st=$?
is "$st" 2 "-P 23 on the half clone is refused"
like "$out" "phase 1 of 'altinst_rootvg' was interrupted" "  because phase 1 never finished"
out=$(alt_rootvg_op -X rootvg 2>&1); st=$?
is "$st" 2 "alt_rootvg_op -X rootvg is refused"
is "$out" "alt_rootvg_op: -X 'rootvg': only altinst_rootvg and old_rootvg can be removed (rootvg is the running system)" "  with its reason"
t "alt_rootvg_op -X removes the half clone" alt_rootvg_op -X
is "$(lvm vgs --noheadings -o vg_name | tr -d ' ')" rootvg "only rootvg is left"
is "$(lvm lvs --noheadings -o lv_name rootvg | tr -d ' ' | sort | tr '\n' ' ')" "home root swap var " "no temporary snapshot is left"
out=$(alt_disk_copy -d vdb -B 2>&1); st=$?
is "$st" 0 "a new clone onto the same disk works" || echo "$out" | sed 's/^/#   /'
like "$(lvm vgs --noheadings -o vg_tags altinst_rootvg | tr -d ' ')" "altkit_phase_3" "and is complete"
done_testing
