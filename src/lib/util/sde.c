/* SOURCE_DATE_EPOCH (reproducible-builds.org/specs/source-date-epoch): an
 * integer of seconds since 1970 as `date +%s` prints it. The spec says a
 * malformed value SHOULD fail the build; so does one past the last second
 * of year 9999, which ISO 9660 dates (4-digit years) and our reports cannot
 * write. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "sde.h"

int sde_now(time_t *t, struct err *e)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (!sde || !*sde) {
		*t = time(NULL);
		return 0;
	}
	const char *p = sde;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p || p - sde > 15)
		return err_set(e, -EINVAL, "SOURCE_DATE_EPOCH '%.40s': not a number of seconds since "
			       "1970 (as 'date +%%s' prints)", sde);
	long long v = strtoll(sde, NULL, 10);
	if (v > SDE_MAX)
		return err_set(e, -ERANGE, "SOURCE_DATE_EPOCH '%s': after 9999-12-31 23:59:59 UTC "
			       "(%lld): dates are written with 4-digit years", sde, (long long)SDE_MAX);
	*t = (time_t)v;
	return 0;
}
