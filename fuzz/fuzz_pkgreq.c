/* alt_disk_copy's update request: -b bundle files and -f fixes files (one
 * or more package names, or name=version words, per line; # comments).
 * What is taken must be a word a package manager's argv can hold as a
 * package, never an option. */
#include "fuzz.h"
#include "pkgreq.h"

static void check(const struct pkgreq *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i][0] == '-' || strpbrk(r->items[i], " \t\n;|&$`'\"\\/"))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[32];
	struct err e;
	int fd = fuzz_file(data, size, path);
	for (int pinned = 0; pinned <= 1; pinned++) {
		struct pkgreq r = { .location = "system" };
		if (pkgreq_add_file(&r, path, pinned, pinned ? "-f" : "-b", &e) == 0)
			check(&r);
		pkgreq_release(&r);
	}
	close(fd);
	return 0;
}
