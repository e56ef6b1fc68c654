/* volarc: CD-ROM volume archives (Unisys CopyWrite style). What the volarc_*
 * library files share: fixed names on a volume, limits, and the error
 * record through which they tell the command what went wrong. */
#ifndef ALTKIT_VOLARC_H
#define ALTKIT_VOLARC_H
#include <stdint.h>

/* Every volume of a set carries the set directory at this path (in its Rock
 * Ridge and Joliet trees); pieces of split files live under VOLARC_PIECES. */
#define VOLARC_DIR ".volarc"
#define VOLARC_SET_FILE VOLARC_DIR "/set.json"
#define VOLARC_PIECES VOLARC_DIR "/pieces"

#define VOLARC_SECTOR 2048
#define VOLARC_MIB (1024 * 1024)
#define VOLARC_DEFAULT_MAX_MB 650       /* a 74-minute CD */
#define VOLARC_MAX_VOLUMES 999          /* VOL/001 ... VOL/999 */
/* A serial is a volume set identifier and, with "_NNN", a volume identifier
 * (32 d-characters at most). */
#define VOLARC_SERIAL_MAX 28
/* libiso9660 reads file sizes as 32 bits: no piece of a file on a volume is
 * longer than this (bigger files are stored as several pieces). */
#define VOLARC_PIECE_MAX 0xfffff800ull

/* The trees written besides the ISO 9660 one. */
enum {
	VOLARC_FS_ROCKRIDGE = 1,
	VOLARC_FS_JOLIET = 2,
};

/* Errors are the library's struct err (err.h): the message names the file
 * of the volume that failed, which only the library knows. */
#include "err.h"

/* "a,b": the trees of a VOLARC_FS_* mask, as in set.json and --fs. */
const char *volarc_fs_name(unsigned fs);
/* Parse --fs "joliet,rockridge" (either or both); -EINVAL. */
int volarc_fs_parse(const char *s, unsigned *fs);

#endif
