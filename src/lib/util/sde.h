/* The time to stamp on what altkit makes: now, or SOURCE_DATE_EPOCH when
 * it is set (reproducible images and copies). */
#ifndef ALTKIT_SDE_H
#define ALTKIT_SDE_H
#include <time.h>

#include "err.h"

/* The last second of year 9999 (UTC): the latest time ISO 9660 can write. */
#define SDE_MAX 253402300799LL

/* *t = SOURCE_DATE_EPOCH, or now when it is unset or empty. -EINVAL when it
 * is not a plain non-negative integer, -ERANGE when it is after SDE_MAX
 * (e says which); *t is unchanged then. */
int sde_now(time_t *t, struct err *e);
#endif
