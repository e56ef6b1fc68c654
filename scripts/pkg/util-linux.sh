# util-linux 2.38.1: libblkid, libuuid, libfdisk, and the blkid program
# (static) for the recovery shell and the tests; every optional dependency
# off (none of them exists for musl here).
DEPS="toolchain"
OUTPUTS="lib/libblkid.a lib/libuuid.a lib/libfdisk.a
	lib/pkgconfig/blkid.pc lib/pkgconfig/uuid.pc lib/pkgconfig/fdisk.pc
	sbin/blkid"

build() {
	ac_configure \
		--disable-all-programs --enable-libblkid --enable-libuuid \
		--enable-libfdisk --disable-libmount --disable-libsmartcols \
		--enable-blkid --enable-static-programs=blkid \
		--disable-nls --disable-rpath --disable-asciidoc --disable-poman \
		--disable-bash-completion --disable-pylibmount \
		--disable-makeinstall-chown --disable-makeinstall-setuid \
		--without-python --without-readline --without-ncurses \
		--without-ncursesw --without-tinfo --without-slang --without-udev \
		--without-systemd --without-selinux --without-audit \
		--without-utempter --without-cap-ng --without-libz \
		--without-libmagic --without-user --without-btrfs --without-smack \
		--without-econf --without-cryptsetup --without-libiconv-prefix \
		--without-systemdsystemunitdir
	make -j"$JOBS"
	install_destdir install
	rm -f "$SYSROOT/sbin/blkid"
	install_prog blkid.static sbin/blkid
	# Each archive carries its own copy of util-linux's lib/ helpers.
	hide_internals "$SYSROOT/lib/libblkid.a" libblkid/src/libblkid.sym
	hide_internals "$SYSROOT/lib/libfdisk.a" libfdisk/src/libfdisk.sym
	hide_internals "$SYSROOT/lib/libuuid.a" libuuid/src/libuuid.sym
}
