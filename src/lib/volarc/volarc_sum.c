/* SHA-256 in hex, through nettle. */
#include <stdint.h>
#include <stdio.h>

#include <nettle/version.h>

#include "volarc_sum.h"
#include "banned.h"

void volarc_sum_hex(struct sha256_ctx *ctx, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(ctx, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

const char *volarc_sum_version(void)
{
	static char v[32];
	snprintf(v, sizeof(v), "nettle %d.%d", nettle_version_major(), nettle_version_minor());
	return v;
}
