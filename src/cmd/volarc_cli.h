/* volarc's subcommands (src/cmd/volarc*.c): the options they share and
 * the catalog session that list, copy and catalog read links from. */
#ifndef ALTKIT_VOLARC_CLI_H
#define ALTKIT_VOLARC_CLI_H
#include <stdint.h>
#include <time.h>

#include "volarc_catalog.h"
#include "volarc_read.h"

struct volarc_opts {
	char **args;                    /* the operands, after the subcommand */
	int nargs;
	uint64_t max_bytes;
	int multivolume, add, json, verbose;
	const char *serial, *fs_arg, *as, *to, *at, *catalog;
};

int volarc_cmd_create(struct volarc_opts *o);
int volarc_cmd_list(struct volarc_opts *o);
int volarc_cmd_copy(struct volarc_opts *o);
int volarc_cmd_catalog(struct volarc_opts *o);
int volarc_cmd_where(struct volarc_opts *o);
int volarc_cmd_link(struct volarc_opts *o);

struct volarc_session {
	struct volarc_catalog *cat;     /* NULL: no catalog (links not followed) */
	struct volarc_links links;
};

/* Open the catalog: with create, made if missing (-1 after a message when
 * it cannot be); without, only if it exists. */
int volarc_session_start(struct volarc_session *s, const struct volarc_opts *o, int create);
void volarc_session_end(struct volarc_session *s);

#endif
