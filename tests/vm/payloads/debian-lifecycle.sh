# In the Debian 12 fixture, one step of tests/vm/debian_lifecycle.t (STEP),
# run by its altkit-payload.service under dash. $PAYLOAD/env: the fixture's
# identities; $PAYLOAD/step: STEP and CLONE_UUID.
. "$PAYLOAD/guest-tap.sh"
. "$PAYLOAD/step"
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

vg_uuid() { lvm vgs --noheadings -o vg_uuid --select "vg_name=$1" 2>/dev/null | tr -d ' '; }
boot_current() { efibootmgr | sed -n 's/^BootCurrent: //p'; }
boot_first() { efibootmgr | sed -n 's/^BootOrder: \([0-9A-F]*\).*/\1/p'; }
entry() { efibootmgr -v | grep "^Boot$1\*\{0,1\} "; }
partuuid() { blkid -s PARTUUID -o value "$1"; }
# vdb's first and last MiB are still zeros: nothing was written
untouched() {
	cmp -s -n 1048576 /dev/vdb /dev/zero &&
		dd if=/dev/vdb bs=1M skip=$(($(blockdev --getsize64 /dev/vdb) / 1048576 - 1)) count=1 2>/dev/null |
		cmp -s -n 1048576 - /dev/zero
}
refuse() {   # refuse WHAT EXIT MESSAGE-REGEX COMMAND...: that exit, one line, vdb untouched
	_what=$1 _want=$2 _re=$3; shift 3
	_o=$("$@" 2>&1 </dev/null); _st=$?
	is "$_st" "$_want" "$_what: exit $_want"
	like "$_o" "$_re" "$_what: says why"
	is "$(printf '%s\n' "$_o" | wc -l)" 1 "$_what: in one line"
	t "$_what: vdb is untouched" untouched
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
	is "$(lvm pvs --noheadings -o pv_name --select vg_name=rootvg | tr -d ' ')" /dev/vdb2 "rootvg's PV is vdb2"
	is "$(findmnt -n -o SOURCE /boot/efi)" /dev/vdb1 "/boot/efi is the clone's ESP"
	like "$(findmnt -n -o UUID /)" '.' "the root file system is the clone's ($(findmnt -n -o UUID /))"
	t "  not the original's" test "$(findmnt -n -o UUID /)" != "$ROOT_UUID"
}

systemctl is-system-running --wait >/dev/null 2>&1
is "$(uname -r)" "$KERNEL" "Debian's kernel runs ($KERNEL)"
echo "# /proc/cmdline: $(cat /proc/cmdline)"

case $STEP in
install)
	is "$(boot_current)" "$BOOT_ENTRY" "BootCurrent is the entry grub-install made"
	# the static binary copied in, without the package's boot integration
	mkdir -p /tmp/ak && dpkg-deb -x "$PAYLOAD/altkit.deb" /tmp/ak
	refuse "a GRUB that passes no altkit.vg=" 1 \
		"^alt_disk_copy: the source's /boot/grub/grub.cfg passes no altkit\\.vg=$VG_UUID to its kernel: .*install the altkit package" \
		/tmp/ak/usr/sbin/altkit alt_disk_copy -d vdb
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
	files=$(lsinitramfs "/boot/initrd.img-$KERNEL")
	like "$files" '(^|[[:space:]])(usr/)?sbin/altkit([[:space:]]|$)' "the initramfs has altkit"
	like "$files" 'scripts/init-premount/altkit' "  and its init-premount script"
	mv /boot/efi/EFI/debian/grub.cfg /boot/efi/EFI/debian/grub.cfg.away
	refuse "an ESP with no boot loader altkit knows" 1 \
		"^alt_disk_copy: the source's ESP holds no boot loader altkit knows \\(it has .EFI.debian.shimx64\\.efi\\)" \
		alt_disk_copy -d vdb
	mv /boot/efi/EFI/debian/grub.cfg.away /boot/efi/EFI/debian/grub.cfg
	refuse "-x on a clone that boots through GRUB" 2 \
		"^alt_disk_copy: -x: a first-boot script is run by altkit's own initramfs; this clone boots through the distribution's GRUB" \
		alt_disk_copy -d vdb -x /etc/hostname
	cp /etc/fstab /tmp/fstab.orig
	echo "UUID=0b0b0b0b-1111-2222-3333-444444444444 /boot ext4 defaults 0 2" >>/etc/fstab
	refuse "a /boot partition outside the VG" 1 \
		"^alt_disk_copy: the source's /boot is a partition outside volume group 'rootvg' \\(UUID=0b0b0b0b-1111-2222-3333-444444444444 in its fstab\\)" \
		alt_disk_copy -d vdb
	cp /tmp/fstab.orig /etc/fstab
	mkdir -p /tmp/nofat && for p in /usr/sbin/* /sbin/*; do
		case ${p##*/} in mkfs.fat|mkfs.vfat|mkdosfs) ;; *) ln -sf "$p" /tmp/nofat/ 2>/dev/null ;; esac
	done
	PATH=/tmp/nofat:/usr/bin:/bin refuse "mkfs.fat not installed" 1 \
		"^alt_disk_copy: mkfs\\.fat is not installed \\(not found in PATH\\): it comes with dosfstools$" \
		alt_disk_copy -d vdb
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	start=$(date +%s)
	alt_disk_copy -d vdb >"$OUT/clone.log" 2>&1
	st=$? secs=$(($(date +%s) - start))
	echo "# measured: alt_disk_copy -d vdb (live, all phases) took $secs s"
	is "$st" 0 "alt_disk_copy -d vdb, live, exits 0 ($secs s)"
	sed 's/^/# | /' "$OUT/clone.log"
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
	lvm vgchange -ay altinst_rootvg >/dev/null 2>&1
	croot=$(blkid -s UUID -o value /dev/mapper/altinst_rootvg-root)
	like "$(cat /mnt/cesp/EFI/debian/grub.cfg)" "search.fs_uuid $croot " \
		"the clone's EFI/debian/grub.cfg finds the clone's root ($croot)"
	t "  and does not name the source's" sh -c "! grep -q '$ROOT_UUID\|$VG_UUID' /mnt/cesp/EFI/debian/grub.cfg"
	umount /mnt/cesp
	lvm vgchange -an altinst_rootvg >/dev/null 2>&1
	;;
clone)
	booted_clone
	echo DEBIAN-MARK-written-on-the-clone >/root/mark
	sync
	out=$(alt_rootvg_op -l)
	like "$out" "rootvg +booted +vdb2 " "alt_rootvg_op -l: rootvg booted, on vdb"
	like "$out" "old_rootvg +previous +vda2 " "alt_rootvg_op -l: old_rootvg previous, on vda"
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
	out=$(alt_rootvg_op -S 2>&1); st=$?
	is "$st" 0 "alt_rootvg_op -S" || echo "$out" | sed 's/^/#   /'
	is "$(vg_uuid old_rootvg)" "$VG_UUID" "  its name is old_rootvg again"
	t "  nothing on /alt_inst" sh -c "! grep -q ' /alt_inst' /proc/mounts"
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
	t "bootlist -m normal vda (the rollback for good)" bootlist -m normal vda
	is "$(boot_first)" "$BOOT_ENTRY" "BootOrder starts with the original's own entry (no new one)"
	t "alt_rootvg_op -X old_rootvg" alt_rootvg_op -X old_rootvg
	is "$(vg_uuid old_rootvg)" "" "old_rootvg is gone"
	t "vdb2 is no PV any more" sh -c "! lvm pvs --noheadings -o pv_name 2>/dev/null | grep -q vdb"
	t "no boot entry is left for vdb" sh -c "! efibootmgr | grep -q 'debian vdb'"
	is "$(boot_first)" "$BOOT_ENTRY" "BootOrder still starts with the original's entry"
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
