#!/bin/bash
# src/lib/efiboot.c against the host's libefivar/libefiboot: the same load
# options byte for byte, the same device path text (tests/unit/c/efiboot_ref.c).
. "$(dirname "$0")/../lib/tap.sh"

[ -f /usr/include/efivar/efiboot.h ] && pkg-config --exists efivar efiboot ||
	skip_all "needs libefivar-dev and libefiboot-dev on the host"
command -v cc >/dev/null || skip_all "needs the host's cc"
make -s -C "$TOP" host >/dev/null 2>&1 || skip_all "make host failed"
[ -f "$TOP/build/host/libaltkit.a" ] || skip_all "no build/host/libaltkit.a"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -std=gnu11 -Wall -Wextra -Werror -I"$TOP/src/lib" $(pkg-config --cflags efivar efiboot) \
	-o "$tmp/efiboot_ref" "$TOP/tests/unit/c/efiboot_ref.c" "$TOP/build/host/libaltkit.a" \
	$(pkg-config --libs efivar efiboot) 2>"$tmp/cc.err"
if [ $? -ne 0 ]; then
	ok 1 "the reference program builds"
	diag "$(cat "$tmp/cc.err")"
	done_testing; exit
fi
exec "$tmp/efiboot_ref"
