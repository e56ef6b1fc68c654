#!/bin/sh
# dracut initqueue/settled hook of altkit (sourced by dracut-initqueue, so no
# exit and no set -e): with altkit.vg=<VG UUID> on the kernel command line,
# run the renames at boot (that VG becomes rootvg, the previous rootvg
# old_rootvg) before lvm_scan activates rd.lvm.lv=rootvg/... by name.
# A failure stops the boot (die): the root of rootvg may be another disk's.
# Done once: the hook removes itself, as dracut's --onetime jobs do.
# shellcheck source=/dev/null # dracut's, in the image
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

if [ -n "$(getarg altkit.vg=)" ]; then
    # stdout (one line per rename) to the console through fd 3 = stderr
    # (dracut-initqueue.service: stdout goes to the journal only, stderr
    # to the console too), the error line kept for die
    { altkit_msg=$(altkit-init --rename 2>&1 1>&3 3>&-) ||
        die "altkit: the renames at boot failed: ${altkit_msg:-altkit-init --rename failed}; not mounting a root that may belong to another volume group"
    } 3>&2
    unset altkit_msg
fi
if [ -n "${job:-}" ]; then
    rm -f -- "$job"
fi
