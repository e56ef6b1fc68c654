/* Reports of the copy engine: every failure, vanished entry and (verbose)
 * copied entry goes to the caller's callback, one at a time; a DST failure
 * that no further copy can avoid (ENOSPC, EIO, ...) stops the copy.
 *
 * May call: copytree_node.c (dn_path). */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "copytree_int.h"
#include "banned.h"

void ct_report(struct ct *ct, enum copytree_kind kind, enum copytree_side side,
	       const struct dnode *dn, const char *name, const char *op,
	       const char *detail, int err, mode_t type)
{
	if (!ct->o->report)
		return;
	char *path = dn_path(dn, name);
	struct copytree_report r = {
		.kind = kind, .side = side, .path = path, .op = op, .detail = detail,
		.err = err, .type = type & S_IFMT,
	};
	pthread_mutex_lock(&ct->rep_lock);
	ct->o->report(ct->o->arg, &r);
	pthread_mutex_unlock(&ct->rep_lock);
	free(path);
}

bool ct_stopped(struct ct *ct)
{
	return atomic_load_explicit(&ct->fatal, memory_order_relaxed) != 0;
}

static bool fatal_on_dst(int err)
{
	switch (err) {
	case ENOSPC: case EDQUOT: case EIO: case EROFS: case EUCLEAN:
	case ENOMEM: case EMFILE: case ENFILE:
		return true;
	}
	return false;
}

void ct_dst_error(struct ct *ct, const struct dnode *dn, const char *name,
		  const char *op, const char *detail, int err, mode_t type)
{
	if (fatal_on_dst(err)) {
		int expect = 0;
		if (atomic_compare_exchange_strong(&ct->fatal, &expect, -err))
			ct_report(ct, CT_FATAL, CT_DST, dn, name, op, detail, err, type);
		return;
	}
	if (!ct_stopped(ct))
		ct_report(ct, CT_ERROR, CT_DST, dn, name, op, detail, err, type);
}

void ct_src_error(struct ct *ct, const struct dnode *dn, const char *name,
		      const char *op, const char *detail, int err, mode_t type)
{
	if (!ct_stopped(ct))
		ct_report(ct, CT_ERROR, CT_SRC, dn, name, op, detail, err, type);
}

void ct_report_copied(struct ct *ct, const struct dnode *dn, const char *name, mode_t mode)
{
	if (ct->flags & COPYTREE_VERBOSE)
		ct_report(ct, CT_COPIED, CT_SRC, dn, name, NULL, NULL, 0, mode);
}
