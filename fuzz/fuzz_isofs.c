/* ISO 9660 volumes as isoread, volarc and dupopt read them: opened in each
 * view (plain ISO 9660, Joliet, Rock Ridge, the automatic choice), the
 * directory tree walked, the first files' contents read. A damaged or
 * hostile tree must end the walk with an error, never loop or overrun. The
 * input is the volume as fuzz/sparse.py writes it (2048-byte chunks). */
#include <fcntl.h>

#include "fuzz.h"
#include "isofs.h"

enum { FILES_READ = 4 };
#define VOLUME_MAX (8ull << 20)

struct seen {
	char *files[FILES_READ];
	size_t n;
};

static int remember(const struct isofs_entry *en, void *arg)
{
	struct seen *s = arg;
	if (!en->is_dir && s->n < FILES_READ && en->size <= (1u << 20))
		s->files[s->n++] = strdup(en->path);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int null = -1;
	if (null < 0)
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	char path[32];
	int fd = fuzz_sparse_file(data, size, 2048, VOLUME_MAX, path);
	if (fd < 0)
		return 0;
	static const enum isofs_view views[] = {
		ISOFS_VIEW_AUTO, ISOFS_VIEW_ISO9660, ISOFS_VIEW_JOLIET, ISOFS_VIEW_ROCKRIDGE,
	};
	for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++) {
		struct isofs *fs;
		if (isofs_open(path, views[v], &fs) < 0)
			continue;
		struct seen s = { .n = 0 };
		struct err e;
		isofs_walk(fs, remember, &s, &e);
		for (size_t i = 0; i < s.n; i++) {
			isofs_read_file(fs, s.files[i], null);
			free(s.files[i]);
		}
		isofs_close(fs);
	}
	close(fd);
	return 0;
}
