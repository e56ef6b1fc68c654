# libburn 1.5.4: writes optical media (SG_IO) and stdio: pseudo-drives.
# The library only; its programs (cdrskin, tests) are not needed.
DEPS="toolchain"
OUTPUTS="lib/libburn.a include/libburn/libburn.h lib/pkgconfig/libburn-1.pc"

build() {
	# --disable-debug: libburn's "debug" means no optimisation and -g.
	ac_configure --disable-libcdio --disable-debug \
		--disable-ldconfig-at-install --disable-versioned-libs
	make -j"$JOBS" libburn/libburn.la
	install_destdir install-libLTLIBRARIES install-libincludeHEADERS \
		install-nodist_pkgconfigDATA
	# libburn's internal mmc_read_cd, mmc_set_speed, mmc_get_configuration
	# have the names of libcdio API functions: a static link of both fails.
	hide_internals "$SYSROOT/lib/libburn.a" libburn/libburn.ver
}
