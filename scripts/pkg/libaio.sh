# libaio 0.3.113: the lvm tool needs it. Plain Makefile, no configure and no
# .pc file: we write one so every library is found the same way.
DEPS="toolchain"
OUTPUTS="lib/libaio.a include/libaio.h lib/pkgconfig/libaio.pc"

build() {
	# CFLAGS from the environment: the Makefile appends its own -I. to them.
	make -j"$JOBS" ENABLE_SHARED=0
	make install ENABLE_SHARED=0 DESTDIR="$SYSROOT" prefix= \
		includedir=/include libdir=/lib
	write_pc libaio 0.3.113 "Linux-native asynchronous I/O access library" -laio
}
