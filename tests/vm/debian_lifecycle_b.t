#!/bin/bash
# PENDING, not in make test: fixture b's first boot under TCG fails now and
# then (soft lockups, then "EXT4-fs: error loading journal" on /var, emergency
# mode), which would make CI red. It passed four times on 2026-12-04 (two
# runs from the working tree, one cold clean-clone run). Run it with
# ALTKIT_TESTS=tests/debian_lifecycle_b.t.pending scripts/run-tests.
# A stock Debian 12 with dracut, /boot on a partition of its own and LVM's
# devices file (fixture b) through its life with altkit: install, live
# clone, power cut, clone boot, rollback. The steps are in
# tests/lib/debian_lifecycle.sh.
VARIANT=b
. "$(dirname "$0")/lib/debian_lifecycle.sh"
