#!/bin/bash
# The multi-call binary: dispatch, --version, --help, symlink names.
. "$(dirname "$0")/../lib/tap.sh"

run "$ALTKIT" --version
is "$rc" 0 "--version exits 0"
for lib in libblkid libfdisk libdevmapper libext2fs libcdio libburn libisofs nettle SQLite; do
	like "$out" "^$lib [0-9]+\.[0-9]+" "--version names $lib with the version it reports"
done

run "$ALTKIT" --help
is "$rc" 0 "--help exits 0"
like "$out" "alt_disk_copy" "--help lists alt_disk_copy"

run "$ALTKIT" no-such-command
is "$rc" 2 "an unknown command exits 2"
is "$err" "altkit: 'no-such-command' is not an altkit command; see 'altkit --help'" "an unknown command is named"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Every command listed by --list can be reached through a symlink of its name.
while read -r name; do
	ln -s "$ALTKIT" "$tmp/$name"
	run "$tmp/$name" --help
	if printf '%s' "$err" | grep -q 'not implemented'; then
		is "$rc" 2 "$name through a symlink: not implemented, exit 2"
	else
		is "$rc" 0 "$name through a symlink answers --help"
	fi
done < <("$ALTKIT" --list)

done_testing
