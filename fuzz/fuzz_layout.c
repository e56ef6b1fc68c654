/* alt_disk_copy -i layout files: name, size, fstype, mountpoint per line. */
#include "fuzz.h"
#include "layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[32];
	int fd = fuzz_file(data, size, path);
	struct layout l;
	struct err e;
	/* layout_load: the file checks and the NUL check, then layout_parse */
	if (layout_load(path, &l, &e) == 0) {
		layout_find(&l, "/", "root");
		layout_find(&l, "", "swap");
		layout_release(&l);
	}
	close(fd);
	return 0;
}
