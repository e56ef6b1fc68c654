#!/bin/bash
# A stock Debian 12 with dracut, /boot on a partition of its own and LVM's
# devices file (fixture b) through its life with altkit: install, live
# clone, power cut, clone boot, rollback. The steps are in
# tests/lib/debian_lifecycle.sh.
VARIANT=b
. "$(dirname "$0")/../lib/debian_lifecycle.sh"
