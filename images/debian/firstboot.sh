# Payload of the fixture's one bootstrap boot (scripts/build-debian-fixture):
# install the boot loader from inside, as an admin (or Debian's installer) does,
# and report what it made into $OUT. Runs under dash.
set -eux
. "$PAYLOAD/variant.env"
[ -d /sys/firmware/efi/efivars ]
mountpoint -q /boot/efi
systemctl is-system-running --wait || true

if [ "${DEVICESFILE:-0}" = 1 ]; then
	sed -i 's/^\([[:space:]]*\)# use_devicesfile = 0/\1use_devicesfile = 1/' /etc/lvm/lvm.conf
	grep -q '^[[:space:]]*use_devicesfile = 1' /etc/lvm/lvm.conf
	lvm lvmdevices --adddev "$(readlink -f /dev/disk/by-partlabel/lvm 2>/dev/null || echo "$PV_DEV")"
fi
if [ "$INITRAMFS" = dracut ]; then
	dracut -f --regenerate-all
else
	# MODULES=dep, made here where the machine is the one it boots (the
	# chroot's image had to take most modules): update-initramfs under TCG
	# then takes a minute or two instead of 15 (a package's trigger in a test)
	echo MODULES=dep >/etc/initramfs-tools/conf.d/modules-dep
	update-initramfs -u -k all
fi

grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian
update-grub
# what a system whose VG was made by the installer has
vgcfgbackup rootvg
# the bootstrap loader, if the ESP had one
rm -rf /boot/efi/EFI/BOOT

efibootmgr -v >"$OUT/efibootmgr.txt"
find /boot/efi -type f >"$OUT/esp-files.txt"
cp /boot/grub/grub.cfg "$OUT/grub.cfg"
cp /boot/efi/EFI/debian/grub.cfg "$OUT/esp-grub.cfg"
cat /proc/cmdline >"$OUT/cmdline"
lvm vgs --noheadings -o vg_name,vg_uuid >"$OUT/vgs.txt"
systemctl --failed --no-legend >"$OUT/failed-units.txt" || true
sync
