# Host tests with loop devices and mounts, all undone at exit (source after
# tap.sh; needs root). Makes the work directory $W and cds there.
#   loop VAR [losetup options] FILE   attach FILE, its device in $VAR
#   mounts+=("$W/dir")                a mount to undo (unmounted first)
#   loops_cleanup_extra() { ...; }    anything else to undo, before $W goes
W=$(mktemp -d)
loops=()
mounts=()
loops_cleanup_extra() { :; }
_loops_cleanup() {
	local m l
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done
	loops_cleanup_extra
	rm -rf "$W"
}
trap _loops_cleanup EXIT
cd "$W" || exit 1
loop() { local l; l=$(losetup -f --show "${@:2}") && loops+=("$l") && printf -v "$1" %s "$l"; }
