/* The names of the trees a volarc volume carries (--fs). */
#include <errno.h>
#include <string.h>

#include "volarc.h"
#include "banned.h"

const char *volarc_fs_name(unsigned fs)
{
	switch (fs) {
	case VOLARC_FS_ROCKRIDGE: return "rockridge";
	case VOLARC_FS_JOLIET: return "joliet";
	case VOLARC_FS_ROCKRIDGE | VOLARC_FS_JOLIET: return "joliet,rockridge";
	default: return "";
	}
}

int volarc_fs_parse(const char *s, unsigned *fs)
{
	*fs = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		if (n == 9 && strncmp(s, "rockridge", 9) == 0)
			*fs |= VOLARC_FS_ROCKRIDGE;
		else if (n == 6 && strncmp(s, "joliet", 6) == 0)
			*fs |= VOLARC_FS_JOLIET;
		else
			return -EINVAL;
		s += n;
		if (*s == ',' && *++s == '\0')
			return -EINVAL;
	}
	return *fs ? 0 : -EINVAL;
}
