# alt_rootvg_op in the booted test system: a clone on two disks (vdb, vdc),
# then -q, -v, -W, -C, -S, -l, -X, and every refusal with its message.
. "$PAYLOAD/guest-tap.sh"
mkdir -p /run/t/escape
names() { lvm vgs --noheadings -o vg_name | tr -d ' ' | sort | tr '\n' ' '; }
active() { lvm lvs --noheadings -o lv_active "$1" | tr -d ' ' | sort -u; }
refuse() {   # refuse EXIT MESSAGE ARGS...
	want=$1 msg=$2; shift 2
	before=$(names)
	out=$(alt_rootvg_op "$@" 2>&1); st=$?
	is "$st" "$want" "alt_rootvg_op $*: exit $want"
	is "$out" "$msg" "alt_rootvg_op $*: says why"
	is "$(names)" "$before" "alt_rootvg_op $*: no VG renamed"
}
out=$(alt_disk_copy -d "vdb vdc" -B 2>&1)
is "$?" 0 "alt_disk_copy -d 'vdb vdc' (a clone on two disks)" || echo "$out" | sed 's/^/#   /'

is "$(alt_rootvg_op -q -d vdc)" vdb "-q -d vdc: the clone's ESP is on vdb"
is "$(alt_rootvg_op -q -d /dev/vdb)" vdb "-q -d /dev/vdb"
is "$(alt_rootvg_op -q -d vda)" vda "-q -d vda: rootvg's is on vda"
refuse 1 "alt_rootvg_op: -d 'vdd': holds no volume group" -q -d vdd
refuse 1 "alt_rootvg_op: -d 'vdb1': is a partition of 'vdb'; name the whole disk" -q -d vdb1
refuse 1 "alt_rootvg_op: -d 'nosuch': no such disk" -q -d nosuch
refuse 2 "alt_rootvg_op: -v 'bad/name': not a volume group name (letters, digits, + _ . -; not starting with -)" -v bad/name -d vdb
refuse 2 "alt_rootvg_op: -v '-x': not a volume group name (letters, digits, + _ . -; not starting with -)" -v -x -d vdb
refuse 1 "alt_rootvg_op: -v 'rootvg': another volume group has that name" -v rootvg -d vdb
refuse 1 "alt_rootvg_op: -v 'other' -d 'vda': it holds rootvg, the running system" -v other -d vda
refuse 1 "alt_rootvg_op: -W -d 'vda': it holds rootvg, the running system" -W -d vda
refuse 1 "alt_rootvg_op: -C: nothing is awake on /alt_inst: wake a volume group with -W -d DISK first" -C -s /bin/true
refuse 2 "alt_rootvg_op: -C: nothing to do: give -s SCRIPT and/or -R RESOLV_CONF" -C
refuse 2 "alt_rootvg_op: -X 'rootvg': only altinst_rootvg and old_rootvg can be removed (rootvg is the running system)" -X rootvg
refuse 2 "alt_rootvg_op: -X and -W: one operation at a time" -X -W -d vdb
refuse 2 "alt_rootvg_op: -W needs -d DISK" -W
refuse 2 "alt_rootvg_op: -d: -S takes no disk" -S -d vdb
refuse 2 "alt_rootvg_op: --json goes with -l" -S --json

out=$(alt_rootvg_op -v spare_vg -d vdc); st=$?
is "$st" 0 "-v spare_vg -d vdc"
is "$out" "alt_rootvg_op: 'altinst_rootvg' on vdc is now 'spare_vg'" "  says so"
is "$(names)" "rootvg spare_vg " "  by its UUID, the VG on both disks"
out=$(alt_rootvg_op -l)
like "$out" "spare_vg +- +vdb2,vdc1 .* rootvg +1,2,3 +- *$" "-l: a clone under another name is still listed, with its phases" ||
	echo "$out" | sed 's/^/#   /'

out=$(alt_rootvg_op -W -d vdc 2>&1); st=$?
is "$st" 0 "-W -d vdc" || echo "$out" | sed 's/^/#   /'
is "$out" "alt_rootvg_op: 'spare_vg' on vdc is awake as altinst_rootvg, mounted on /alt_inst" "  says so"
is "$(names)" "altinst_rootvg rootvg " "  named altinst_rootvg"
t "  its root on /alt_inst" [ -f /alt_inst/etc/fstab ]
for m in var home; do t "  its /$m mounted as its fstab says" grep -q " /alt_inst/$m " /proc/mounts; done
refuse 1 "alt_rootvg_op: -W: /alt_inst is in use already (put the woken volume group to sleep with -S first)" -W -d vdb
refuse 1 "alt_rootvg_op: -X 'altinst_rootvg': it is 'spare_vg', woken by -W; put it to sleep with -S first" -X
refuse 2 "alt_rootvg_op: -X 'old_rootvg||vg_name=x': only altinst_rootvg and old_rootvg can be removed" -X 'old_rootvg||vg_name=x'
echo "nameserver 192.0.2.53" >/run/t/resolv
printf '#!/bin/sh\necho "$ALT_INST" >"$ALT_INST/etc/customized-by-C"\n' >/run/t/c.sh; chmod +x /run/t/c.sh
out=$(alt_rootvg_op -C -s /run/t/c.sh -R /run/t/resolv 2>&1); st=$?
is "$st" 0 "-C -s -R" || echo "$out" | sed 's/^/#   /'
is "$(cat /alt_inst/etc/customized-by-C)" /alt_inst "  the script ran with ALT_INST=/alt_inst"
is "$(cat /alt_inst/etc/resolv.conf)" "nameserver 192.0.2.53" "  -R installed resolv.conf"
printf '#!/bin/sh\nexit 3\n' >/run/t/fail.sh; chmod +x /run/t/fail.sh
refuse 1 "alt_rootvg_op: -s '/run/t/fail.sh': the script failed (status 3)" -C -s /run/t/fail.sh

out=$(alt_rootvg_op -S 2>&1); st=$?
is "$st" 0 "-S" || echo "$out" | sed 's/^/#   /'
is "$out" "alt_rootvg_op: altinst_rootvg is asleep as 'spare_vg'" "  says so"
is "$(names)" "rootvg spare_vg " "  its own name again"
is "$(active spare_vg)" "" "  inactive"
t "  nothing on /alt_inst" sh -c "! grep -q ' /alt_inst' /proc/mounts"

# a symlink in the woken tree must not take a mount outside it
lvm vgchange -q -ay spare_vg >/dev/null && mkdir -p /run/t/r && mount /dev/spare_vg/root /run/t/r &&
	mv /run/t/r/home /run/t/r/home.real && ln -s /run/t/escape /run/t/r/home && umount /run/t/r &&
	lvm vgchange -q -an spare_vg >/dev/null
out=$(alt_rootvg_op -W -d vdc 2>&1); st=$?
is "$st" 1 "-W with /home a symlink out of the tree: refused"
like "$out" "^alt_rootvg_op: -W -d 'vdc': cannot mount its '/home' \(home\) on '/alt_inst/home': Not a directory$" "  says which mount"
t "  nothing was mounted on the symlink's target" sh -c "! grep -q /run/t/escape /proc/mounts"
t "  nothing left on /alt_inst" sh -c "! grep -q ' /alt_inst' /proc/mounts"
is "$(names)" "rootvg spare_vg " "  the VG has its name back"
is "$(active spare_vg)" "" "  and is inactive"

t "-v altinst_rootvg -d vdb" alt_rootvg_op -v altinst_rootvg -d vdb
lvm vgchange -q -ay altinst_rootvg >/dev/null && mkdir -p /run/t/h && mount /dev/altinst_rootvg/home /run/t/h
refuse 1 "alt_rootvg_op: -X 'altinst_rootvg': 'home' is mounted on /run/t/h; unmount it first" -X
umount /run/t/h
out=$(alt_rootvg_op -X 2>&1); st=$?
is "$st" 0 "-X" || echo "$out" | sed 's/^/#   /'
is "$(names)" "rootvg " "  only rootvg is left"
is "$(lvm pvs --noheadings -o pv_name | tr -d ' ')" /dev/vda2 "  vdb and vdc are free"
done_testing
