# Helpers and environment shared by the package recipes in scripts/pkg/.
# Sourced by scripts/build-sysroot (in the process that builds one package)
# after TOP, SYSROOT and JOBS are set. Hashed into the toolchain's stamp, so
# a change here rebuilds every package.

CC=$SYSROOT/bin/musl-cc
PKG_CONFIG=$SYSROOT/bin/pkg-config-static
# The build directory must not leak into the binaries (assert messages use
# __FILE__): the same sources give the same programs wherever built.
CFLAGS="-O2 -ffile-prefix-map=$TOP/build/src/="
# AC_CHECK_LIB-style probes (lvm2 looking for libaio) find the sysroot's libs.
LDFLAGS="-L$SYSROOT/lib"
unset CPPFLAGS LIBS PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
export CC PKG_CONFIG CFLAGS LDFLAGS
# Stable, locale-free tool output (libtool and configure parse some of it).
export LC_ALL=C

# The packages are configured for the paths they have at run time in the
# initramfs (/sbin/lvm, /etc/mke2fs.conf, /etc/lvm) and installed with
# DESTDIR=$SYSROOT. Hence the empty prefix: libs in $SYSROOT/lib, headers in
# $SYSROOT/include; pkg-config-static maps the .pc paths into the sysroot.
ac_dirs() {
	echo --prefix= --exec-prefix= --bindir=/bin --sbindir=/sbin \
		--libdir=/lib --includedir=/include --sysconfdir=/etc \
		--localstatedir=/var --datarootdir=/share
}

# ac_configure ARGS...: ./configure (or $CONFIGURE) with the runtime layout,
# static libraries only, no dependency tracking (one-shot builds).
ac_configure() {
	# shellcheck disable=SC2046
	"${CONFIGURE:-./configure}" $(ac_dirs) --disable-shared --enable-static \
		--disable-dependency-tracking "$@"
}

# install_destdir [TARGETS...]: make install into the sysroot, drop libtool
# archives (their /lib paths would point libtool at the host's /lib).
install_destdir() {
	make DESTDIR="$SYSROOT" "${@:-install}"
	find "$SYSROOT/lib" -name '*.la' -delete
}

# install_prog SRC DEST: install a static program stripped, after checking
# that it is static (a dynamic one would not run in the initramfs).
install_prog() {
	mkdir -p "$(dirname "$SYSROOT/$2")"
	install -m 755 "$1" "$SYSROOT/$2"
	strip "$SYSROOT/$2"
	assert_static "$SYSROOT/$2"
}

assert_static() {
	case $(file -b "$1") in
	*"statically linked"*|*"static-pie linked"*) ;;
	*) echo "$1: not statically linked: $(file -b "$1")" >&2; return 1 ;;
	esac
}

# hide_internals LIB.a VERSION-SCRIPT...: a shared library exports only what
# its version script lists; its static archive exports every global helper
# (util-linux's parse_size, libburn's mmc_read_cd, which libcdio also
# defines). Rename the helpers LIB.a defines but the script does not list
# to LIBNAME_helper, in every member (definitions and uses alike), so they
# cannot clash with the program or another library in a static link.
hide_internals() {
	local lib=$1 prefix
	shift
	prefix=$(basename "$lib" .a)_
	sed -n 's/^[[:space:]]*\(global:[[:space:]]*\)\{0,1\}\([A-Za-z_][A-Za-z0-9_]*\);.*/\2/p' \
		"$@" | sort -u >"$lib.api"
	[ -s "$lib.api" ] || { echo "hide_internals: no symbols in $*" >&2; return 1; }
	nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u |
		comm -23 - "$lib.api" | awk -v p="$prefix" '{ print $1, p $1 }' >"$lib.map"
	objcopy --redefine-syms="$lib.map" "$lib"
	rm -f "$lib.api" "$lib.map"
}

# write_pc NAME VERSION DESCRIPTION LIBS: a .pc file for a library that does
# not install one, in the same empty-prefix layout as the others.
write_pc() {
	mkdir -p "$SYSROOT/lib/pkgconfig"
	cat >"$SYSROOT/lib/pkgconfig/$1.pc" <<EOF
prefix=
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: $1
Description: $3
Version: $2
Libs: -L\${libdir} $4
Cflags: -I\${includedir}
EOF
}
