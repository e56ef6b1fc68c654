# nettle 3.8.1: SHA-256 for volarc's file checksums. A "fat" build picks the
# x86 SHA extensions at run time where the CPU has them (several times the
# speed of portable C), plain code elsewhere. The symmetric library only:
# no public-key part (it would need GMP), no documentation, no programs.
DEPS="toolchain"
OUTPUTS="lib/libnettle.a include/nettle/sha2.h lib/pkgconfig/nettle.pc"

build() {
	ac_configure --disable-public-key --disable-documentation \
		--disable-openssl --enable-fat
	make -j"$JOBS" libnettle.a
	make DESTDIR="$SYSROOT" install-headers install-static install-pkgconfig
}
