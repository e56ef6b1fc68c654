# Second boot: phase 2 (twice), then 3; later phases refused once done.
. "$PAYLOAD/guest-tap.sh"
mkdir -p /run/t
echo "nameserver 203.0.113.1" >/run/t/r1
echo "nameserver 203.0.113.2" >/run/t/r2
t "altinst_rootvg is inactive after the reboot" sh -c "[ -z \"\$(lvm lvs --noheadings -o lv_active altinst_rootvg | tr -d ' ')\" ]"
t "-P 2 after a reboot" alt_disk_copy -P 2 -R /run/t/r1
t "-P 2 again (phase 2 can be rerun)" alt_disk_copy -P 2 -R /run/t/r2
is "$(cat /alt_inst/etc/resolv.conf)" "nameserver 203.0.113.2" "the rerun's resolv.conf wins"
t "-P 3" alt_disk_copy -P 3 -B
tags=$(lvm vgs --noheadings -o vg_tags altinst_rootvg | tr -d ' ')
for p in 1 2 3; do like "$tags" "altkit_phase_$p" "phase $p recorded"; done
out=$(alt_disk_copy -P 2 2>&1); st=$?
is "$st" 2 "-P 2 after phase 3 is refused"
like "$out" "phase 3 of 'altinst_rootvg' is already done" "  and says why"
out=$(alt_disk_copy -P 3 2>&1); st=$?
is "$st" 2 "-P 3 twice is refused"
is "$(lvm lvs --noheadings -o lv_active altinst_rootvg | tr -d ' ')" "" "altinst_rootvg is inactive"
done_testing
