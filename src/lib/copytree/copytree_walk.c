/* The walker: SRC depth first, one directory listing at a time, entries
 * sorted by inode number; excluded entries are left out here; directories
 * are entered (copytree_dir.c), everything else goes to the workers in jobs
 * of up to BATCH entries. A directory is done for the walker once it has
 * been listed and its subdirectories walked.
 *
 * May call: copytree_dir.c, copytree_queue.c, copytree_meta.c (dn_done),
 * copytree_report.c, copytree_node.c, exclude.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "copytree_int.h"
#include "exclude.h"
#include "pathbuf.h"
#include "xalloc.h"
#include "banned.h"

#define BATCH 64                /* entries per job */

struct went {
	uint64_t ino;
	unsigned char type;
	size_t name;            /* offset in the frame's names */
};

struct frame {
	struct dnode *dn;
	struct went *dirs;
	size_t ndirs, di;
	char *names;
	size_t pathlen;         /* of this directory's "./path" in the walker's buffer */
};

static int cmp_went(const void *a, const void *b)
{
	const struct went *x = a, *y = b;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static unsigned char dtype_of(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return DT_DIR;
	case S_IFREG: return DT_REG;
	case S_IFLNK: return DT_LNK;
	case S_IFCHR: return DT_CHR;
	case S_IFBLK: return DT_BLK;
	case S_IFIFO: return DT_FIFO;
	case S_IFSOCK: return DT_SOCK;
	}
	return DT_UNKNOWN;
}

/* A directory's entries, as listed. */
struct listing {
	struct went *ents;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
};

static void listing_add(struct listing *l, const struct fs_dirent *d)
{
	size_t len = strlen(d->d_name) + 1;
	if (l->names_len + len > l->names_cap) {
		while (l->names_len + len > l->names_cap)
			l->names_cap *= 2;
		l->names = xrealloc(l->names, l->names_cap);
	}
	memcpy(l->names + l->names_len, d->d_name, len);
	if (l->n == l->cap)
		l->ents = xrealloc(l->ents, (l->cap *= 2) * sizeof(*l->ents));
	l->ents[l->n++] = (struct went){ d->d_ino, d->d_type, l->names_len };
	l->names_len += len;
}

/* Every entry of dn but "." and "..", in the order the directory gives them. */
static void read_listing(struct ct *ct, struct wctx *w, struct dnode *dn, struct listing *l)
{
	l->n = l->names_len = 0;
	l->cap = 64;
	l->names_cap = 4096;
	l->ents = xmalloc(l->cap * sizeof(*l->ents));
	l->names = xmalloc(l->names_cap);
	for (;;) {
		ssize_t got = fs_getdents(dn->fd[SRC], w->buf, w->bufsize);
		if (got == 0)
			break;
		if (got < 0) {
			ct_report(ct, CT_ERROR, CT_SRC, dn, NULL, "read directory", NULL, (int)-got,
				  S_IFDIR);
			atomic_fetch_add(&ct->st->failures, 1);
			break;
		}
		for (ssize_t off = 0; off < got;) {
			struct fs_dirent *d = (struct fs_dirent *)(w->buf + off);
			off += d->d_reclen;
			const char *nm = d->d_name;
			if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
				continue;
			listing_add(l, d);
		}
	}
}

/* Fill in the types the directory did not give, and leave out what the
 * exclude list excludes (but never a mount point). */
static void filter_listing(struct ct *ct, struct frame *f, struct pathbuf *pb, struct listing *l)
{
	struct dnode *dn = f->dn;
	size_t keep = 0;
	for (size_t i = 0; i < l->n; i++) {
		struct went e = l->ents[i];
		const char *nm = l->names + e.name;
		struct fs_stat st;
		bool have_st = false;
		if (e.type == DT_UNKNOWN) {
			if (fs_statat(dn->fd[SRC], nm, AT_SYMLINK_NOFOLLOW, &st) == 0) {
				e.type = dtype_of(st.mode);
				have_st = true;
			}
		}
		if (ct->ex) {
			pathbuf_set(pb, f->pathlen, nm);
			if (exclude_match(ct->ex, pb->s)) {
				/* mount points always stay */
				if (!have_st &&
				    fs_statat(dn->fd[SRC], nm, AT_SYMLINK_NOFOLLOW, &st) == 0)
					have_st = true;
				if (!have_st || !ct_is_mount(ct, &st)) {
					atomic_fetch_add(&ct->st->excluded, 1);
					if (ct->flags & COPYTREE_VERBOSE)
						ct_report(ct, CT_EXCLUDED, CT_SRC, dn, nm, NULL, NULL,
							  0, DTTOIF(e.type));
					continue;
				}
			}
		}
		l->ents[keep++] = e;
	}
	l->n = keep;
}

static void push_job(struct ct *ct, struct wctx *w, struct dnode *dn, struct job *j)
{
	atomic_fetch_add(&dn->pending, (int)j->n);
	ct_q_push(ct, w, j);
}

/* Directories of l into f for the walker, the rest in batches for the workers. */
static void split_listing(struct ct *ct, struct wctx *w, struct frame *f, struct listing *l)
{
	struct went *ents = l->ents;
	size_t n = l->n, nd = 0;
	for (size_t i = 0; i < n; i++)
		if (ents[i].type == DT_DIR)
			nd++;
	f->dirs = xmalloc((nd ? nd : 1) * sizeof(*f->dirs));
	f->ndirs = 0;
	f->names = l->names;
	struct job *j = NULL;
	for (size_t i = 0; i < n; i++) {
		if (ents[i].type == DT_DIR) {
			f->dirs[f->ndirs++] = ents[i];
			continue;
		}
		if (!j) {
			size_t cnt = 0, len = 0;
			for (size_t k = i; k < n && cnt < BATCH; k++)
				if (ents[k].type != DT_DIR) {
					cnt++;
					len += strlen(l->names + ents[k].name) + 1;
				}
			j = ct_job_new(f->dn, cnt, len);
			j->ent[0].name = j->names;
		}
		const char *nm = l->names + ents[i].name;
		size_t len = strlen(nm) + 1;
		char *p = j->n ? (char *)j->ent[j->n - 1].name +
				 strlen(j->ent[j->n - 1].name) + 1 : j->names;
		memcpy(p, nm, len);
		j->ent[j->n++] = (struct jent){ ents[i].ino, ents[i].type, p };
		if (j->n == BATCH || i + 1 == n) {
			push_job(ct, w, f->dn, j);
			j = NULL;
		}
	}
	if (j)
		push_job(ct, w, f->dn, j);
}

/* Read a directory; queue its non-directories for the workers, keep its
 * directories in f for the walker. f->dn is pinned by the caller. */
static void list_dir(struct ct *ct, struct wctx *w, struct frame *f, struct pathbuf *pb)
{
	struct listing l;
	read_listing(ct, w, f->dn, &l);
	filter_listing(ct, f, pb, &l);
	qsort(l.ents, l.n, sizeof(*l.ents), cmp_went);
	split_listing(ct, w, f, &l);
	free(l.ents);
}

void ct_walk(struct ct *ct, struct wctx *w)
{
	size_t n = 0, cap = 64;
	struct frame *stack = xmalloc(cap * sizeof(*stack));
	/* exclude patterns see "./path" from match_root ("./var" when /var is
	 * copied on its own), "." by default */
	const char *root_path = ct->match_root ? ct->match_root : ".";
	size_t root_len = strlen(root_path);
	struct pathbuf pb;
	pathbuf_init(&pb, root_path);

	dn_ref(ct->root);
	stack[n++] = (struct frame){ .dn = ct->root, .pathlen = root_len };
	list_dir(ct, w, &stack[0], &pb);
	struct dnode *popped = NULL;    /* the directory just left: its ".." is near */
	while (n > 0) {
		struct frame *f = &stack[n - 1];
		if (!ct_stopped(ct) && f->di < f->ndirs) {
			const struct went *e = &f->dirs[f->di++];
			struct dnode *child = ct_enter_dir(ct, w, f->dn, f->names + e->name, popped);
			if (popped) {
				dn_unref(ct, popped);
				popped = NULL;
			}
			if (!child)
				continue;
			if (n == cap)
				stack = xrealloc(stack, (cap *= 2) * sizeof(*stack));
			f = &stack[n - 1];
			pathbuf_set(&pb, f->pathlen, f->names + e->name);
			stack[n++] = (struct frame){ .dn = child, .pathlen = pb.len };
			list_dir(ct, w, &stack[n - 1], &pb);
			dn_release(ct, child);
			continue;
		}
		struct dnode *dn = f->dn;
		free(f->dirs);
		free(f->names);
		n--;
		dn_done(ct, w, dn);
		if (popped)
			dn_unref(ct, popped);
		popped = dn;
	}
	if (popped)
		dn_unref(ct, popped);
	free(stack);
	pathbuf_release(&pb);
}
