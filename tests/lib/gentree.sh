# Helpers for the copytree and treediff tests; source after tap.sh.
#   ct_setup            needs root; $W: a work directory on a fresh ext4 (the
#                       filesystem altkit copies: user xattrs, ACLs, chattr; and no
#                       "discard" to make deleting slow) on a loop device, or, without
#                       loop devices, in $TMPDIR when it has those features; all is
#                       cleaned up on exit (immutable files, mounts, the image)
#   ct_mount ARGS...    mount(8), unmounted again on exit (the last argument is the mount point)
#   gen make|compare|unlock|rm ...   the tree generator and independent checker (gentree.py)
#   tree DIR            the sorted list of paths below DIR, as ./path
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(command -v python3); fi
GEN="$TOP/tests/lib/gentree.py"
gen() { "$PY" "$GEN" "$@"; }

ct_mounts=()
ct_img=
W=

ct_cleanup() {
	local i
	for ((i = ${#ct_mounts[@]} - 1; i >= 0; i--)); do
		umount "${ct_mounts[i]}" 2>/dev/null || umount -l "${ct_mounts[i]}" 2>/dev/null
	done
	ct_mounts=()
	[ -n "$W" ] && [ -d "$W" ] || return 0
	if [ -n "$ct_img" ]; then
		umount "$W" 2>/dev/null || umount -l "$W"
		rmdir "$W"
		rm -f "$ct_img"
	else
		gen rm "$W"
	fi
}

ct_probe() {
	{ touch "$1/.probe" && setfattr -n user.p -v 1 "$1/.probe" &&
	  setfattr -n trusted.p -v 1 "$1/.probe" && setfacl -m u:1:r "$1/.probe" &&
	  chattr +i "$1/.probe" && chattr -i "$1/.probe" && rm -f "$1/.probe"; } 2>/dev/null
}

ct_mount() {
	mount "$@" || return 1
	ct_mounts+=("${!#}")
}

ct_setup() {
	[ "$(id -u)" = 0 ] || skip_all "needs root (owners, devices, trusted xattrs, chattr, mounts)"
	command -v setfacl >/dev/null && command -v chattr >/dev/null ||
		fail_all "setfacl and chattr are installed (scripts/install-deps)"
	# libcap2-bin is not one of scripts/install-deps' packages
	command -v setcap >/dev/null || skip_all "needs setcap (libcap2-bin)"
	W=$(mktemp -d "${TMPDIR:-/tmp}/copytree.XXXXXX")
	trap ct_cleanup EXIT
	ct_img="$W.img"
	if truncate -s 16G "$ct_img" && mkfs.ext4 -q -F -E nodiscard "$ct_img" 2>/dev/null &&
	   mount -o loop "$ct_img" "$W" 2>/dev/null; then
		ct_probe "$W" && return 0
		umount "$W"
	fi
	rm -f "$ct_img"
	ct_img=
	ct_probe "$W" || skip_all "no filesystem with user xattrs, ACLs and chattr"
}

tree() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort); }
