# In the recovery image, after an unattended network-booted offline clone of
# vda to vdb: vdb holds altinst_rootvg, complete (phase 3 tag), with the
# source's LVs, a UUID of its own, and file systems that check clean.
. "$PAYLOAD/guest-tap.sh"
is "$(lvm pvs --noheadings -o vg_name /dev/vdb2 2>/dev/null | tr -d ' ')" altinst_rootvg "vdb2 is a PV of altinst_rootvg"
like "$(lvm vgs --noheadings -o vg_tags altinst_rootvg | tr -d ' ')" altkit_phase_3 "the clone is complete (phase 3)"
is "$(lvm lvs --noheadings -o lv_name altinst_rootvg | tr -d ' ' | sort | tr '\n' ' ')" \
	"$(lvm lvs --noheadings -o lv_name rootvg | tr -d ' ' | sort | tr '\n' ' ')" "the clone has the source's LVs"
src=$(lvm vgs --noheadings -o vg_uuid rootvg | tr -d ' ')
cln=$(lvm vgs --noheadings -o vg_uuid altinst_rootvg | tr -d ' ')
ok "$([ -n "$cln" ] && [ "$cln" != "$src" ]; echo $?)" "the clone's VG UUID is its own ($cln)"
lvm vgchange -q -ay altinst_rootvg >/dev/null
for lv in root var home; do
	t "fsck: altinst_rootvg/$lv is clean" e2fsck -fn /dev/altinst_rootvg/$lv
done
lvm vgchange -q -an altinst_rootvg >/dev/null
done_testing
