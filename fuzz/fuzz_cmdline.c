/* The kernel command line (/proc/cmdline, a boot entry's optional data):
 * words, quotes, the first '=' of each word. */
#include "fuzz.h"
#include "cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct cmdline cl;
	if (cmdline_parse(text, &cl) == 0) {
		/* every word's key is found again, with its value or "" */
		for (size_t i = 0; i < cl.n; i++)
			if (!cmdline_get(&cl, cl.keys[i]))
				abort();
		cmdline_get(&cl, "altkit.vg");
	}
	cmdline_release(&cl);
	free(text);
	return 0;
}
