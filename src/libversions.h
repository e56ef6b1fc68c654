#ifndef ALTKIT_LIBVERSIONS_H
#define ALTKIT_LIBVERSIONS_H
#include <stdio.h>
/* One line per linked library, with the version it reports at run time. */
void print_library_versions(FILE *out);
#endif
