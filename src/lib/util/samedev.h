/* Do two paths reach the same storage? Two names of one file, a loop device
 * and its backing file, a device-mapper or md device and the devices below
 * it, a partition and its whole disk, a file and the device its filesystem
 * lives on: what each path finally reaches is compared, not its name. */
#ifndef ALTKIT_SAMEDEV_H
#define ALTKIT_SAMEDEV_H

#include <stddef.h>

#include "err.h"

/* 1 when writing one of a and b could change what the other holds, 0 when
 * not (or when b does not exist), a negative errno when a cannot be looked at
 * (e filled). how (may be NULL, len bytes) gets the link in words: "'/dev/loop0'
 * is backed by 'src.iso'". Device-mapper and md devices are taken to cover
 * all of each device below them (their tables are not read): two LVs of one
 * PV count as overlapping, which only ever refuses, never lets through. */
int samedev(const char *a, const char *b, char *how, size_t len, struct err *e);

/* Tests: read /sys below root instead (NULL: "/sys"). */
void samedev_set_sysfs(const char *root);

#endif
