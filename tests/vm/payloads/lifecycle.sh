# The life cycle of DESIGN §9 under OVMF, one step per boot ($STEP from env):
# VG_UUID is the test system's VG (on vda), CLONE_UUID the clone's (vdb).
. "$PAYLOAD/guest-tap.sh"
vg_uuid() { lvm vgs --noheadings -o vg_uuid "$1" 2>/dev/null | tr -d ' '; }
first() { bootlist -m normal -o | head -n 1; }
prevboot() { bootlist -m prevboot | awk '{print $1, $3}'; }
names() { lvm vgs --noheadings -o vg_name | tr -d ' ' | sort | tr '\n' ' '; }

case $STEP in
provision)   # recovery image: the test system gets its boot entry
	t "bootlist -m normal vda" bootlist -m normal vda
	like "$(first)" "^vda +Boot[0-9A-F]{4} +rootvg +altkit vda$" "bootlist -o: vda first"
	;;
original)    # 1 + 2: booted from vda's entry; live clone to vdb
	is "$(prevboot)" "vda rootvg" "the firmware booted vda through its entry (BootCurrent)"
	is "$(vg_uuid rootvg)" "$VG_UUID" "rootvg is the test system's VG"
	mkdir -p /run/t
	printf '#!/bin/sh\necho "ran $(date +%%s)" >>/root/firstboot.log\n' >/run/t/fb.sh
	chmod +x /run/t/fb.sh
	out=$(alt_disk_copy -d vdb -x /run/t/fb.sh 2>&1); st=$?
	is "$st" 0 "alt_disk_copy -d vdb -x (all phases)" || echo "$out" | sed 's/^/#   /'
	like "$out" "the boot list now starts with vdb \(Boot[0-9A-F]{4}\)" "phase 3 set the boot list"
	like "$(first)" "^vdb +Boot[0-9A-F]{4} +altinst_rootvg +altkit vdb$" "bootlist -o: vdb first"
	like "$(bootlist -m normal -o | sed -n 2p)" "^vda .* rootvg " "  then vda"
	vg_uuid altinst_rootvg >"$OUT/clone_uuid"
	;;
clone)       # 3 + 4 + 5: the clone boots; the old system woken and put back; rollback set
	is "$(prevboot)" "vdb rootvg" "the firmware booted vdb (BootCurrent)"
	is "$(vg_uuid rootvg)" "$CLONE_UUID" "rootvg is the clone's VG"
	is "$(vg_uuid old_rootvg)" "$VG_UUID" "old_rootvg is the original"
	is "$(wc -l </root/firstboot.log)" 1 "the first-boot script ran once"
	t "it is kept as firstboot.done, not pending" sh -c '[ -x /etc/altkit/firstboot.done ] && [ ! -e /etc/altkit/firstboot ]'
	echo "LIFECYCLE-MARK-written-on-the-clone" >/root/on-clone && sync
	out=$(alt_rootvg_op -l)
	like "$out" "rootvg +booted +vdb2 " "alt_rootvg_op -l: rootvg booted, on vdb"
	like "$out" "old_rootvg +previous +vda2 " "alt_rootvg_op -l: old_rootvg previous, on vda"
	like "$(echo "$out" | grep '^rootvg')" " 1,2,3 +Boot[0-9A-F]{4}\(order 1\)" "  the clone: phases done, its entry first"
	json=$(alt_rootvg_op -l --json)
	like "$json" "\"name\": \"old_rootvg\", \"uuid\": \"$VG_UUID\", \"role\": \"previous\"" "-l --json"
	out=$(alt_rootvg_op -W -d vda 2>&1); st=$?
	is "$st" 0 "alt_rootvg_op -W -d vda" || echo "$out" | sed 's/^/#   /'
	is "$(vg_uuid altinst_rootvg)" "$VG_UUID" "  the original is awake as altinst_rootvg"
	t "  its root is on /alt_inst" [ -f /alt_inst/etc/fstab ]
	t "  its /var is mounted as its fstab says" grep -q ' /alt_inst/var ' /proc/mounts
	t "  the file written on the clone is not there" [ ! -e /alt_inst/root/on-clone ]
	out=$(alt_rootvg_op -S 2>&1); st=$?
	is "$st" 0 "alt_rootvg_op -S" || echo "$out" | sed 's/^/#   /'
	is "$(vg_uuid old_rootvg)" "$VG_UUID" "  its name is old_rootvg again"
	t "  nothing on /alt_inst" sh -c "! grep -q ' /alt_inst' /proc/mounts"
	is "$(lvm lvs --noheadings -o lv_active old_rootvg | tr -d ' ' | sort -u)" "" "  inactive"
	t "bootlist -m normal vda (rollback)" bootlist -m normal vda
	like "$(first)" "^vda +Boot[0-9A-F]{4} +old_rootvg +altkit vda$" "bootlist -o: vda first"
	;;
rolledback)  # 5 + 6: the original again; the clone once by BootNext
	is "$(prevboot)" "vda rootvg" "the firmware booted vda"
	is "$(vg_uuid rootvg)" "$VG_UUID" "rootvg is the original again"
	is "$(vg_uuid old_rootvg)" "$CLONE_UUID" "old_rootvg is the clone"
	t "the file written on the clone is not on the running root" [ ! -e /root/on-clone ]
	t "the first-boot script never ran here" [ ! -e /root/firstboot.log ]
	t "bootlist -m service vdb" bootlist -m service vdb
	like "$(bootlist -m service -o)" "^vdb +Boot[0-9A-F]{4} +old_rootvg" "BootNext is vdb's entry"
	;;
service)     # 6: the clone once
	is "$(prevboot)" "vdb rootvg" "BootNext booted vdb"
	is "$(vg_uuid rootvg)" "$CLONE_UUID" "rootvg is the clone"
	like "$(bootlist -m service -o)" "BootNext is empty" "the firmware used BootNext up"
	like "$(first)" "^vda " "BootOrder still starts with vda"
	is "$(wc -l </root/firstboot.log)" 1 "the first-boot script did not run again"
	;;
back)        # 6 + 7: back on vda by BootOrder; old_rootvg removed; a new clone with -r
	is "$(prevboot)" "vda rootvg" "the next start is vda again"
	is "$(vg_uuid rootvg)" "$VG_UUID" "rootvg is the original"
	out=$(alt_rootvg_op -X old_rootvg 2>&1); st=$?
	is "$st" 0 "alt_rootvg_op -X old_rootvg" || echo "$out" | sed 's/^/#   /'
	like "$out" "1 boot entry of 'old_rootvg' removed" "  its boot entry is dropped"
	is "$(names)" "rootvg " "  only rootvg is left"
	is "$(lvm pvs --noheadings -o pv_name | tr -d ' ')" "/dev/vda2" "  vdb holds no PV"
	t "  no entry boots the clone's VG" sh -c "! bootlist -m normal -o | grep -q vdb"
	echo "# the guest reboots from here (alt_disk_copy -r)"
	alt_disk_copy -d vdb -r 2>&1 || echo "not ok - alt_disk_copy -d vdb -r failed"
	# the reboot is under way: wait for it rather than power off
	sleep 600
	;;
newclone)    # 7: the new clone on vdb booted after -r
	is "$(prevboot)" "vdb rootvg" "alt_disk_copy -r rebooted into the new clone"
	like "$(vg_uuid rootvg)" "^[A-Za-z0-9-]{38}$" "rootvg has a UUID"
	t "  a new VG, not the removed clone" [ "$(vg_uuid rootvg)" != "$CLONE_UUID" ]
	is "$(vg_uuid old_rootvg)" "$VG_UUID" "old_rootvg is the original"
	;;
esac
done_testing
