/* volarc's set directory (set.json, read from every volume of a set): JSON
 * parsed and checked; what parses is written again as volarc writes it,
 * and that text must parse to the same set. */
#include "fuzz.h"
#include "err.h"
#include "volarc_set.h"

static void same_set(const struct volarc_set *a, const struct volarc_set *b)
{
	if (strcmp(a->serial, b->serial) != 0 || a->index != b->index || a->count != b->count ||
	    a->created != b->created || a->fs != b->fs || a->nentries != b->nentries)
		abort();
	for (size_t i = 0; i < a->nentries; i++) {
		const struct volarc_entry *x = &a->entries[i], *y = &b->entries[i];
		if (strcmp(x->name, y->name) != 0 || x->is_dir != y->is_dir || x->size != y->size ||
		    x->mode != y->mode || x->mtime != y->mtime || x->mtime_ns != y->mtime_ns ||
		    strcmp(x->sha256, y->sha256) != 0 || x->npieces != y->npieces)
			abort();
		for (size_t p = 0; p < x->npieces; p++)
			if (x->pieces[p].vol != y->pieces[p].vol || x->pieces[p].offset != y->pieces[p].offset ||
			    x->pieces[p].length != y->pieces[p].length ||
			    strcmp(x->pieces[p].path, y->pieces[p].path) != 0)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct volarc_set s, again;
	struct err e;
	if (volarc_set_parse(text, &s, &e) == 0) {
		size_t len;
		char *out = volarc_set_format(&s, s.index, 0, &len);
		if (volarc_set_parse(out, &again, &e) < 0)
			abort();
		same_set(&s, &again);
		for (size_t i = 0; i < s.nentries; i++)
			if (volarc_set_find(&s, s.entries[i].name) != &s.entries[i])
				abort();
		volarc_set_release(&again);
		free(out);
	}
	volarc_set_release(&s);
	free(text);
	return 0;
}
