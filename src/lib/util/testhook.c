/* The test hooks (testhook.h): each one's name and what it is for. */
#include <stdlib.h>

#include "testhook.h"
#include "banned.h"

static const char *const names[HOOK_COUNT] = {
	[HOOK_FAULT_READ] = "ALTKIT_FAULT_READ",
	[HOOK_FAULT_WRITE] = "ALTKIT_FAULT_WRITE",
	[HOOK_FAULT_EFIVAR_WRITE] = "ALTKIT_FAULT_EFIVAR_WRITE",
	[HOOK_EFIVARFS_PATH] = "EFIVARFS_PATH",
	[HOOK_LVM] = "ALTKIT_LVM",
	[HOOK_PROGRESS_MS] = "ALTKIT_PROGRESS_MS",
	[HOOK_DEBUG_ISO] = "VOLARC_DEBUG_ISO",
	[HOOK_DUPOPT_FAULTS] = "DUPOPT_TEST_FAULTS",
	[HOOK_VOLARC_PIECE_MAX] = "VOLARC_TEST_PIECE_MAX",
	[HOOK_VOLARC_CRASH_AFTER] = "VOLARC_TEST_CRASH_AFTER",
	[HOOK_CUT_AFTER_RENAMES] = "altkit.test.cut_after_renames",
};

const char *testhook_name(enum testhook h)
{
	return (unsigned)h < HOOK_COUNT ? names[h] : "";
}

const char *testhook(enum testhook h)
{
	if ((unsigned)h >= HOOK_COUNT || h == HOOK_CUT_AFTER_RENAMES)
		return NULL;
	const char *v = getenv(names[h]);
	return v && *v ? v : NULL;
}
