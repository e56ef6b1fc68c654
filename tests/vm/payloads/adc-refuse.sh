# In the booted test system: every refusal of alt_disk_copy, each with its
# message and exit code; the host then checks that no disk changed.
. "$PAYLOAD/guest-tap.sh"
mkdir -p /run/t
# vdc: too small; vdd: a PV of another VG; vde: a mounted filesystem
lvm vgcreate -q datavg /dev/vdd >/dev/null 2>&1
mke2fs -q -F -t ext4 /dev/vde && mkdir -p /run/t/e && mount /dev/vde /run/t/e
printf 'ok\n\\(\n' >/run/t/bad.list
refuse() {   # refuse EXIT MESSAGE-REGEX ARGS...
	want=$1 re=$2; shift 2
	out=$(alt_disk_copy "$@" 2>&1 </dev/null); st=$?
	is "$st" "$want" "alt_disk_copy $*: exit $want"
	like "$out" "$re" "alt_disk_copy $*: says why"
}
# path_without NAME...: a directory of links to every program in PATH but
# NAME..., for a PATH on which those helpers are not installed
path_without() {
	_d=/run/t/path-without-$(echo "$*" | tr ' ' '-'); mkdir -p "$_d"
	for _dir in $(echo "$PATH" | tr ':' ' '); do
		for _f in "$_dir"/*; do
			_b=${_f##*/}
			case " $* " in *" $_b "*) continue ;; esac
			[ -f "$_f" ] && [ -x "$_f" ] && [ ! -e "$_d/$_b" ] && ln -s "$_f" "$_d/$_b"
		done
	done
	echo "$_d"
}
# refuse_env VAR=VALUE EXIT MESSAGE-REGEX ARGS...: refuse, in that environment
refuse_env() {
	_env=$1 want=$2 re=$3; shift 3
	out=$(env "$_env" alt_disk_copy "$@" 2>&1 </dev/null); st=$?
	is "$st" "$want" "$_env alt_disk_copy $*: exit $want"
	like "$out" "$re" "$_env alt_disk_copy $*: says why"
}
lvs_before=$(lvm lvs --noheadings -o lv_name rootvg | tr -d ' ' | sort | tr '\n' ' ')
refuse 1 "^alt_disk_copy: 'vda': holds the source volume group 'rootvg'$" -d vda
refuse 1 "^alt_disk_copy: 'vda2': is a partition, not a whole disk$" -d vda2
refuse 1 "^alt_disk_copy: 'nosuch': no such disk$" -d nosuch
refuse 1 "^alt_disk_copy: 'vdd': is in use by volume group 'datavg'$" -d vdd
refuse 1 "^alt_disk_copy: 'vde': is mounted \('vde' on /run/t/e\)$" -d vde
# a PV that reaches vde only through a loop device backed by a file on it
truncate -s 16M /run/t/e/pv.img && loopdev=$(losetup -f) && losetup "$loopdev" /run/t/e/pv.img &&
	lvm vgcreate -q loopvg "$loopdev" >/dev/null 2>&1
refuse 1 "^alt_disk_copy: 'vde': is in use by volume group 'loopvg'$" -d vde
lvm vgremove -q -f loopvg >/dev/null 2>&1; lvm pvremove -q "$loopdev" >/dev/null 2>&1; losetup -d "$loopdev"
refuse 1 "^alt_disk_copy: 'vdc': too small: the used data needs at least [0-9]+ MiB, the disks hold [0-9]+ MiB$" -d vdc
refuse 2 "^alt_disk_copy: 'vdb' is named twice in -d$" -d "vdb vdb"
refuse 2 "^alt_disk_copy: -P '13': expected 1, 2, 3, 12, 23 or all$" -P 13 -d vdb
refuse 2 "^alt_disk_copy: -P 2: phase 2 needs the clone made by phase 1, and there is no volume group 'altinst_rootvg'$" -P 2
refuse 2 "^alt_disk_copy: -P 23: phase 2 needs the clone made by phase 1" -P 23
refuse 2 "^alt_disk_copy: phase 1 needs target disks: -d \"DISK...\"$"
refuse 2 "^alt_disk_copy: '/run/t/bad.list' line 2: invalid pattern '\\\\\(': " -d vdb -e /run/t/bad.list
refuse 2 "^alt_disk_copy: -x '/nonexistent': No such file or directory$" -d vdb -x /nonexistent
refuse 2 "^alt_disk_copy: source volume group 'nosuchvg': not found$" -d vdb --source-vg nosuchvg
refuse 2 "^alt_disk_copy: 'extra': unexpected argument" -d vdb extra
# every helper is found before anything is written: lvm first, mkfs.fat
# for the ESP, e2fsprogs for the source's ext4 (known once it is planned)
refuse_env "PATH=$(path_without mkfs.fat mkfs.vfat)" 1 \
	"^alt_disk_copy: mkfs.fat is not installed \(not found in PATH\): it comes with dosfstools$" -d vdb
refuse_env "PATH=$(path_without lvm)" 1 \
	"^alt_disk_copy: lvm is not installed \(not found in PATH\): it comes with lvm2$" -d vdb
refuse_env "PATH=$(path_without mke2fs mkfs.ext4)" 1 \
	"^alt_disk_copy: mke2fs is not installed \(not found in PATH\): it comes with e2fsprogs$" -d vdb
refuse_env "PATH=$(path_without mkfs.fat mkfs.vfat)" 2 "^alt_disk_copy: -P 23: phase 2 needs the clone made by phase 1" -P 23
refuse_env "ALTKIT_LVM=/nonexistent/lvm" 1 \
	"^alt_disk_copy: /nonexistent/lvm is not installed \(no such file\): it comes with lvm2$" -P 3
# a source with a root file system but no ESP on its disk (vdd is a bare PV)
lvm lvcreate -q -y -L 32M -n root datavg >/dev/null 2>&1
mke2fs -q -F -t ext4 /dev/datavg/root && mkdir -p /run/t/r && mount /dev/datavg/root /run/t/r &&
	mkdir /run/t/r/etc && : >/run/t/r/etc/fstab && umount /run/t/r
lvm vgchange -q -an datavg >/dev/null 2>&1
refuse 1 "^alt_disk_copy: source volume group 'datavg' has no EFI system partition on its disks: there is no boot loader to give the clone \(-P 12 clones without making it bootable\)$" \
	-d vdb --source-vg datavg
is "$(lvm lvs --noheadings -o lv_name rootvg | tr -d ' ' | sort | tr '\n' ' ')" "$lvs_before" \
	"no snapshot of rootvg was taken or left"
is "$(lvm vgs --noheadings -o vg_name | tr -d ' ' | sort | tr '\n' ' ')" "datavg rootvg " "no altinst_rootvg was made"
umount /run/t/e
lvm vgremove -q -f datavg >/dev/null 2>&1; lvm pvremove -q -y /dev/vdd >/dev/null 2>&1
done_testing
