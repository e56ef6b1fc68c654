/* The work queue: jobs (batches of non-directory entries of one directory)
 * from the walker to the worker threads, and the workers that run them. A
 * job that an idle worker could share is split; a full queue makes the
 * walker run the oldest job itself.
 *
 * May call: copytree_entry.c, copytree_meta.c (dn_done), copytree_report.c,
 * copytree_node.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "copytree_int.h"
#include "xalloc.h"
#include "banned.h"

static void run_job(struct ct *ct, struct wctx *w, struct job *j);

static struct job *q_take(struct ct *ct)
{
	struct job *j = ct->q_head;
	if (j) {
		ct->q_head = j->next;
		if (!ct->q_head)
			ct->q_tail = NULL;
		ct->q_len--;
		pthread_cond_signal(&ct->q_nonfull);
	}
	return j;
}

static void q_append(struct ct *ct, struct job *j)
{
	j->next = NULL;
	if (ct->q_tail)
		ct->q_tail->next = j;
	else
		ct->q_head = j;
	ct->q_tail = j;
	ct->q_len++;
	pthread_cond_signal(&ct->q_nonempty);
}

void ct_q_push(struct ct *ct, struct wctx *helper, struct job *j)
{
	pthread_mutex_lock(&ct->q_lock);
	while (ct->q_len >= ct->q_max) {
		struct job *old = q_take(ct);
		pthread_mutex_unlock(&ct->q_lock);
		run_job(ct, helper, old);
		pthread_mutex_lock(&ct->q_lock);
	}
	q_append(ct, j);
	pthread_mutex_unlock(&ct->q_lock);
}

static struct job *q_pop(struct ct *ct)
{
	pthread_mutex_lock(&ct->q_lock);
	while (!ct->q_head && !ct->q_closed) {
		ct->q_idle++;
		pthread_cond_wait(&ct->q_nonempty, &ct->q_lock);
		ct->q_idle--;
	}
	struct job *j = q_take(ct);
	pthread_mutex_unlock(&ct->q_lock);
	return j;
}

void ct_q_close(struct ct *ct)
{
	pthread_mutex_lock(&ct->q_lock);
	ct->q_closed = true;
	pthread_cond_broadcast(&ct->q_nonempty);
	pthread_mutex_unlock(&ct->q_lock);
}

struct job *ct_job_new(struct dnode *dn, size_t n, size_t names_len)
{
	struct job *j = xcalloc(1, sizeof(*j));
	j->ent = xmalloc(n * sizeof(*j->ent));
	j->names = xmalloc(names_len ? names_len : 1);
	dn_ref(dn);
	j->dn = dn;
	return j;
}

static void job_free(struct job *j)
{
	free(j->ent);
	free(j->names);
	free(j);
}

/* Another thread is idle and nothing is queued: give it the second half of
 * what is left of this job (a batch of big files is not copied by one thread
 * while the others wait). */
static void maybe_split(struct ct *ct, struct job *j, size_t i)
{
	size_t left = j->n - i;
	if (left < 2)
		return;
	pthread_mutex_lock(&ct->q_lock);
	bool idle = ct->q_idle > 0 && !ct->q_head;
	if (idle) {
		size_t from = i + left / 2, len = 0;
		for (size_t k = from; k < j->n; k++)
			len += strlen(j->ent[k].name) + 1;
		struct job *s = ct_job_new(j->dn, j->n - from, len);
		char *p = s->names;
		for (size_t k = from; k < j->n; k++) {
			size_t l = strlen(j->ent[k].name) + 1;
			memcpy(p, j->ent[k].name, l);
			s->ent[s->n++] = (struct jent){ j->ent[k].ino, j->ent[k].type, p };
			p += l;
		}
		j->n = from;
		q_append(ct, s);
	}
	pthread_mutex_unlock(&ct->q_lock);
}

static void run_job(struct ct *ct, struct wctx *w, struct job *j)
{
	struct dnode *dn = j->dn;
	int rc = ct_stopped(ct) ? -ECANCELED : dn_acquire(ct, dn, S_SRC | S_DST);
	if (rc < 0 && rc != -ECANCELED) {
		ct_report(ct, CT_ERROR, CT_SRC, dn, NULL, "open directory", NULL, -rc, S_IFDIR);
		atomic_fetch_add(&ct->st->failures, j->n);
	}
	for (size_t i = 0; i < j->n; i++) {
		bool done = true;
		if (rc == 0 && !ct_stopped(ct)) {
			if (ct->q_idle)
				maybe_split(ct, j, i + 1);
			done = ct_copy_entry(ct, w, dn, j->ent[i].name);
		}
		if (done)
			dn_done(ct, w, dn);
	}
	if (rc == 0)
		dn_release(ct, dn);
	dn_unref(ct, dn);
	job_free(j);
}

void *ct_worker(void *arg)
{
	struct wctx *w = arg;
	struct job *j;
	while ((j = q_pop(w->ct)))
		run_job(w->ct, w, j);
	return NULL;
}

void ct_q_drain(struct ct *ct, struct wctx *w)
{
	struct job *j;
	while ((j = q_pop(ct)))
		run_job(ct, w, j);
}
