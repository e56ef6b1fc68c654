/* Test hooks: the one place that reads them. Each hook lets a test reach a
 * state that real hardware cannot be put into on cue (a failing read, a full
 * NVRAM, a power cut at an exact point) or point altkit at captured data.
 * Unset, every hook is off and altkit behaves as shipped. The table in
 * testhook.c names each hook's variable and what it does. */
#ifndef ALTKIT_TESTHOOK_H
#define ALTKIT_TESTHOOK_H

enum testhook {
	HOOK_FAULT_READ,          /* copytree: reading this file fails with EIO */
	HOOK_FAULT_WRITE,         /* copytree: writing this file fails with ENOSPC */
	HOOK_FAULT_EFIVAR_WRITE,  /* the Nth EFI variable change fails (full NVRAM) */
	HOOK_EFIVARFS_PATH,       /* a directory of captured EFI variables */
	HOOK_LVM,                 /* the lvm program to run */
	HOOK_PROGRESS_MS,         /* progress lines every N ms, terminal or not */
	HOOK_DEBUG_ISO,           /* libisofs's own messages on stderr */
	HOOK_DUPOPT_FAULTS,       /* dupopt: sectors that fail to read, slow reads,
	                           * a flipped byte in the verify pass */
	HOOK_VOLARC_PIECE_MAX,    /* volarc: pieces of split files this small */
	HOOK_VOLARC_CRASH_AFTER,  /* volarc catalog: die after N records */
	HOOK_CUT_AFTER_RENAMES,   /* kernel command line: altkit-init stops dead
	                           * after the Nth rename (power-cut tests) */
	HOOK_COUNT
};

/* The hook's value, or NULL when it is off (unset or empty). Environment
 * hooks only; HOOK_CUT_AFTER_RENAMES is read from the kernel command line by
 * its name. */
const char *testhook(enum testhook h);
/* Its variable (or kernel command line parameter) name. */
const char *testhook_name(enum testhook h);

#endif
