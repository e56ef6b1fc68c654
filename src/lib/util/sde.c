/* SOURCE_DATE_EPOCH (reproducible-builds.org): seconds since 1970. */
#include <stdlib.h>
#include <time.h>

#include "sde.h"

time_t sde_now(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (!*end && v >= 0)
			return (time_t)v;
	}
	return time(NULL);
}
