#!/bin/bash
# Packaging (issue #12): make install, make deb, and the scripts they install
# run against stubs: the initramfs-tools hook and boot script in a fake root
# (chroot, busybox sh), the dracut module and hook with dracut's functions
# stubbed, the maintainer scripts with findmnt/lvm/update-* stubbed on PATH.
. "$(dirname "$0")/../lib/tap.sh"
cd "$TOP" || exit 1

bin=$TOP/build/bin/altkit
busybox=$TOP/build/sysroot/bin/busybox
[ -x "$bin" ] || fail_all "build/bin/altkit is built (make altkit)"
[ -x "$busybox" ] || fail_all "build/sysroot/bin/busybox is built (make sysroot)"
command -v dpkg-deb >/dev/null || fail_all "dpkg-deb is installed (dpkg)"
[ "$(id -u)" = 0 ] || skip_all "the fake initramfs root needs chroot: not root"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
version=$("$bin" --version | sed -n '1s/^altkit //p')
commands=$("$bin" --list)

# ---------------------------------------------------------------------------
# make install: every file and link, nothing else
run make --no-print-directory -s install DESTDIR="$tmp/inst"
is "$rc" 0 "make install DESTDIR= exits 0" || diag "$err"
expected=$( {
	echo "f 755 usr/sbin/altkit"
	for c in $commands; do echo "l altkit usr/sbin/$c"; done
	for m in docs/*.8; do echo "f 644 usr/share/man/man8/${m##*/}.gz"; done
	echo "f 755 usr/share/initramfs-tools/hooks/altkit"
	echo "f 755 usr/share/initramfs-tools/scripts/init-premount/altkit"
	echo "f 755 usr/lib/dracut/modules.d/90altkit/module-setup.sh"
	echo "f 755 usr/lib/dracut/modules.d/90altkit/altkit-rename.sh"
} | LC_ALL=C sort)
got=$(cd "$tmp/inst" && find . ! -type d -printf '%y %m%l %P\n' |
	sed 's/^\(l\) 777/\1 /' | LC_ALL=C sort)
is "$got" "$expected" "make install: the binary, a link per 'altkit --list' name, man pages, hooks; modes; nothing else"
is "$(find "$tmp/inst" -type d ! -perm 0755 | wc -l)" 0 "make install: every directory 0755"
cmp -s "$bin" "$tmp/inst/usr/sbin/altkit"
ok $? "make install: usr/sbin/altkit is build/bin/altkit, byte for byte"
for f in dist/initramfs-tools/scripts/init-premount/altkit dist/dracut/90altkit/altkit-rename.sh; do
	cmp -s "$f" "$tmp/inst/$(case $f in *init-premount*) echo usr/share/initramfs-tools/scripts/init-premount/altkit ;;
		*) echo usr/lib/dracut/modules.d/90altkit/altkit-rename.sh ;; esac)"
	ok $? "make install: $f as it is"
done
is "$(grep -h 'altkit ' "$tmp/inst/usr/share/initramfs-tools/hooks/altkit" | grep -v '^#' | head -1)" \
	"copy_exec /usr/sbin/altkit /sbin/altkit || exit 1" "initramfs-tools hook: copies /usr/sbin/altkit (PREFIX filled in)"
is "$(grep -c @SBINDIR@ "$tmp/inst/usr/share/initramfs-tools/hooks/altkit" \
	"$tmp/inst/usr/lib/dracut/modules.d/90altkit/module-setup.sh" | grep -vc ':0$')" 0 \
	"make install: no @SBINDIR@ left in the installed hooks"
run make --no-print-directory -s install DESTDIR="$tmp/inst2" PREFIX=/usr/local
is "$rc:$(cd "$tmp/inst2" && ls usr/local/sbin/altkit usr/share/initramfs-tools/hooks/altkit usr/lib/dracut/modules.d/90altkit/module-setup.sh 2>&1 | wc -l)" \
	"0:3" "PREFIX=/usr/local: the binary under it, the hooks where initramfs-tools and dracut look"
like "$(cat "$tmp/inst2/usr/share/initramfs-tools/hooks/altkit" "$tmp/inst2/usr/lib/dracut/modules.d/90altkit/module-setup.sh")" \
	"copy_exec /usr/local/sbin/altkit /sbin/altkit" "PREFIX=/usr/local: the hook copies /usr/local/sbin/altkit"

# ---------------------------------------------------------------------------
# make deb
deb=build/altkit_${version}_amd64.deb
run make --no-print-directory -s deb
is "$rc:$out" "0:$TOP/$deb" "make deb builds $deb and names it" || diag "$err"
sum1=$(sha256sum <"$deb")
diag "$deb: $(stat -c %s "$deb") bytes"
field() { dpkg-deb -f "$deb" "$1"; }
while read -r name want; do
	is "$(field "$name")" "$want" "control: $name: $want"
done <<EOF
Package altkit
Version $version
Architecture amd64
Depends lvm2, dosfstools, e2fsprogs, util-linux
Recommends initramfs-tools | dracut
EOF
like "$(field Installed-Size)" '^[0-9]+$' "control: Installed-Size is a number of KiB"
is "$(dpkg-deb -I "$deb" control | grep -c '^#')" 0 "control: the template's comment lines are dropped"

# the .deb holds the install tree, plus the copyright file
want=$( { cd "$tmp/inst" && find . -printf '%y %P\n'; echo "d usr/share/doc"; echo "d usr/share/doc/altkit"
	echo "f usr/share/doc/altkit/copyright"; } | sed 's|/$||; s| $| .|' | LC_ALL=C sort)
got=$(dpkg-deb -c "$deb" | awk '{ t = substr($1, 1, 1); t = t == "-" ? "f" : t; p = $6; sub("^\\./", "", p); sub("/$", "", p);
	print t, (p == "" ? "." : p) }' | LC_ALL=C sort)
is "$got" "$want" "dpkg-deb -c: the same files, links and directories as make install, plus usr/share/doc/altkit/copyright"
is "$(dpkg-deb -c "$deb" | awk '$2 != "root/root"' | wc -l)" 0 "dpkg-deb -c: every member root/root"
is "$(dpkg-deb -c "$deb" | awk '{ print $4, $5 }' | sort -u)" \
	"$(date -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}" '+%Y-%m-%d %H:%M')" "dpkg-deb -c: every mtime is the last commit's"

mkdir "$tmp/x"
dpkg-deb -x "$deb" "$tmp/x"
cmp -s "$bin" "$tmp/x/usr/sbin/altkit"
ok $? "the .deb's usr/sbin/altkit is build/bin/altkit, byte for byte"
for m in docs/*.8; do
	gunzip -c "$tmp/x/usr/share/man/man8/${m##*/}.gz" | cmp -s - "$m"
	ok $? "the .deb's man8/${m##*/}.gz gunzips to $m"
done
dpkg-deb -e "$deb" "$tmp/ctl"
(cd "$tmp/x" && md5sum -c --quiet "$tmp/ctl/md5sums" >/dev/null 2>&1)
ok $? "DEBIAN/md5sums matches the files"
is "$(wc -l <"$tmp/ctl/md5sums")" "$(find "$tmp/x" -type f | wc -l)" "DEBIAN/md5sums lists every file"
cmp -s dist/debian/postinst "$tmp/ctl/postinst" && cmp -s dist/debian/postrm "$tmp/ctl/postrm"
ok $? "DEBIAN/postinst and postrm are dist/debian's"
run make --no-print-directory -s deb
is "$rc:$(sha256sum <"$deb")" "0:$sum1" "make deb again: the same bytes (reproducible)"

# ---------------------------------------------------------------------------
# the shell scripts: sh -n, shellcheck and checkbashisms where installed
scripts="dist/debian/postinst dist/debian/postrm dist/initramfs-tools/hooks/altkit
dist/initramfs-tools/scripts/init-premount/altkit dist/dracut/90altkit/altkit-rename.sh scripts/build-deb"
for s in $scripts; do
	run sh -n "$s"
	is "$rc:$err" "0:" "sh -n $s"
done
run bash -n dist/dracut/90altkit/module-setup.sh
is "$rc:$err" "0:" "bash -n dist/dracut/90altkit/module-setup.sh"
if command -v shellcheck >/dev/null; then
	# shellcheck disable=SC2086
	run shellcheck -s sh $scripts
	is "$rc" 0 "shellcheck -s sh: the POSIX scripts" || diag "$out"
	run shellcheck -s bash dist/dracut/90altkit/module-setup.sh
	is "$rc" 0 "shellcheck -s bash: module-setup.sh" || diag "$out"
else
	skip "shellcheck is not installed"
fi
if command -v checkbashisms >/dev/null; then
	# shellcheck disable=SC2086
	run checkbashisms $scripts
	is "$rc" 0 "checkbashisms: the POSIX scripts" || diag "$err"
else
	skip "checkbashisms (devscripts) is not installed"
fi

# ---------------------------------------------------------------------------
# initramfs-tools: the hook and the init-premount script in a fake root.
# Stubs: /scripts/functions (panic logs, then exits 9 unless /panic-returns),
# /sbin/altkit-init (logs its arguments; fails while /fails counts down),
# /usr/share/initramfs-tools/hook-functions (copy_exec, manual_add_modules log).
fr=$tmp/fakeroot
mkdir -p "$fr/bin" "$fr/sbin" "$fr/proc" "$fr/scripts" "$fr/usr/sbin" "$fr/usr/share/initramfs-tools" "$fr/dest/sbin"
cp "$busybox" "$fr/bin/busybox"
for a in sh cat rm echo ln; do ln -s busybox "$fr/bin/$a"; done
cp "$tmp/inst/usr/share/initramfs-tools/scripts/init-premount/altkit" "$fr/premount"
cp "$tmp/inst/usr/share/initramfs-tools/hooks/altkit" "$fr/hook"
cat >"$fr/scripts/functions" <<'EOF'
panic() { echo "panic: $*" >>/log; [ -e /panic-returns ] || exit 9; }
wait_for_udev() { echo "wait_for_udev $*" >>/log; }
EOF
cat >"$fr/sbin/altkit-init" <<'EOF'
#!/bin/sh
echo "${0##*/} $*" >>/log
n=0; if [ -e /fails ]; then n=$(cat /fails); fi # (no /dev in the fake root)
if [ "$n" -gt 0 ]; then
	echo $((n - 1)) >/fails
	echo "altkit-init: cannot rename 'rootvg' to 'old_rootvg': stub" >&2
	exit 1
fi
echo "altkit-init: rootvg -> old_rootvg"
EOF
cat >"$fr/usr/share/initramfs-tools/hook-functions" <<'EOF'
copy_exec() { echo "copy_exec $*" >>/log; }
manual_add_modules() { echo "manual_add_modules $*" >>/log; }
EOF
chmod 755 "$fr/sbin/altkit-init"

# premount CMDLINE FAILS PANIC_RETURNS: runs the script; $rc, $out, $log
premount() {
	rm -f "$fr/log" "$fr/fails" "$fr/panic-returns"
	printf '%s\n' "$1" >"$fr/proc/cmdline"
	[ "$2" = 0 ] || echo "$2" >"$fr/fails"
	[ "$3" = 0 ] || : >"$fr/panic-returns"
	run chroot "$fr" /bin/sh /premount
	log=$(cat "$fr/log" 2>/dev/null)
}
stubmsg="altkit-init: cannot rename 'rootvg' to 'old_rootvg': stub"
panicmsg="panic: altkit: the renames at boot failed: $stubmsg; not mounting a root that may belong to another volume group"
# cmdline | altkit-init fails N times | panic returns | exit | log
while IFS='|' read -r cmdline fails returns want_rc want_log; do
	premount "$cmdline" "$fails" "$returns"
	# U: udev let settle; R: the renames, then rootvg activated by UUID
	want_log=$(printf '%b' "$want_log" | sed "s|PANIC|$panicmsg|; s|^U\$|wait_for_udev 10|; s|^R\$|altkit-init --rename --activate|")
	is "$rc|$log" "$want_rc|$want_log" "init-premount, cmdline '$cmdline', altkit-init fails $fails time(s): exit $want_rc, calls as expected"
done <<EOF
root=/dev/mapper/rootvg-root ro quiet|0|0|0|
root=/dev/mapper/rootvg-root noaltkit.vg=x ro|0|0|0|
root=/dev/mapper/rootvg-root altkit.vg=Aa1-b ro|0|0|0|U\nR
altkit.vg=Aa1-b|0|0|0|U\nR
root=/dev/mapper/rootvg-root altkit.vg=Aa1-b|1|0|9|U\nR\nPANIC
root=/dev/mapper/rootvg-root altkit.vg=Aa1-b|2|1|0|U\nR\nPANIC\nR\nPANIC\nR
EOF
premount "altkit.vg=Aa1-b" 0 0
is "$out" "altkit-init: rootvg -> old_rootvg" "init-premount: altkit-init's stdout (the renames) goes through"
rm -f "$fr/log"
run chroot "$fr" /bin/sh /premount prereqs
is "$rc:$out:$(cat "$fr/log" 2>/dev/null)" "0::" "init-premount prereqs: none, and nothing run"

rm -f "$fr/log"; touch "$fr/sbin/lvm"; chmod 755 "$fr/sbin/lvm"
run chroot "$fr" /bin/sh -c 'DESTDIR=/dest /bin/sh /hook'
is "$rc|$(cat "$fr/log")" "0|copy_exec /usr/sbin/altkit /sbin/altkit
copy_exec /sbin/lvm /sbin
manual_add_modules dm_mod" "initramfs-tools hook: copies altkit and lvm, adds dm_mod" || diag "$err"
is "$(readlink "$fr/dest/sbin/altkit-init")" altkit "initramfs-tools hook: /sbin/altkit-init -> altkit in the image"

# ---------------------------------------------------------------------------
# dracut: module-setup.sh with dracut's functions stubbed, then the hook
# sourced as dracut-initqueue does (job=FILE . FILE).
dr=$tmp/dracut
mkdir -p "$dr/initdir/usr/sbin" "$dr/bin"
run bash -c '
	inst_simple() { echo "inst_simple $*"; }
	inst_hook() { echo "inst_hook $*"; }
	require_binaries() { echo "require_binaries $*"; }
	initdir=$1 moddir=/m
	. "$2"
	check; echo "check $?"
	echo "depends $(depends)"
	install' _ "$dr/initdir" "$tmp/inst/usr/lib/dracut/modules.d/90altkit/module-setup.sh"
is "$rc|$out" "0|require_binaries /usr/sbin/altkit
check 0
depends lvm
inst_simple /usr/sbin/altkit /usr/sbin/altkit
inst_hook initqueue/settled 10 /m/altkit-rename.sh" \
	"dracut module-setup.sh: included whenever altkit is there, depends on lvm, installs altkit and the settled hook at 10"
is "$(readlink "$dr/initdir/usr/sbin/altkit-init")" altkit "dracut module-setup.sh: /usr/sbin/altkit-init -> altkit in the image"
# the hook's place: dracut-initqueue sources settled/*.sh in glob order
mkdir "$dr/settled"; touch "$dr/settled/lvm_scan.sh" "$dr/settled/10-altkit-rename.sh"
for loc in C C.UTF-8; do
	is "$(cd "$dr/settled" && LC_ALL=$loc sh -c 'for j in *.sh; do echo "$j"; done' | head -1)" \
		10-altkit-rename.sh "dracut: 10-altkit-rename.sh is sourced before lvm_scan.sh (glob order, LC_ALL=$loc)"
done

cp "$fr/sbin/altkit-init" "$dr/bin/altkit-init"
sed -i "s|/log|$dr/log|g; s|/fails|$dr/fails|g" "$dr/bin/altkit-init"
# dracut_hook CMDLINE FAILS: sources the hook; $rc, $log, and whether the job file is left
dracut_hook() {
	rm -f "$dr/log" "$dr/fails"; : >"$dr/job.sh"
	[ "$2" = 0 ] || echo "$2" >"$dr/fails"
	run env PATH="$dr/bin:$PATH" CMDLINE="$1" LOG="$dr/log" sh -c '
		getarg() { for w in $CMDLINE; do case $w in "$1"*) echo "${w#"$1"}"; return 0 ;; esac; done; return 1; }
		die() { echo "die: $*" >>"$LOG"; exit 9; }
		job=$1 . "$2"
		echo "after the hook" >>"$LOG"' _ "$dr/job.sh" "$tmp/inst/usr/lib/dracut/modules.d/90altkit/altkit-rename.sh"
	log=$(cat "$dr/log" 2>/dev/null)
	[ -e "$dr/job.sh" ] && left=left || left=removed
}
diemsg="die: altkit: the renames at boot failed: $stubmsg; not mounting a root that may belong to another volume group"
while IFS='|' read -r cmdline fails want_rc want_left want_log; do
	dracut_hook "$cmdline" "$fails"
	want_log=$(printf '%b' "$want_log" | sed "s|DIE|$diemsg|")
	is "$rc|$left|$log" "$want_rc|$want_left|$want_log" \
		"dracut hook, cmdline '$cmdline', altkit-init fails $fails time(s): exit $want_rc, job $want_left, calls as expected"
done <<EOF
root=/dev/mapper/rootvg-root rd.lvm.lv=rootvg/root|0|0|removed|after the hook
rd.lvm.lv=rootvg/root altkit.vg=Aa1-b|0|0|removed|altkit-init --rename\nafter the hook
rd.lvm.lv=rootvg/root altkit.vg=Aa1-b|1|9|left|altkit-init --rename\nDIE
EOF
dracut_hook "rd.lvm.lv=rootvg/root altkit.vg=Aa1-b" 0
is "$out|$err" "|altkit-init: rootvg -> old_rootvg" \
	"dracut hook: the renames go to stderr (dracut-initqueue.service puts it on the console; stdout only in the journal)"

# ---------------------------------------------------------------------------
# postinst and postrm: PATH holds only stubs and the few tools they use;
# ALTKIT_TEST_ROOT puts /etc/default/grub.d under $tmp.
pb=$tmp/pbin
mkdir -p "$pb"
for t in cat mkdir mv rm; do ln -s "$(command -v $t)" "$pb/$t"; done
cat >"$pb/findmnt" <<EOF
#!/bin/sh
[ "\$*" = "-n -o SOURCE /" ] || { echo "findmnt: unexpected \$*" >&2; exit 64; }
echo "\$FAKE_ROOTDEV"
EOF
cat >"$pb/lvm" <<EOF
#!/bin/sh
[ "\$*" = "lvs --noheadings -o vg_name,vg_uuid -- \$FAKE_ROOTDEV" ] || { echo "lvm: unexpected \$*" >&2; exit 64; }
[ -n "\$FAKE_LVS" ] || { echo "  Volume group \"x\" not found" >&2; exit 5; }
echo "  \$FAKE_LVS"
EOF
for t in update-grub update-initramfs; do
	printf '#!/bin/sh\necho "%s${*:+ }$*" >>"$CALLS"\n' "$t" >"$pb/$t"
done
chmod 755 "$pb"/*
u1=Xy3Kq1-Vb2n-AB9c-dEfG-hIjK-LmNo-pQrS12 u2=a1B2c3-D4e5-F6g7-H8i9-J0k1-L2m3-N4o5P6
cfg=$tmp/proot/etc/default/grub.d/altkit.cfg
cfgline() { printf '# Written by the altkit package (postinst) for this disk'"'"'s root VG; alt_disk_copy rewrites it in a clone.\nGRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX altkit.vg=%s"' "$1"; }
# maint SCRIPT ARG ROOTDEV LVS [PATH]: $rc, $err, $calls, $cfgnow
maint() {
	rm -f "$tmp/calls"
	run env -i PATH="${5:-$pb}" ALTKIT_TEST_ROOT="$tmp/proot" CALLS="$tmp/calls" \
		FAKE_ROOTDEV="$3" FAKE_LVS="$4" /bin/sh "dist/debian/$1" "$2"
	calls=$(cat "$tmp/calls" 2>/dev/null | tr '\n' ';')
	cfgnow=$(cat "$cfg" 2>/dev/null || echo absent)
}
# before (absent, or a UUID in the file) | script arg | root device | lvs says | exit | calls | file after
while IFS='|' read -r before script arg dev lvs want_rc want_calls after; do
	rm -rf "$tmp/proot"
	if [ "$before" != absent ]; then mkdir -p "${cfg%/*}"; cfgline "$before" >"$cfg"; echo >>"$cfg"; fi
	maint "$script" "$arg" "$dev" "$lvs"
	want_cfg=absent; [ "$after" = absent ] || want_cfg=$(cfgline "$after")
	is "$rc|$calls|$cfgnow" "$want_rc|$want_calls|$want_cfg" \
		"$script $arg, root $dev ($lvs), file before: $before: exit $want_rc, runs '$want_calls', file: $after" ||
		diag "stderr: $err"
done <<EOF
absent|postinst|configure|/dev/mapper/rootvg-root|rootvg $u1|0|update-initramfs -u -k all;update-grub;|$u1
$u1|postinst|configure|/dev/mapper/rootvg-root|rootvg $u1|0|update-initramfs -u -k all;|$u1
$u2|postinst|configure|/dev/mapper/rootvg-root|rootvg $u1|0|update-initramfs -u -k all;update-grub;|$u1
absent|postinst|configure|/dev/vda2||0||absent
$u2|postinst|configure|/dev/vda2||0||$u2
absent|postinst|configure|/dev/mapper/vg0-root|vg0 $u1|0||absent
absent|postinst|configure|/dev/mapper/rootvg-root|rootvg bad;uuid|0||absent
absent|postinst|abort-upgrade|/dev/mapper/rootvg-root|rootvg $u1|0||absent
absent|postinst|bogus|/dev/mapper/rootvg-root|rootvg $u1|1||absent
$u1|postrm|remove|-||0|update-grub;update-initramfs -u -k all;|absent
$u1|postrm|purge|-||0|update-grub;update-initramfs -u -k all;|absent
absent|postrm|purge|-||0|update-initramfs -u -k all;|absent
$u1|postrm|upgrade|-||0||$u1
EOF
rm -rf "$tmp/proot"
maint postinst configure /dev/vda2 ""
like "$err" "not on an LVM logical volume" "postinst, root not on LVM: says so"
maint postinst configure /dev/mapper/vg0-root "vg0 $u1"
like "$err" "root volume group is 'vg0', not 'rootvg'" "postinst, root VG not rootvg: says so"
# without update-grub and update-initramfs (nor dracut) on PATH
mkdir "$tmp/pbin2"
for t in cat mkdir mv rm findmnt lvm; do ln -s "$pb/$t" "$tmp/pbin2/$t"; done
maint postinst configure /dev/mapper/rootvg-root "rootvg $u1" "$tmp/pbin2"
is "$rc|$calls|$cfgnow" "0||$(cfgline "$u1")" "postinst without update-grub/update-initramfs: writes the file, exits 0"

done_testing
