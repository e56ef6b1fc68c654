# shellcheck shell=bash
# The body of tests/vm/debian_lifecycle.t (VARIANT=a) and
# tests/vm/debian_lifecycle_b.t (VARIANT=b): a stock Debian 12
# (scripts/build-debian-fixture VARIANT) through its life with altkit, every
# start through OVMF's own boot list with one kept variable store:
#   a: shim + GRUB, initramfs-tools, systemd, root and var on rootvg
#   b: the same with dracut, /boot on a partition of its own (vda2, the PV
#      vda3) and LVM's devices file in use; its install step also has a
#      small vdc for the refusal of a disk that cannot hold /boot's copy
#   install   refusals with nothing written; dpkg -i altkit's .deb (its postinst passes altkit.vg= through
#             GRUB and puts the rename into the initramfs), clone live to vdb;
#             a: the clone is updated on the way (alt_disk_copy -l -w -b -F,
#             tests/vm/payloads/debian-update.sh): a package whose postinst
#             fails, phase 2 again, update_all over a flat repository with a
#             kernel of a newer ABI; the source stays byte-identical
#   cut       the power is cut after the first rename of the clone's first boot
#   clone     the firmware starts vdb's shim -> vdb's GRUB -> the kernel and
#             initramfs from the clone's /boot (a: the new kernel, the new
#             packages); rootvg is the clone's VG and
#             old_rootvg the original; a file is written; the original is
#             woken (-W) and put to sleep (-S); bootlist -m service vda
#   back      vda once, by BootNext: the names are flipped back, the file is
#             not there; bootlist -m normal vda rolls back for good;
#             alt_rootvg_op -X old_rootvg frees vdb and drops its entry;
#             a: then ansible-playbook on this host runs tests/vm/playbooks/
#             fleet.yml against the running system over SSH (a loopback
#             port forwarded by QEMU): a bad disk name, clone, again, facts,
#             boot list, absent; each result is checked here
#   offline   (a) the recovery image clones vda offline (--source-vg rootvg)
#             to vdb; the firmware then starts the clone the same way
# Each start's wall time (QEMU start to power off) is reported.
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
: "${VM_TIMEOUT:=1500}"
VM_IMAGE=other . "$TOP/tests/lib/vm.sh"
. "$TOP/tests/lib/debian.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/altkit-deblife.XXXXXX")
trap 'rm -rf "$tmp"; vm_cleanup' EXIT

deb=$(ls "$TOP"/build/altkit_*_amd64.deb 2>/dev/null | tail -n 1)
[ -f "$deb" ] || fail_all "altkit's .deb is built (make deb)"
[ -f "$TOP/build/bzImage" ] && [ -f "$TOP/build/initramfs.img" ] ||
	fail_all "the recovery image is built (make kernel initramfs): the offline clone needs it"
debian_fixture "$VARIANT" "$tmp"
truncate -s 4G "$tmp/vdb.img"
# b: too small for the ESP and a copy of its 512 MiB /boot
extra=()
if [ "$VARIANT" = b ]; then truncate -s 700M "$tmp/vdc.img"; extra=(--disk "$tmp/vdc.img"); fi
cp "$deb" "$tmp/altkit.deb"
clone_uuid=

payload_files=("$tmp/altkit.deb")
# a: the clone is updated while the source runs (debian-update.sh): test
# packages and, where Debian's archive has one, a kernel of a newer ABI
if [ "$VARIANT" = a ]; then
	. "$TOP/tests/lib/testdebs.sh"
	p=$tmp/pkgs
	testdeb "$p/v1" altkit-test-marker 1
	testdeb "$p/v1" altkit-test-tool 1
	testdeb "$p/v2" altkit-test-marker 2
	testdeb "$p/bad" altkit-test-fail 1 1
	testdeb "$p/fixed" altkit-test-fail 2
	testdeb "$p/repo" altkit-test-marker 3
	testdeb "$p/repo" altkit-test-tool 2
	krc=0
	new_kernel=$(debian_kernel_update "$p/repo") || krc=$?
	case $krc in
	0) ok 0 "a newer kernel for the update: $new_kernel (the fixture runs $KERNEL)" ;;
	2) skip "the kernel update: $new_kernel"; new_kernel= ;;
	*) fail_all "a newer kernel for the update: $new_kernel" ;;
	esac
	flat_repo "$p/repo"
	tar -cf "$tmp/pkgs.tar" -C "$p" .
	rm -rf "$p"
	printf 'NEW_KERNEL=%s\n' "$new_kernel" >"$tmp/update.env"
	payload_files+=("$tmp/pkgs.tar" "$tmp/update.env" "$TOP/tests/vm/payloads/debian-update.sh")
fi
# a: the playbook over SSH during 'back' (tests/lib/fleet.sh)
fleet_opts=()
if [ "$VARIANT" = a ]; then
	. "$TOP/tests/lib/fleet.sh"
	fleet_setup
fi
start() {   # start STEP [PAYLOAD [BOOT [qemu/vm options]]]: one start; the guest runs STEP
	local step=$1 payload=${2:-debian-lifecycle.sh} boot=${3:-firmware}
	shift $(($# < 3 ? $# : 3))
	debian_start "$step" "$payload" "$boot" "$@"
}

start install debian-lifecycle.sh firmware "${extra[@]}"
clone_uuid=$(cat "$tmp/out/clone_uuid" 2>/dev/null)
like "$clone_uuid" '^[A-Za-z0-9]{6}(-[A-Za-z0-9]{4}){5}-[A-Za-z0-9]{6}$' "the guest reported the clone's VG UUID"
# the power is cut the moment the clone's initramfs has done its first
# rename (the original is old_rootvg, the clone still altinst_rootvg)
start cut debian-lifecycle.sh firmware --until "volume group $VG_UUID: 'rootvg' is now 'old_rootvg'"
start clone
log=$(tr -d '\r' <"$VM_LOG")
like "$log" "altkit-init: volume group $clone_uuid: 'altinst_rootvg' is now 'rootvg'" \
	"after the power cut, the clone's initramfs did the rename that was left (console)"
is "$(grep -c "is now 'old_rootvg'" <<<"$log")" 0 "  and only that one"
if [ "$VARIANT" = b ]; then
	like "$log" "altkit: the PVs of rootvg \\($clone_uuid\\) added to the initramfs's LVM devices file" \
		"the devices file dracut copied from the source into the clone's initramfs got the clone's PV (console)"
fi
is "$(grep -a -c DEBIAN-MARK-written-on-the-clone "$tmp/vdb.img")" 1 "the file written on the clone is on vdb's bytes"
is "$(grep -a -c DEBIAN-MARK-written-on-the-clone "$tmp/disk.img")" 0 "  and not on vda's"
if [ "$VARIANT" = a ]; then fleet_play & fleet_pid=$!; fi
start back debian-lifecycle.sh firmware "${fleet_opts[@]}"
if [ "$VARIANT" = a ]; then
	touch "$tmp/fleet.ended"
	wait "$fleet_pid"
	fleet_check
fi
log=$(tr -d '\r' <"$VM_LOG")
like "$log" "altkit-init: volume group $VG_UUID: '[a-z_]+' is now 'rootvg'" \
	"the original's initramfs gave the original its name back (console)"

[ "$VARIANT" = a ] || { done_testing; exit; }
start offline-clone debian-offline.sh recovery
clone_uuid=$(cat "$tmp/out/clone_uuid" 2>/dev/null)
like "$clone_uuid" '^[A-Za-z0-9]{6}(-[A-Za-z0-9]{4}){5}-[A-Za-z0-9]{6}$' "the recovery image reported the offline clone's VG UUID"
start offline
done_testing
