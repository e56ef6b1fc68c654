# In the Debian 12 fixture, one step of tests/vm/debian_lifecycle.t (STEP),
# run by its altkit-payload.service under dash. $PAYLOAD/env: the fixture's
# identities; $PAYLOAD/step: STEP and CLONE_UUID.
. "$PAYLOAD/guest-tap.sh"
. "$PAYLOAD/step"
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# every VG, whatever LVM's devices file (variant b) lets this system see
vg_uuid() { lvm vgs --devicesfile "" --noheadings -o vg_uuid --select "vg_name=$1" 2>/dev/null | tr -d ' '; }
# the PV's partition: b has /boot on partition 2
case $VARIANT in b) PVN=3 ;; *) PVN=2 ;; esac
DEVICES=/etc/lvm/devices/system.devices
boot_current() { efibootmgr | sed -n 's/^BootCurrent: //p'; }
boot_first() { efibootmgr | sed -n 's/^BootOrder: \([0-9A-F]*\).*/\1/p'; }
entry() { efibootmgr -v | grep "^Boot$1\*\{0,1\} "; }
partuuid() { blkid -s PARTUUID -o value "$1"; }
# DISK's (vdb's) first and last MiB are still zeros: nothing was written
untouched() {
	_d=/dev/${1:-vdb}
	cmp -s -n 1048576 "$_d" /dev/zero &&
		dd if="$_d" bs=1M skip=$(($(blockdev --getsize64 "$_d") / 1048576 - 1)) count=1 2>/dev/null |
		cmp -s -n 1048576 - /dev/zero
}
refuse() {   # refuse WHAT EXIT MESSAGE-REGEX COMMAND...: that exit, one line, vdb (and vdc) untouched
	_what=$1 _want=$2 _re=$3; shift 3
	_o=$("$@" 2>&1 </dev/null); _st=$?
	is "$_st" "$_want" "$_what: exit $_want"
	like "$_o" "$_re" "$_what: says why"
	is "$(printf '%s\n' "$_o" | wc -l)" 1 "$_what: in one line"
	t "$_what: vdb is untouched" untouched vdb
	if [ "$VARIANT" = b ]; then t "$_what: vdc is untouched" untouched vdc; fi
}

# started by the firmware from vdb: the clone (CLONE_UUID) runs, named rootvg
booted_clone() {
	cur=$(boot_current)
	e=$(entry "$cur")
	echo "# BootCurrent $cur: $e"
	like "$e" "^Boot$cur\\* debian vdb[[:space:]]" "the firmware started \"debian vdb\""
	like "$(cat /proc/cmdline)" "altkit\\.vg=$CLONE_UUID( |\$)" "GRUB passed the clone's altkit.vg="
	is "$(vg_uuid rootvg)" "$CLONE_UUID" "rootvg is the clone's VG"
	is "$(vg_uuid old_rootvg)" "$VG_UUID" "old_rootvg is the original's"
	is "$(findmnt -n -o SOURCE /)" /dev/mapper/rootvg-root "/ is rootvg-root"
	is "$(lvm pvs --devicesfile "" --noheadings -o pv_name --select vg_name=rootvg | tr -d ' ')" /dev/vdb$PVN \
		"rootvg's PV is vdb$PVN"
	is "$(findmnt -n -o SOURCE /boot/efi)" /dev/vdb1 "/boot/efi is the clone's ESP"
	if [ "$VARIANT" = b ]; then
		is "$(findmnt -n -o SOURCE /boot)" /dev/vdb2 "/boot is the clone's /boot partition"
		t "  with a file system UUID of its own" test "$(findmnt -n -o UUID /boot)" != "$BOOT_UUID"
		like "$(cat /proc/cmdline)" "BOOT_IMAGE=/vmlinuz-$KERNEL " "  GRUB loaded the kernel from there"
		# the clone's LVM, through its own devices file, sees its VG
		is "$(lvm vgs --noheadings -o vg_uuid rootvg 2>/dev/null | tr -d ' ')" "$CLONE_UUID" \
			"the clone's LVM (its devices file) sees rootvg"
		like "$(cat "$DEVICES")" "PVID=$(lvm pvs --devicesfile "" --noheadings -o pv_uuid /dev/vdb3 | tr -d ' -')" \
			"  its $DEVICES lists vdb3"
		is "$(findmnt -n -o SOURCE /var)" /dev/mapper/rootvg-var "/var is rootvg-var (activated after switch_root)"
	fi
	like "$(findmnt -n -o UUID /)" '.' "the root file system is the clone's ($(findmnt -n -o UUID /))"
	t "  not the original's" test "$(findmnt -n -o UUID /)" != "$ROOT_UUID"
}

# a, at the end of 'back': the host's ansible-playbook (tests/vm/playbooks/
# fleet.yml) over SSH, through qemu/vm --ssh-port. The network (QEMU's user
# networking) and sshd run only now; the host says over SSH when it is done.
fleet() {
	mkdir -p /run/systemd/network /root/.ssh
	printf '[Match]\nType=ether\n\n[Network]\nAddress=10.0.2.15/24\nGateway=10.0.2.2\n' \
		>/run/systemd/network/10-altkit-test.network
	install -m 0600 "$PAYLOAD/ansible.pub" /root/.ssh/authorized_keys
	t "systemd-networkd starts (10.0.2.15)" systemctl start systemd-networkd.service
	t "sshd starts" systemctl start ssh.service
	echo "# waiting for the host's playbook"
	_i=0
	while [ ! -e /run/altkit-ansible-done ] && [ "$_i" -lt 1200 ]; do sleep 2; _i=$((_i + 2)); done
	t "the host's playbook ended (within 1200 s: ${_i} s)" test -e /run/altkit-ansible-done
	is "$(vg_uuid altinst_rootvg)" "" "after the playbook (state: absent): no altinst_rootvg"
	is "$(vg_uuid rootvg)" "$VG_UUID" "  rootvg is the original"
	is "$(boot_first)" "$BOOT_ENTRY" "  BootOrder starts with the original's entry"
	t "  no boot entry is left for vdb" sh -c "! efibootmgr | grep -q 'debian vdb'"
	systemctl stop ssh.service systemd-networkd.service
	rm -f /root/.ssh/authorized_keys
}

# a: the clone is updated while the source runs (debian-update.sh); it
# boots the newer kernel, where there was one
NEW_KERNEL=
if [ "$VARIANT" = a ]; then . "$PAYLOAD/debian-update.sh"; fi
running=$KERNEL
if [ "$STEP" = clone ] && [ -n "$NEW_KERNEL" ]; then running=$NEW_KERNEL; fi

systemctl is-system-running --wait >/dev/null 2>&1
is "$(uname -r)" "$running" "Debian's kernel runs ($running)"
echo "# /proc/cmdline: $(cat /proc/cmdline)"

case $STEP in
install)
	is "$(boot_current)" "$BOOT_ENTRY" "BootCurrent is the entry grub-install made"
	# the static binary copied in, without the package's boot integration
	mkdir -p /tmp/ak && dpkg-deb -x "$PAYLOAD/altkit.deb" /tmp/ak
	refuse "a GRUB that passes no altkit.vg=" 1 \
		"^alt_disk_copy: the source's /boot/grub/grub.cfg passes no altkit\\.vg=$VG_UUID to its kernel: .*install the altkit package" \
		/tmp/ak/usr/sbin/altkit alt_disk_copy -d vdb
	if [ "$VARIANT" = b ]; then
		# dracut as RHEL 9 configures it: host-only images, with LVM's
		# devices file in them (Debian's dracut 059 puts none in); the
		# cmdline is not baked in (GRUB's passes rd.lvm.lv=)
		printf '%s\n' 'hostonly="yes"' 'hostonly_cmdline="no"' \
			'install_items+=" /etc/lvm/devices/system.devices "' >/etc/dracut.conf.d/50-as-rhel.conf
	fi
	start=$(date +%s)
	dpkg -i "$PAYLOAD/altkit.deb" >"$OUT/dpkg.log" 2>&1
	st=$? secs=$(($(date +%s) - start))
	echo "# measured: dpkg -i altkit.deb took $secs s (postinst: update-initramfs, update-grub)"
	is "$st" 0 "dpkg -i altkit.deb ($secs s)" || sed 's/^/#   /' "$OUT/dpkg.log"
	is "$(dpkg-query -W -f '${Status}' altkit 2>&1)" "install ok installed" "the package is installed"
	is "$(grep -o 'altkit\.vg=[^ "]*' /etc/default/grub.d/altkit.cfg)" "altkit.vg=$VG_UUID" \
		"/etc/default/grub.d/altkit.cfg names the running root VG"
	like "$(grep -c "altkit\.vg=$VG_UUID" /boot/grub/grub.cfg)" '^[1-9]' \
		"update-grub put altkit.vg= into /boot/grub/grub.cfg"
	if [ "$VARIANT" = b ]; then
		files=$(lsinitrd "/boot/initrd.img-$KERNEL")
		hook='initqueue/settled/10-altkit-rename\.sh'
	else
		files=$(lsinitramfs "/boot/initrd.img-$KERNEL")
		hook='scripts/init-premount/altkit'
	fi
	like "$files" '(^|[[:space:]/])(usr/)?sbin/altkit([[:space:]]|$)' "the initramfs has altkit"
	like "$files" "$hook" "  and its boot hook"
	if [ "$VARIANT" = b ]; then
		like "$files" 'etc/lvm/devices/system\.devices' "  and LVM's devices file"
	fi
	mv /boot/efi/EFI/debian/grub.cfg /boot/efi/EFI/debian/grub.cfg.away
	refuse "an ESP with no boot loader altkit knows" 1 \
		"^alt_disk_copy: the source's ESP holds no boot loader altkit knows \\(it has .EFI.debian.shimx64\\.efi\\)" \
		alt_disk_copy -d vdb
	mv /boot/efi/EFI/debian/grub.cfg.away /boot/efi/EFI/debian/grub.cfg
	refuse "-x on a clone that boots through GRUB" 2 \
		"^alt_disk_copy: -x: a first-boot script is run by altkit's own initramfs; this clone boots through the distribution's GRUB" \
		alt_disk_copy -d vdb -x /etc/hostname
	cp /etc/fstab /tmp/fstab.orig
	sed -i '\|[[:space:]]/boot[[:space:]]|d' /etc/fstab
	echo "UUID=0b0b0b0b-1111-2222-3333-444444444444 /boot ext4 defaults 0 2" >>/etc/fstab
	refuse "a /boot in the fstab that no disk has" 1 \
		"^alt_disk_copy: the source's /boot \\(UUID=0b0b0b0b-1111-2222-3333-444444444444 in its fstab\\) is on none of this machine's disks$" \
		alt_disk_copy -d vdb
	cp /tmp/fstab.orig /etc/fstab
	if [ "$VARIANT" = b ]; then
		refuse "a disk (vdc, 700 MiB) that cannot hold the ESP and /boot's copy" 1 \
			"^alt_disk_copy: 'vdc': too small: it cannot hold the ESP \\(256 MiB\\), a copy of the source's /boot partition \\(512 MiB\\) and a PV$" \
			alt_disk_copy -d vdc
		sha256sum "$DEVICES" >/tmp/devices.sum
	fi
	mkdir -p /tmp/nofat && for p in /usr/sbin/* /sbin/*; do
		case ${p##*/} in mkfs.fat|mkfs.vfat|mkdosfs) ;; *) ln -sf "$p" /tmp/nofat/ 2>/dev/null ;; esac
	done
	PATH=/tmp/nofat:/usr/bin:/bin refuse "mkfs.fat not installed" 1 \
		"^alt_disk_copy: mkfs\\.fat is not installed \\(not found in PATH\\): it comes with dosfstools$" \
		alt_disk_copy -d vdb
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	if [ "$VARIANT" = a ]; then
		update_clone
	else
		start=$(date +%s)
		alt_disk_copy -d vdb >"$OUT/clone.log" 2>&1
		st=$? secs=$(($(date +%s) - start))
		echo "# measured: alt_disk_copy -d vdb (live, all phases) took $secs s"
		is "$st" 0 "alt_disk_copy -d vdb, live, exits 0 ($secs s)"
		sed 's/^/# | /' "$OUT/clone.log"
	fi
	clone=$(vg_uuid altinst_rootvg)
	echo "$clone" >"$OUT/clone_uuid"
	like "$clone" '.' "the clone is altinst_rootvg ($clone)"
	first=$(boot_first)
	e=$(entry "$first")
	echo "# first in BootOrder: $e"
	like "$e" "^Boot$first\\* debian vdb[[:space:]]" "the first entry is \"debian vdb\""
	like "$e" 'File\(\\EFI\\debian\\shimx64\.efi\)' "  and starts \\EFI\\debian\\shimx64.efi"
	like "$e" "HD\\(1,GPT,$(partuuid /dev/vdb1)," "  on vdb's ESP"
	mkdir -p /mnt/cesp && mount -o ro /dev/vdb1 /mnt/cesp
	t "the clone's ESP has every file of the source's but grub.cfg, byte for byte" \
		diff -r -x grub.cfg /boot/efi /mnt/cesp
	lvm vgchange --devicesfile "" -ay altinst_rootvg >/dev/null 2>&1
	croot=$(blkid -s UUID -o value /dev/mapper/altinst_rootvg-root)
	if [ "$VARIANT" = b ]; then
		cboot=$(blkid -s UUID -o value /dev/vdb2)
		like "$(cat /mnt/cesp/EFI/debian/grub.cfg)" "search.fs_uuid $cboot " \
			"the clone's EFI/debian/grub.cfg finds the clone's /boot ($cboot)"
		t "  and does not name the source's" sh -c "! grep -q '$BOOT_UUID' /mnt/cesp/EFI/debian/grub.cfg"
		mkdir -p /mnt/cboot && mount -o ro /dev/vdb2 /mnt/cboot
		t "the clone's /boot has the source's kernels, byte for byte" \
			diff -r -x grub -x efi -x lost+found /boot /mnt/cboot
		like "$(cat /mnt/cboot/grub/grub.cfg)" "--set=root $cboot" "  its grub/grub.cfg finds the clone's /boot"
		t "  and does not name the source's /boot or VG" \
			sh -c "! grep -q '$BOOT_UUID\|$VG_UUID' /mnt/cboot/grub/grub.cfg"
		umount /mnt/cboot
		t "the source's $DEVICES is unchanged" sha256sum -c --quiet /tmp/devices.sum
		t "  it does not list the clone's PV (vdb3)" sh -c "! grep -q vdb3 $DEVICES"
		mkdir -p /mnt/croot && mount -o ro /dev/mapper/altinst_rootvg-root /mnt/croot
		like "$(cat /mnt/croot$DEVICES)" "PVID=$(lvm pvs --devicesfile "" --noheadings -o pv_uuid /dev/vdb3 | tr -d ' -')" \
			"the clone's $DEVICES lists the clone's PV"
		like "$(grep -c PVID= /mnt/croot$DEVICES)" '^2$' "  and the source's, two in all"
		like "$(grep UUID=$(blkid -s UUID -o value /dev/vdb2) /mnt/croot/etc/fstab)" '[[:space:]]/boot[[:space:]]' \
			"the clone's fstab mounts its own /boot"
		umount /mnt/croot
	else
		like "$(cat /mnt/cesp/EFI/debian/grub.cfg)" "search.fs_uuid $croot " \
			"the clone's EFI/debian/grub.cfg finds the clone's root ($croot)"
		t "  and does not name the source's" sh -c "! grep -q '$ROOT_UUID\|$VG_UUID' /mnt/cesp/EFI/debian/grub.cfg"
	fi
	umount /mnt/cesp
	lvm vgchange --devicesfile "" -an altinst_rootvg >/dev/null 2>&1
	;;
clone)
	booted_clone
	if [ "$VARIANT" = a ]; then update_booted_clone; fi
	echo DEBIAN-MARK-written-on-the-clone >/root/mark
	sync
	out=$(alt_rootvg_op -l)
	like "$out" "rootvg +booted +vdb$PVN " "alt_rootvg_op -l: rootvg booted, on vdb"
	like "$out" "old_rootvg +previous +vda$PVN " "alt_rootvg_op -l: old_rootvg previous, on vda"
	like "$(echo "$out" | grep '^rootvg')" " Boot[0-9A-F]{4}\\(order 1\\)" "  the clone: its distribution entry, first"
	like "$(echo "$out" | grep '^old_rootvg')" " Boot$BOOT_ENTRY\\(order 2\\)" "  the original: its own \"debian\" entry"
	like "$(bootlist -m normal -o | head -n 1)" "^vdb +Boot[0-9A-F]{4} +rootvg +debian vdb$" \
		"bootlist -m normal -o: vdb, its entry, rootvg, \"debian vdb\""
	like "$(bootlist -m normal -o | grep '^vda ')" "^vda +Boot$BOOT_ENTRY +old_rootvg +debian$" \
		"  and vda's own entry \"debian\" with old_rootvg"
	out=$(alt_rootvg_op -W -d vda 2>&1); st=$?
	is "$st" 0 "alt_rootvg_op -W -d vda" || echo "$out" | sed 's/^/#   /'
	is "$(vg_uuid altinst_rootvg)" "$VG_UUID" "  the original is awake as altinst_rootvg"
	is "$(findmnt -n -o UUID /alt_inst)" "$ROOT_UUID" "  its root is on /alt_inst"
	is "$(findmnt -n -o UUID /alt_inst/var)" "$VAR_UUID" "  its /var is mounted as its fstab says"
	t "  the file written on the clone is not there" test ! -e /alt_inst/root/mark
	printf '#!/bin/sh\necho DEBIAN-MARK-customized >"$ALT_INST/root/customized"\n' >/tmp/customize
	chmod 0755 /tmp/customize
	out=$(alt_rootvg_op -C -s /tmp/customize 2>&1); st=$?
	is "$st" 0 "alt_rootvg_op -C -s SCRIPT (in the woken original)" || echo "$out" | sed 's/^/#   /'
	out=$(alt_rootvg_op -S 2>&1); st=$?
	is "$st" 0 "alt_rootvg_op -S" || echo "$out" | sed 's/^/#   /'
	is "$(vg_uuid old_rootvg)" "$VG_UUID" "  its name is old_rootvg again"
	t "  nothing on /alt_inst" sh -c "! grep -q ' /alt_inst' /proc/mounts"
	is "$(alt_rootvg_op -q -d vdb)" vdb "alt_rootvg_op -q -d vdb: the clone's ESP is on vdb"
	is "$(alt_rootvg_op -q -d vda)" vda "alt_rootvg_op -q -d vda: the original's on vda"
	# the original once, by BootNext; BootOrder keeps the clone first
	t "bootlist -m service vda" bootlist -m service vda
	is "$(efibootmgr | sed -n 's/^BootNext: //p')" "$BOOT_ENTRY" "BootNext is the original's own entry (no new one)"
	like "$(entry "$(boot_first)")" "debian vdb" "BootOrder still starts with the clone"
	;;
back)
	is "$(boot_current)" "$BOOT_ENTRY" "BootCurrent is the original's entry (BootNext)"
	is "$(efibootmgr | sed -n 's/^BootNext: //p')" "" "the firmware used BootNext up"
	like "$(entry "$(boot_first)")" "debian vdb" "BootOrder still starts with the clone"
	like "$(cat /proc/cmdline)" "altkit\\.vg=$VG_UUID( |\$)" "GRUB passed the original's altkit.vg="
	is "$(vg_uuid rootvg)" "$VG_UUID" "rootvg is the original VG again"
	is "$(vg_uuid old_rootvg)" "$CLONE_UUID" "old_rootvg is the clone"
	is "$(findmnt -n -o UUID /)" "$ROOT_UUID" "/ is the original root file system"
	t "the file written on the clone is not on this root" test ! -e /root/mark
	if [ "$VARIANT" = a ]; then update_booted_original; fi
	is "$(cat /root/customized 2>&1)" DEBIAN-MARK-customized "the file -C's script wrote into the woken original is"
	t "bootlist -m normal vda (the rollback for good)" bootlist -m normal vda
	is "$(boot_first)" "$BOOT_ENTRY" "BootOrder starts with the original's own entry (no new one)"
	t "alt_rootvg_op -X old_rootvg" alt_rootvg_op -X old_rootvg
	is "$(vg_uuid old_rootvg)" "" "old_rootvg is gone"
	t "vdb$PVN is no PV any more" sh -c "! lvm pvs --devicesfile '' --noheadings -o pv_name 2>/dev/null | grep -q vdb"
	t "no boot entry is left for vdb" sh -c "! efibootmgr | grep -q 'debian vdb'"
	is "$(boot_first)" "$BOOT_ENTRY" "BootOrder still starts with the original's entry"
	if [ -f "$PAYLOAD/ansible.pub" ]; then fleet; fi
	;;
offline)
	# started by the firmware after the recovery image cloned vda offline
	booted_clone
	;;
*)
	ok 1 "unknown step '$STEP'"
	;;
esac
done_testing
