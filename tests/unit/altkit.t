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

# Every command's front, one table: --help, --version and a bad option answered
# alike (src/opt.c); the subcommands of extfs and volarc too ("volarc create":
# its --version names volarc).
version=$("$ALTKIT" --version | sed -n '1s/^altkit //p')
while read -r name; do
	# shellcheck disable=SC2086 # "volarc create": a command and its subcommand
	run "$ALTKIT" $name --help
	ok "$([ "$rc" = 0 ] && [ -z "$err" ] && printf '%s\n' "$out" | grep -q '^Usage: '; echo $?)" \
		"$name --help: exit 0, Usage: on stdout, nothing on stderr" ||
		diag "exit $rc" "stdout: $(printf '%s' "$out" | head -3)" "stderr: $err"
	# shellcheck disable=SC2086
	run "$ALTKIT" $name --version
	is "$rc:$out:$err" "0:${name%% *} (altkit) $version:" "$name --version: exit 0, '${name%% *} (altkit) $version'"
	# shellcheck disable=SC2086
	run "$ALTKIT" $name --bogus-option
	ok "$([ "$rc" = 2 ] && [ -z "$out" ] &&
		printf '%s\n' "$err" | head -1 | grep -qxF "$name: unknown option --bogus-option" &&
		printf '%s\n' "$err" | sed -n '2,$p' | grep -qx "Usage: .*; see '$name --help'" &&
		[ "$(printf '%s\n' "$err" | wc -l)" = 2 ]; echo $?)" \
		"$name --bogus-option: exit 2, the one reply: unknown option, then the usage line" ||
		diag "exit $rc" "stdout: $(printf '%s' "$out" | head -3)" "stderr: $err"
done < <("$ALTKIT" --list; printf 'extfs %s\n' info mkfs-args tune-args min-size copy-used
	printf 'volarc %s\n' create list copy catalog where link)

done_testing
