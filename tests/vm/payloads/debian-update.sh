# Sourced by debian-lifecycle.sh in fixture a: updating the clone while
# production runs (alt_disk_copy -l -w -b -F -f). $PAYLOAD/pkgs.tar holds
# the test's packages (tests/lib/testdebs.sh), unpacked to $P:
#   v1/     marker 1, tool 1: installed on the source first
#   v2/     marker 2 (-l v2 -w marker: a directory of .deb files)
#   bad/    fail 1, whose postinst fails; fixed/: fail 2, which works
#   repo/   a flat repository (Packages): marker 3, tool 2 (-b update_all)
#           and, where Debian's archive has one, a kernel of a newer ABI
# $PAYLOAD/update.env: NEW_KERNEL, that kernel's release (empty: none).
. "$PAYLOAD/update.env"
P=/root/pkgs
M=altkit-test-marker T=altkit-test-tool F=altkit-test-fail
version() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null; }
versions() { echo "$(version $M) $(version $T) $(version $F)"; }
in_clone() { chroot /alt_inst "$@"; }
# what must stay byte for byte on the source: its package database, /boot,
# the ESP's bytes, the test packages' files
source_sums() {
	{
		sha256sum /var/lib/dpkg/status
		find /var/lib/dpkg/info /boot -xdev -type f -print0 | sort -z | xargs -0 sha256sum
		sha256sum /dev/vda1 /usr/share/altkit-test/*
	} 2>&1
}
run_adc() {   # run_adc NAME ARGS...: alt_disk_copy, its output in $OUT/NAME.log, its exit in $st
	_name=$1; shift
	_t0=$(date +%s)
	alt_disk_copy "$@" >"$OUT/$_name.log" 2>&1 </dev/null
	st=$? secs=$(($(date +%s) - _t0))
	echo "# measured: alt_disk_copy $* took $secs s"
}
show() { sed 's/^/# | /' "$OUT/$1.log"; }

# install step, after altkit's package: the update flags' refusals, then
# the clone made and updated; it ends with phase 3 done
update_clone() {
	mkdir -p $P && tar -xf "$PAYLOAD/pkgs.tar" -C $P
	dpkg -i $P/v1/*.deb >"$OUT/v1.log" 2>&1
	is "$?" 0 "dpkg -i marker 1 and tool 1" || show v1
	refuse "-w without -l" 2 "^alt_disk_copy: -w, -b, -F and -f need -l: a directory of packages, a repository, or 'system'$" \
		alt_disk_copy -d vdb -w $M
	refuse "-l without anything to install" 2 "^alt_disk_copy: -l '$P/v2': nothing to install: add -w, -b, -F or -f$" \
		alt_disk_copy -d vdb -l $P/v2
	refuse "a location that does not exist" 2 "^alt_disk_copy: -l '/nonexistent': no such directory$" \
		alt_disk_copy -d vdb -l /nonexistent -w $M
	refuse "a bundle file that does not exist" 2 "^alt_disk_copy: -b '/nonexistent': No such file or directory$" \
		alt_disk_copy -d vdb -l $P/v2 -b /nonexistent
	refuse "a package name that is an option" 2 "^alt_disk_copy: -w '--reinstall': not a package name$" \
		alt_disk_copy -d vdb -l $P/v2 -w --reinstall
	source_sums >/tmp/source.before

	# a package whose postinst fails: phase 2 fails with its words
	run_adc bad -d vdb -l $P/bad -w $F
	echo "# measured: the live clone (phases 1 and 2, the install failing) took $secs s"
	is "$st" 1 "a failing postinst fails the run (exit 1)" || show bad
	like "$(cat "$OUT/bad.log")" "$F 1: postinst exits 1 on purpose" "  with the package manager's own words"
	like "$(cat "$OUT/bad.log")" "phase 2 failed; the clone stays on /alt_inst" "  and says how to go on"
	like "$(cat "$OUT/bad.log")" "removed again to keep the clone's package database consistent: $F" \
		"  the package left half-installed is removed again"
	is "$(in_clone dpkg --audit 2>&1)" "" "dpkg --audit in the clone is clean"
	is "$(in_clone dpkg-query -W -f '${db:Status-Abbrev}' $F 2>/dev/null | tr -d ' ')" "" "  $F is not in the clone"
	is "$(findmnt -n -R -o TARGET /alt_inst | grep -c -E '^/alt_inst/(proc|sys|dev|run)$')" 0 \
		"  /proc, /sys, /dev and /run of the run are unmounted"
	t "  no policy-rc.d is left in the clone" test ! -e /alt_inst/usr/sbin/policy-rc.d

	# phase 2 again: the fixed package by exact version, -w from a
	# directory of .deb files, update_all with nothing newer, update_all
	# over a flat repository (and the kernel); then phase 3
	run_adc fixed -P 2 -l $P/fixed -F $F=2
	is "$st" 0 "phase 2 again with the package fixed (-F $F=2, $secs s)" || show fixed
	is "$(in_clone dpkg-query -W -f '${Version}' $F)" 2 "  the clone has $F 2"
	run_adc w -P 2 -l $P/v2 -w $M
	is "$st" 0 "-l v2 -w $M (a directory of .deb files, $secs s)" || show w
	is "$(in_clone dpkg-query -W -f '${Version}' $M)" 2 "  the clone has marker 2"
	run_adc none -P 2 -l $P/v1 -b update_all
	is "$st" 0 "update_all with nothing newer: exit 0" || show none
	like "$(cat "$OUT/none.log")" "update_all: nothing in '$P/v1' is newer than what the clone has" "  says so"
	run_adc all -P 2 -l $P/repo -b update_all
	echo "# measured: update_all from the repository${NEW_KERNEL:+ with the kernel $NEW_KERNEL} took $secs s"
	is "$st" 0 "-l repo -b update_all ($secs s)" || show all
	show all
	is "$(in_clone dpkg-query -W -f '${Version} ' $M $T)" "3 2 " "  the clone has marker 3 and tool 2"
	if [ -n "$NEW_KERNEL" ]; then
		t "  and the new kernel $NEW_KERNEL" test -f /alt_inst/boot/vmlinuz-$NEW_KERNEL
		like "$(lsinitramfs /alt_inst/boot/initrd.img-$NEW_KERNEL)" 'scripts/init-premount/altkit' \
			"  its initramfs, made in the clone, has altkit's boot hook"
		like "$(grep -c "vmlinuz-$NEW_KERNEL" /alt_inst/boot/grub/grub.cfg)" '^[1-9]' \
			"  update-grub in the clone put it into the clone's grub.cfg"
	fi
	run_adc p3 -P 3
	is "$st" 0 "phase 3 ($secs s)" || show p3
	show p3
	is "$(versions)" "1 1 " "the source still has marker 1, tool 1 and no $F"
	source_sums >/tmp/source.after
	t "the source's package database, /boot, ESP and the packages' files are byte-identical" \
		cmp /tmp/source.before /tmp/source.after
}

# clone step: what the updated clone runs
update_booted_clone() {
	is "$(versions)" "3 2 2" "the clone runs with marker 3, tool 2 and $F 2"
	is "$(cat /usr/share/altkit-test/$M)" "$M 3" "  marker 3's file"
	is "$(dpkg --audit 2>&1)" "" "  dpkg --audit is clean"
	like "$(grep -c 'root=/dev/mapper/rootvg-root' /boot/grub/grub.cfg)" '^[1-9]' "  its grub.cfg's root= names rootvg"
	is "$(grep -c altinst_rootvg /boot/grub/grub.cfg)" 0 "  and never altinst_rootvg"
}

# back step: the original, as it was
update_booted_original() {
	is "$(versions)" "1 1 " "the original runs with marker 1 and tool 1"
	is "$(cat /usr/share/altkit-test/$M)" "$M 1" "  marker 1's file"
}
