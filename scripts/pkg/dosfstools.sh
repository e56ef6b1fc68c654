# dosfstools 4.2: static mkfs.fat (and fsck.fat) for the ESP. Needed because
# busybox 1.35's mkfs.vfat makes a FAT32 that `fsck.fat -n` does not pass
# (an invalid volume label in the boot sector or root directory).
DEPS="toolchain"
OUTPUTS="sbin/mkfs.fat sbin/fsck.fat"

build() {
	LDFLAGS="$LDFLAGS -static" ac_configure --disable-rpath \
		--without-libiconv-prefix
	make -j"$JOBS" -C src mkfs.fat fsck.fat
	install_prog src/mkfs.fat sbin/mkfs.fat
	install_prog src/fsck.fat sbin/fsck.fat
}
