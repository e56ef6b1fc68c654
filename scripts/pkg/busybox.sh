# busybox 1.35.0: the initramfs' shell and userland, static against musl.
# Configuration: initramfs/busybox.config (part of this package's stamp).
DEPS="toolchain"
OUTPUTS="bin/busybox"

stamp_extra() {
	cat "$TOP/initramfs/busybox.config"
}

build() {
	# The banner's build date (written by kconfig) is the release's, its
	# Makefile's date in the tarball, not today's: same sources, same binary.
	SOURCE_DATE_EPOCH=$(stat -c %Y Makefile)
	export SOURCE_DATE_EPOCH
	cp "$TOP/initramfs/busybox.config" .config
	# Answer any question kconfig asks with its default: never interactive.
	yes "" | make oldconfig >/dev/null
	grep -q '^CONFIG_STATIC=y' .config
	# busybox picks its own -Os; our CFLAGS would override it. HOSTCC
	# builds kconfig and the generators, which run here.
	env -u CFLAGS make -j"$JOBS" CC="$CC" HOSTCC=gcc busybox
	install_prog busybox bin/busybox
}
