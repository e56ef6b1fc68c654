/* The exclude-list loading copytree and treediff share, with its messages. */
#include <stdlib.h>

#include "altkit.h"
#include "exclude_cli.h"

int load_exclude_list(const char *file, struct exclude **ex)
{
	struct err e;
	*ex = NULL;
	if (!file)
		return 0;
	*ex = exclude_new();
	if (exclude_read(*ex, file, &e) == 0)
		return 0;
	errmsg("%s", e.msg);
	exclude_free(*ex);
	*ex = NULL;
	return -1;
}
