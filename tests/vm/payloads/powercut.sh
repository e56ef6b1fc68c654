# Power cuts during the renames at boot ($STEP from env): each start after a
# cut must finish what the cut interrupted. VG_UUID: the original (vda);
# CLONE_UUID: the clone (vdb).
. "$PAYLOAD/guest-tap.sh"
vg_uuid() { lvm vgs --noheadings -o vg_uuid "$1" 2>/dev/null | tr -d ' '; }
names() { lvm vgs --noheadings -o vg_name | tr -d ' ' | sort | tr '\n' ' '; }
case $STEP in
clone)       # recovery image: an offline clone of rootvg to vdb, boot list set
	t "bootlist -m normal vda" bootlist -m normal vda
	out=$(alt_disk_copy --source-vg rootvg -d vdb 2>&1); st=$?
	is "$st" 0 "alt_disk_copy --source-vg rootvg -d vdb" || echo "$out" | sed 's/^/#   /'
	like "$(bootlist -m normal -o | head -n 1)" "^vdb " "vdb first in the boot list"
	vg_uuid altinst_rootvg >"$OUT/clone_uuid"
	;;
onclone)     # after a cut between the clone's two renames
	is "$(names)" "old_rootvg rootvg " "the names are complete: rootvg and old_rootvg, nothing else"
	is "$(vg_uuid rootvg)" "$CLONE_UUID" "rootvg is the clone (booted)"
	is "$(vg_uuid old_rootvg)" "$VG_UUID" "old_rootvg is the original"
	t "bootlist -m normal vda (rollback)" bootlist -m normal vda
	;;
onoriginal)  # after cuts at each point of the rollback's three renames
	is "$(names)" "old_rootvg rootvg " "the names are complete: rootvg and old_rootvg, no altkit_booting"
	is "$(vg_uuid rootvg)" "$VG_UUID" "rootvg is the original (booted)"
	is "$(vg_uuid old_rootvg)" "$CLONE_UUID" "old_rootvg is the clone"
	;;
esac
done_testing
