/* The time to stamp on what altkit makes: now, or SOURCE_DATE_EPOCH when
 * it is set (reproducible images and copies). */
#ifndef ALTKIT_SDE_H
#define ALTKIT_SDE_H
#include <time.h>
time_t sde_now(void);
#endif
