# libcdio 2.1.0: libcdio, libiso9660 (Joliet, Rock Ridge), libudf. Libraries
# only: no programs, C++ bindings, CDDB or VCD. musl's iconv does Joliet.
DEPS="toolchain"
OUTPUTS="lib/libcdio.a lib/libiso9660.a lib/libudf.a include/cdio/cdio.h
	lib/pkgconfig/libcdio.pc lib/pkgconfig/libiso9660.pc lib/pkgconfig/libudf.pc"

build() {
	ac_configure \
		--enable-joliet --enable-rock --disable-cxx --disable-cpp-progs \
		--disable-example-progs --disable-cddb --disable-vcd-info \
		--disable-rpath --without-cd-drive --without-cd-info \
		--without-cdda-player --without-cd-read --without-iso-info \
		--without-iso-read --without-libiconv-prefix
	# include/ and lib/ only: src/ would still build and install mmc-tool.
	make -j"$JOBS" -C include
	make -j"$JOBS" -C lib
	make -C include DESTDIR="$SYSROOT" install
	make -C lib DESTDIR="$SYSROOT" install
	install_destdir install-pkgconfigDATA
}
