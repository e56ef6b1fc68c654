#ifndef ALTKIT_EXCLUDE_CLI_H
#define ALTKIT_EXCLUDE_CLI_H
#include "exclude.h"
/* Load an exclude list for a command; on failure print the one message
 * (bad pattern with its line, or why the file cannot be read) and return
 * -1. *ex is NULL when file is NULL. */
int load_exclude_list(const char *file, struct exclude **ex);
#endif
