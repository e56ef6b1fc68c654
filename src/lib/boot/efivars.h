#ifndef ALTKIT_EFIVARS_H
#define ALTKIT_EFIVARS_H
#include <stddef.h>
#include <stdint.h>

/* UEFI variables of the global GUID through efivarfs, as files
 * "<Name>-8be4df61-93ca-11d2-aa0d-00e098032b8c" holding a 4-byte attribute
 * word and the data. The directory is /sys/firmware/efi/efivars, or
 * $EFIVARFS_PATH (libefivar's variable: efibootmgr on the host and altkit
 * then read the same captured variables). Returns 0 or -errno; never prints. */

#define EFI_GLOBAL_GUID "8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define EFIVAR_NV_BS_RT 0x00000007u     /* non-volatile, boot and run time */

const char *efivars_dir(void);
/* 0 when variables can be read here; -ENOENT without UEFI or efivarfs. */
int efivars_available(void);
/* *data is malloc'd; -ENOENT when the variable does not exist. */
int efivar_get(const char *name, uint8_t **data, size_t *len, uint32_t *attr);
/* Create or replace, in one write (how efivarfs sets a variable). */
int efivar_set(const char *name, const uint8_t *data, size_t len, uint32_t attr);
/* -ENOENT when it was not there. */
int efivar_del(const char *name);
/* The numbers of the Boot#### variables present, sorted; *nums malloc'd. */
int efivar_boot_numbers(uint16_t **nums, size_t *n);

/* BootOrder-style arrays of little-endian uint16. */
int efivar_get_u16s(const char *name, uint16_t **v, size_t *n);
int efivar_set_u16s(const char *name, const uint16_t *v, size_t n);
#endif
