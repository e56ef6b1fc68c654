# lvm2 2.03.16: libdevmapper (static lib + .pc) and static lvm and dmsetup.
# Everything that needs a daemon, udev, systemd or D-Bus is off: the
# initramfs has none of them. Three musl patches in scripts/patches/lvm2.
# Paths are the initramfs' ones: /etc/lvm, /run/lvm, /run/lock/lvm.
DEPS="toolchain libaio"
OUTPUTS="sbin/lvm sbin/dmsetup lib/libdevmapper.a include/libdevmapper.h
	lib/pkgconfig/devmapper.pc"

build() {
	ac_configure \
		--enable-static_link --enable-pkgconfig \
		--disable-readline --disable-selinux --disable-nls \
		--disable-blkid_wiping --disable-udev_sync --disable-udev_rules \
		--disable-udev-systemd-background-jobs \
		--disable-dmeventd --disable-lvmpolld --disable-use-lvmpolld \
		--disable-use-lvmlockd --disable-systemd-journal \
		--disable-app-machineid --disable-notify-dbus --disable-cmdlib \
		--disable-dbus-service --disable-fsadm --disable-lvmimportvdo \
		--disable-blkdeactivate \
		--with-thin-check= --with-thin-dump= --with-thin-repair= \
		--with-thin-restore= --with-cache-check= --with-cache-dump= \
		--with-cache-repair= --with-cache-restore= --with-vdo-format= \
		--with-confdir=/etc --with-default-system-dir=/etc/lvm \
		--with-default-run-dir=/run/lvm --with-default-pid-dir=/run \
		--with-default-dm-run-dir=/run --with-default-locking-dir=/run/lock/lvm \
		--with-usrlibdir=/lib --with-usrsbindir=/sbin --with-staticdir=/sbin
	# Only the library and the two tools: no daemons, man pages, scripts,
	# and no upstream lvm.conf (initramfs/overlay/etc/lvm/lvm.conf is ours).
	make -j"$JOBS" libdm tools
	make -C libdm DESTDIR="$SYSROOT" install_include install_static \
		install_pkgconfig
	install_prog tools/lvm.static sbin/lvm
	install_prog libdm/dm-tools/dmsetup.static sbin/dmsetup
}
