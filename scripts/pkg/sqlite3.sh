# SQLite 3.40.1: the volarc catalog. Debian's orig tarball is SQLite's full
# source tree, not the one-file "amalgamation": its build makes sqlite3.c
# with tclsh (scripts/install-deps installs tcl), then we compile that one
# file against musl. No shell, no TCL binding, no loadable extensions (a
# static binary has no dlopen).
DEPS="toolchain"
OUTPUTS="lib/libsqlite3.a include/sqlite3.h lib/pkgconfig/sqlite3.pc"

# Compile-time options, kept here so that a change rebuilds the package.
SQLITE_OPTS="-DSQLITE_THREADSAFE=1 -DSQLITE_OMIT_LOAD_EXTENSION
	-DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_DQS=0 -DSQLITE_USE_URI=0"

build() {
	# The generators (lemon, mkkeywordhash) run on the build machine.
	ac_configure --disable-tcl --disable-readline --disable-load-extension \
		--disable-amalgamation BUILD_CC=gcc
	make sqlite3.c sqlite3.h
	# sqlite_cfg.h: what configure found in musl (usleep above all: without
	# it a writer waiting for another sleeps in whole seconds)
	grep -q '^#define HAVE_USLEEP 1' sqlite_cfg.h
	# shellcheck disable=SC2086
	"$CC" $CFLAGS $SQLITE_OPTS -D_HAVE_SQLITE_CONFIG_H -I. -c -o sqlite3.o sqlite3.c
	ar rcs libsqlite3.a sqlite3.o
	mkdir -p "$SYSROOT/lib" "$SYSROOT/include"
	install -m 644 libsqlite3.a "$SYSROOT/lib/libsqlite3.a"
	install -m 644 sqlite3.h "$SYSROOT/include/sqlite3.h"
	write_pc sqlite3 "$(cat VERSION)" "SQL database engine" "-lsqlite3"
}
