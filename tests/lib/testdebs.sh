# shellcheck shell=bash
# Packages for the tests of alt_disk_copy -l -w -b -F -f (phase 2 installs
# into the clone), built with dpkg-deb:
#   testdeb OUTDIR NAME VERSION [POSTINST-EXIT]
# makes OUTDIR/NAME_VERSION_all.deb holding /usr/share/altkit-test/NAME
# with "NAME VERSION" in it; a postinst that prints a line and exits
# POSTINST-EXIT when one is given.
#   flat_repo DIR
# writes DIR/Packages for the .deb files in DIR, as dpkg-scanpackages does
# (control fields, Filename, Size, SHA256).
testdeb() {
	local out=$1 name=$2 version=$3 fail=${4:-} d
	d=$(mktemp -d)
	mkdir -p "$d/DEBIAN" "$d/usr/share/altkit-test"
	printf '%s %s\n' "$name" "$version" >"$d/usr/share/altkit-test/$name"
	cat >"$d/DEBIAN/control" <<-CONTROL
	Package: $name
	Version: $version
	Architecture: all
	Maintainer: altkit tests <tests@altkit.invalid>
	Section: misc
	Priority: optional
	Description: altkit test package $name $version
	 Installed into a clone by alt_disk_copy's tests.
	CONTROL
	if [ -n "$fail" ]; then
		printf '#!/bin/sh\necho "%s %s: postinst exits %s on purpose" >&2\nexit %s\n' \
			"$name" "$version" "$fail" "$fail" >"$d/DEBIAN/postinst"
		chmod 755 "$d/DEBIAN/postinst"
	fi
	mkdir -p "$out"
	dpkg-deb --root-owner-group -Zgzip -b "$d" "$out/${name}_${version}_all.deb" >/dev/null
	rm -rf "$d"
}

flat_repo() {
	local dir=$1 f
	for f in "$dir"/*.deb; do
		dpkg-deb -f "$f"
		printf 'Filename: ./%s\nSize: %s\nSHA256: %s\n\n' "${f##*/}" "$(stat -c %s "$f")" \
			"$(sha256sum "$f" | cut -d' ' -f1)"
	done >"$dir/Packages"
}
