/* File checksums: SHA-256 through nettle (which uses the CPU's SHA
 * instructions where there are some), in the lowercase hex volarc stores. */
#ifndef ALTKIT_VOLARC_SUM_H
#define ALTKIT_VOLARC_SUM_H
#include <stddef.h>

#include <nettle/sha2.h>

/* Finish ctx (it is reset for reuse) and write its 64 hex digits and a NUL. */
void volarc_sum_hex(struct sha256_ctx *ctx, char out[65]);

/* "nettle 3.8" */
const char *volarc_sum_version(void);

#endif
