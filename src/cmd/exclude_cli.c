/* The exclude-list loading copytree and treediff share, with its messages. */
#include <stdlib.h>

#include "altkit.h"
#include "exclude_cli.h"
#include "pathquote.h"

int load_exclude_list(const char *file, struct exclude **ex)
{
	struct exclude_error ee;
	*ex = NULL;
	if (!file)
		return 0;
	*ex = exclude_new();
	int rc = exclude_load(*ex, file, &ee);
	if (rc == 0)
		return 0;
	char *fq = path_quote(file);
	if (rc == -EXCLUDE_EBADPAT || rc == -EXCLUDE_ENUL) {
		char *pq = text_quote(ee.pattern);
		errmsg("'%s' line %u: invalid pattern '%s': %s", fq, ee.line, pq, ee.reason);
		free(pq);
	} else {
		errmsg_errno(rc, "cannot read exclude list '%s'", fq);
	}
	free(fq);
	exclude_free(*ex);
	*ex = NULL;
	return -1;
}
