#!/bin/bash
# dracut module altkit (installed as /usr/lib/dracut/modules.d/90altkit/):
# the static altkit binary as /usr/sbin/altkit-init in the image, and a hook
# that runs `altkit-init --rename` before LVM activates anything (see
# altkit-rename.sh).
# shellcheck disable=SC2154 # initdir, moddir: set by dracut

# Always included while the package is installed. The hook does nothing
# without altkit.vg= on the command line, and the cost is one static binary;
# leaving it out (return 255: only on request) or including it only when
# dracut sees the root on LVM would let an image made in a chroot, in a
# rescue system or with hostonly off lose the renames silently, and a clone's
# disk would then boot whichever VG is named rootvg.
check() {
    require_binaries @SBINDIR@/altkit || return 1
    return 0
}

# lvm: the lvm binary altkit-init runs, dm_mod, and lvm_scan, which must
# find the names already final.
depends() {
    echo lvm
    return 0
}

install() {
    # inst_simple, not inst_binary: static, no libraries to resolve
    inst_simple @SBINDIR@/altkit /usr/sbin/altkit || return 1
    ln -sf altkit "${initdir}/usr/sbin/altkit-init" || return 1
    # dracut's lvm module queues /sbin/lvm_scan from its udev rule as the
    # settled job "lvm_scan.sh" (initqueue --settled --onetime --unique);
    # dracut-initqueue sources $hookdir/initqueue/settled/*.sh in glob
    # order on every pass once udev has settled, so "10-altkit-rename.sh"
    # runs before lvm_scan.sh in the first pass that has any PV, and the
    # disks are there (pre-trigger would run before coldplug has loaded the
    # disk drivers).
    inst_hook initqueue/settled 10 "$moddir/altkit-rename.sh"
}
