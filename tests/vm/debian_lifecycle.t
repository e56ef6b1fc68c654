#!/bin/bash
# A stock Debian 12 with initramfs-tools (fixture a) through its life with
# altkit: install, live clone, power cut, clone boot, rollback, offline
# clone. The steps are in tests/lib/debian_lifecycle.sh.
VARIANT=a
. "$(dirname "$0")/../lib/debian_lifecycle.sh"
