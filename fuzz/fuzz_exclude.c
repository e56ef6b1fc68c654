/* Exclude lists (alt_disk_copy -e, copytree --exclude-from): the file read
 * line by line, each line compiled as a basic regular expression, then
 * matched against paths as the copy walk writes them. */
#include "fuzz.h"
#include "exclude.h"

static const char *const paths[] = {
	".", "./etc", "./etc/fstab", "./var/log/syslog", "./home/a b/c\nd", "./tmp/.X11-unix",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[32];
	int fd = fuzz_file(data, size, path);
	struct exclude *ex = exclude_new();
	struct err e;
	if (exclude_read(ex, path, &e) == 0)
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			exclude_match(ex, paths[i]);
	exclude_free(ex);
	close(fd);
	return 0;
}
