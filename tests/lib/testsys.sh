# VM tests on the altkit test system (images/testsys): source after tap.sh and vm.sh.
#   testsys_disk FILE            a private copy of the test system disk
#   testsys_boot NAME PAYLOAD VG_UUID [qemu/vm options...]
#                                boot a disk's system (system mode) and run PAYLOAD in it
#                                ($TESTSYS_APPEND: more kernel command line)
TESTSYS=$TOP/build/images/testsys.img
[ -f "$TESTSYS" ] && [ -f "$TOP/build/images/testsys.env" ] ||
	fail_all "the test system image is built (make testsys)"
# shellcheck disable=SC1091
. "$TOP/build/images/testsys.env"

testsys_disk() { cp --sparse=always "$TESTSYS" "$1"; }

testsys_boot() {
	local name=$1 payload=$2 uuid=$3; shift 3
	vm_payload "$name" "$payload" --boot kernel --kernel "$TOP/build/bzImage" \
		--initrd "$TOP/build/initramfs.img" --append "altkit.vg=$uuid root=/dev/rootvg/root${TESTSYS_APPEND:+ $TESTSYS_APPEND}" "$@"
}

# sha256 of the first 8 MiB and the last 4 MiB of a disk image: a label, PV or
# filesystem written anywhere near the ends changes it
disk_print() {
	local f=$1 size
	size=$(stat -c %s "$f")
	{ head -c 8M "$f"; tail -c 4M "$f"; } | sha256sum | cut -c1-16
}
