/* Planning a volume set. Sizes are libisofs's own (each candidate layout is
 * measured, never estimated by hand): the overhead of the ISO structures
 * of the whole tree is measured on one volume holding everything, each
 * volume of a set then gets an equal share of the data within the room
 * that overhead leaves, and every volume is measured again to prove it
 * fits. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "volarc_plan.h"
#include "xalloc.h"
#include "banned.h"

enum {
	/* room kept besides the whole tree's overhead: the pieces directory
	 * and its records, a volume's share of path tables */
	MARGIN_START = 32 * 1024,
	TEXT_SLACK = 4096,              /* set directory growth between rounds */
	MAX_ROUNDS = 12,
};

static uint64_t sectors(uint64_t bytes)
{
	return (bytes + VOLARC_SECTOR - 1) / VOLARC_SECTOR;
}

static uint64_t data_sectors(const struct volarc_set *set)
{
	uint64_t d = 0;
	for (size_t i = 0; i < set->nentries; i++)
		d += set->entries[i].is_dir ? 0 : sectors(set->entries[i].size);
	return d;
}

static void clear_pieces(struct volarc_entry *en)
{
	for (size_t k = 0; k < en->npieces; k++)
		free(en->pieces[k].path);
	free(en->pieces);
	en->pieces = NULL;
	en->npieces = 0;
}

static void add_piece(struct volarc_entry *en, unsigned vol, uint64_t off, uint64_t len)
{
	en->pieces = xrealloc(en->pieces, (en->npieces + 1) * sizeof(*en->pieces));
	en->pieces[en->npieces++] = (struct volarc_piece){ .vol = vol, .offset = off, .length = len };
}

/* Fill volumes 1..count in entry order, `target` data sectors each (the
 * last takes the rest); then name where each piece is stored: a file in
 * one piece under its own name, the pieces of others in VOLARC_PIECES. */
static void assign(struct volarc_set *set, unsigned count, uint64_t target, uint64_t piece_max)
{
	unsigned vol = 1;
	uint64_t room = count == 1 ? UINT64_MAX : target;
	set->count = count;
	for (size_t i = 0; i < set->nentries; i++) {
		struct volarc_entry *en = &set->entries[i];
		if (en->is_dir)
			continue;
		clear_pieces(en);
		uint64_t off = 0;
		do {
			if (room == 0 && en->size > off) {
				vol++;
				room = vol == count ? UINT64_MAX : target;
			}
			uint64_t take = en->size - off;
			if (room != UINT64_MAX && take > room * VOLARC_SECTOR)
				take = room * VOLARC_SECTOR;
			if (take > piece_max)
				take = piece_max;
			add_piece(en, vol, off, take);
			if (room != UINT64_MAX)
				room -= sectors(take);
			off += take;
		} while (off < en->size);
		for (size_t k = 0; k < en->npieces; k++) {
			char path[64];
			if (en->npieces == 1) {
				en->pieces[k].path = xstrdup(en->name);
				continue;
			}
			snprintf(path, sizeof(path), "%s/%06zu.%03zu", VOLARC_PIECES, i + 1, k + 1);
			en->pieces[k].path = xstrdup(path);
		}
	}
}

/* Grow *len (by slack) when the set directory text of the plan outgrows
 * it; 1 when it grew. The text is longest on the last volume (the volume
 * index is the only part that differs, in its number of digits). */
static int fit_text(const struct volarc_set *set, size_t *len)
{
	size_t n;
	free(volarc_set_format(set, set->count, 0, &n));
	if (n <= *len)
		return 0;
	*len = n + TEXT_SLACK;
	return 1;
}

int volarc_plan(struct volarc_set *set, const struct volarc_plan_opts *o, struct volarc_plan_result *res,
		struct err *e)
{
	uint64_t d = data_sectors(set), margin = MARGIN_START, one;
	size_t len = 0;
	res->needed = 0;
	for (int round = 0; round < MAX_ROUNDS; round++) {
		assign(set, 1, 0, o->piece_max);
		fit_text(set, &len);
		int rc = o->measure(o->ctx, set, 1, len, &one, e);
		if (rc < 0)
			return rc;
		res->set_len = len;
		if (one <= o->max_bytes)
			return 0;
		if (!o->multivolume) {
			res->needed = one;
			return err_set(e, -EFBIG, "one volume would need %" PRIu64 " MB", (one + VOLARC_MIB - 1) / VOLARC_MIB);
		}
		/* what the ISO structures of the whole tree cost, on every volume */
		uint64_t overhead = one - d * VOLARC_SECTOR;
		if (overhead + margin + VOLARC_SECTOR > o->max_bytes)
			return err_set(e, -ENOSPC, "the file records and set directory alone need %" PRIu64
					" KB of each volume", (overhead + margin + 1023) / 1024);
		uint64_t budget = (o->max_bytes - overhead - margin) / VOLARC_SECTOR;
		uint64_t n = (d + budget - 1) / budget;
		if (n > VOLARC_MAX_VOLUMES)
			return err_set(e, -EFBIG, "the set would need %" PRIu64 " volumes, more than %d", n,
					VOLARC_MAX_VOLUMES);
		uint64_t target = (d + n - 1) / n;
		assign(set, (unsigned)n, target, o->piece_max);
		if (fit_text(set, &len))
			continue;       /* the set directory grew: plan again with it */
		uint64_t worst = 0;
		for (unsigned v = 1; v <= n; v++) {
			uint64_t bytes;
			rc = o->measure(o->ctx, set, v, len, &bytes, e);
			if (rc < 0)
				return rc;
			if (bytes > worst)
				worst = bytes;
		}
		res->set_len = len;
		if (worst <= o->max_bytes)
			return 0;
		margin += worst - o->max_bytes;
	}
	return err_set(e, -EAGAIN, "no volume layout found that fits (internal)");
}
