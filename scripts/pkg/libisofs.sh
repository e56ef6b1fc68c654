# libisofs 1.5.4: writes ISO 9660 images with Rock Ridge and Joliet (volarc
# create). The library only; optional features it could link (zlib for
# zisofs, libjte, ACLs, xattrs) are not used by volarc and left out.
DEPS="toolchain"
OUTPUTS="lib/libisofs.a include/libisofs/libisofs.h lib/pkgconfig/libisofs-1.pc"

build() {
	# --disable-debug: "debug" means no optimisation and -g here too.
	ac_configure --disable-debug --disable-libacl --disable-xattr \
		--disable-zlib --disable-libjte --disable-ldconfig-at-install \
		--disable-versioned-libs --enable-libdir-pkgconfig
	make -j"$JOBS" libisofs/libisofs.la
	install_destdir install-libLTLIBRARIES install-libincludeHEADERS \
		install-nodist_pkgconfigDATA
	# Its helpers (iso_*-less names such as md5 and util functions) stay
	# out of the way of libburn's and ours in a static link.
	hide_internals "$SYSROOT/lib/libisofs.a" libisofs/libisofs.ver
}
