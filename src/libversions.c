/* Ask each linked library for its own version: proof it is really linked. */
#include <blkid/blkid.h>
#include <libfdisk/libfdisk.h>
#include <libdevmapper.h>
#include <ext2fs/ext2fs.h>
#include <cdio/version.h>
#include <cdio/cdio.h>
#include <libburn/libburn.h>

#include "libversions.h"
#include "volarc_catalog.h"
#include "volarc_iso.h"
#include "volarc_sum.h"

void print_library_versions(FILE *out)
{
	const char *ver = NULL, *date = NULL;
	char dmver[64] = "";
	int maj = 0, min = 0, mic = 0;

	blkid_get_library_version(&ver, &date);
	fprintf(out, "libblkid %s\n", ver);
	fdisk_get_library_version(&ver);
	fprintf(out, "libfdisk %s\n", ver);
	if (!dm_get_library_version(dmver, sizeof(dmver)))
		dmver[0] = '\0';
	fprintf(out, "libdevmapper %s\n", dmver);
	ext2fs_get_library_version(&ver, &date);
	fprintf(out, "libext2fs %s\n", ver);
	fprintf(out, "libcdio %s\n", cdio_version_string);
	burn_version(&maj, &min, &mic);
	fprintf(out, "libburn %d.%d.%d\n", maj, min, mic);
	fprintf(out, "%s\n%s\n%s\n", volarc_iso_version(), volarc_sum_version(), volarc_catalog_version());
}
