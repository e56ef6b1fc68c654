# In the recovery image: clone rootvg offline (--source-vg), then compare.
. "$PAYLOAD/guest-tap.sh"
ro='activation { read_only_volume_list = [ "rootvg" ] }'
sums() {
	lvm vgchange -q -ay --config "$ro" rootvg >/dev/null
	for lv in root var home swap; do echo "$lv $(sha256sum </dev/rootvg/$lv | cut -c1-32)"; done
	lvm vgchange -q -an rootvg >/dev/null
}
before=$(sums)
# on a terminal (busybox script), as an admin runs it: the progress line too
out=$(ALTKIT_PROGRESS_MS=100 script -qfc "alt_disk_copy --source-vg rootvg -d vdb -B; echo altkit-status=\$?" /dev/null 2>&1 |
	tr '\r' '\n')
st=$(printf '%s\n' "$out" | sed -n 's/^altkit-status=\([0-9]*\).*/\1/p' | tail -n 1)
is "$st" 0 "alt_disk_copy --source-vg rootvg -d vdb (offline, all phases)" || echo "$out" | sed 's/^/#   /'
E=$(printf '\033')
like "$out" "^$E\\[Kalt_disk_copy: copying / \\(used blocks\\): [0-9.]+ [KMG]?i?B of [0-9.]+ [KMG]?i?B \\([0-9]+%\\)" \
	"on a terminal: the used-block copy's progress line"
t "...cleared before the next message (none on the line after a rate)" \
	sh -c '! printf "%s\n" "$1" | grep -q "B/s.*alt_disk_copy: "' - "$out"
like "$out" "copied / through its used blocks" "offline, nothing to exclude: the used-block path"
is "$(sums)" "$before" "every source LV is byte-identical after the clone"
is "$(lvm lvs --noheadings -o lv_active rootvg | tr -d ' ')" "" "the source VG is left inactive"
tags=$(lvm vgs --noheadings -o vg_tags altinst_rootvg | tr -d ' ')
like "$tags" "altkit_phase_3" "the clone is complete"
lvm vgchange -q -ay --config "$ro" rootvg >/dev/null
lvm vgchange -q -ay altinst_rootvg >/dev/null
for lv in root var home; do
	mkdir -p /run/s_$lv /run/c_$lv
	mount -o ro,noload /dev/rootvg/$lv /run/s_$lv 2>/dev/null || mount -o ro /dev/rootvg/$lv /run/s_$lv
	mount -o ro /dev/altinst_rootvg/$lv /run/c_$lv
done
printf '%s\n' '^\./etc/fstab$' '^\./etc/altkit$' '^\./etc/altkit/' '^\./etc$' >/run/expected
altkit treediff --no-atime -e /run/expected /run/s_root /run/c_root >/run/d 2>&1
ok $? "root: the clone equals the source" || head -20 /run/d | sed 's/^/#   /'
for lv in var home; do
	altkit treediff --no-atime /run/s_$lv /run/c_$lv >/run/d 2>&1
	ok $? "$lv: the clone equals the source" || head -20 /run/d | sed 's/^/#   /'
done
like "$(cat /run/c_root/etc/fstab)" "UUID=$(blkid -s UUID -o value /dev/altinst_rootvg/home) +/home" "fstab rewritten for /home"
for lv in root var home; do umount /run/s_$lv /run/c_$lv; done
lvm vgchange -q -an rootvg altinst_rootvg >/dev/null
done_testing
