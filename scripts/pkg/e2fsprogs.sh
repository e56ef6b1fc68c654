# e2fsprogs 1.47.0: libext2fs + libcom_err (+ libe2p), and static mke2fs,
# e2fsck, resize2fs, tune2fs. Built out of tree against the sysroot's
# libblkid/libuuid (not e2fsprogs' private copies), so altkit links one of
# each. mke2fs reads /etc/mke2fs.conf: ours is initramfs/overlay/etc.
DEPS="toolchain util-linux"
OUTPUTS="sbin/mke2fs sbin/e2fsck sbin/resize2fs sbin/tune2fs
	lib/libext2fs.a lib/libcom_err.a include/ext2fs/ext2fs.h
	lib/pkgconfig/ext2fs.pc lib/pkgconfig/com_err.pc"

build() {
	mkdir build
	cd build
	# -static at configure time too: the probes then see what the programs
	# will link with (musl's libc.a, the sysroot's libblkid.a).
	LDFLAGS="$LDFLAGS -static" CONFIGURE=../configure ac_configure \
		--disable-elf-shlibs --disable-bsd-shlibs --disable-nls \
		--disable-libblkid --disable-libuuid --disable-debugfs \
		--disable-imager --disable-defrag --disable-fuse2fs \
		--disable-uuidd --disable-e2initrd-helper --disable-tdb \
		--disable-fsck --disable-backtrace --disable-rpath
	make -j"$JOBS" libs
	make -j"$JOBS" -C misc mke2fs tune2fs
	make -j"$JOBS" -C e2fsck e2fsck
	make -j"$JOBS" -C resize resize2fs
	make DESTDIR="$SYSROOT" install-libs
	install_prog misc/mke2fs sbin/mke2fs
	install_prog misc/tune2fs sbin/tune2fs
	install_prog e2fsck/e2fsck sbin/e2fsck
	install_prog resize/resize2fs sbin/resize2fs
}
