/* A tree made fit to run its own programs in (a package manager in the
 * clone on /alt_inst): /proc, /sys, /dev and a fresh /run mounted in it for
 * the run, and a policy-rc.d that lets no service start. /sys is a sysfs of
 * its own, read-only and without efivarfs: the firmware's boot list is not
 * the package manager's to change (phase 3 and bootlist own it). The fresh
 * /run has no /run/systemd/system, so deb-systemd-invoke starts nothing
 * either, and systemctl sees the chroot and ignores start requests. */
#ifndef ALTKIT_CHROOTENV_H
#define ALTKIT_CHROOTENV_H
#include "err.h"

/* Where the run keeps its files, relative to the tree (inside its /run). */
#define CHROOTENV_WORK "run/altkit"

/* Mount and guard; what a crashed run left is undone first. */
int chrootenv_enter(const char *root, struct err *e);
/* Undo chrootenv_enter, or what a crashed run left (idempotent). */
void chrootenv_leave(const char *root);
#endif
