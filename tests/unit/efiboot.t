#!/bin/bash
# src/lib/boot/efiboot.c against the host's libefivar/libefiboot: the same load
# options byte for byte, the same device path text (tests/unit/c/efiboot_ref.c).
# scripts/install-deps installs what this needs, so a missing piece or a failed
# build is a failure, never a skip.
. "$(dirname "$0")/../lib/tap.sh"

[ -f /usr/include/efivar/efiboot.h ] && pkg-config --exists efivar efiboot ||
	fail_all "libefivar-dev and libefiboot-dev are installed (scripts/install-deps)"
make -s -C "$TOP" host >"${TMPDIR:-/tmp}/efiboot-make.$$" 2>&1 ||
	fail_all "make host builds" "$(tail -20 "${TMPDIR:-/tmp}/efiboot-make.$$"; rm -f "${TMPDIR:-/tmp}/efiboot-make.$$")"
rm -f "${TMPDIR:-/tmp}/efiboot-make.$$"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if ! cc -std=gnu11 -Wall -Wextra -Werror -I"$TOP/src/lib/boot" -I"$TOP/src/lib/util" \
	$(pkg-config --cflags efivar efiboot) \
	-o "$tmp/efiboot_ref" "$TOP/tests/unit/c/efiboot_ref.c" "$TOP/build/host/libaltkit.a" \
	$(pkg-config --libs efivar efiboot) 2>"$tmp/cc.err"; then
	fail_all "the reference program builds" "$(cat "$tmp/cc.err")"
fi
exec "$tmp/efiboot_ref"
