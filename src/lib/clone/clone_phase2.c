/* Phase 2: customize the clone on /alt_inst: -l and its -w -b -F -f
 * packages installed (update.h), -R resolv.conf, -O a new identity, -x a
 * first-boot script, -s a customization script; in that order, as AIX's
 * phase 2 installs its filesets before it copies resolv.conf and runs
 * the script. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "altvg.h"
#include "clone.h"
#include "intree.h"
#include "update.h"

/* What -O resets: the identity a machine must not share with its clone. */
static const char *const identity_files[] = {
	"var/lib/dbus/machine-id",
	"etc/ssh/ssh_host_rsa_key", "etc/ssh/ssh_host_rsa_key.pub",
	"etc/ssh/ssh_host_ecdsa_key", "etc/ssh/ssh_host_ecdsa_key.pub",
	"etc/ssh/ssh_host_ed25519_key", "etc/ssh/ssh_host_ed25519_key.pub",
	"etc/ssh/ssh_host_dsa_key", "etc/ssh/ssh_host_dsa_key.pub",
	"etc/udev/rules.d/70-persistent-net.rules", "etc/udev/rules.d/70-persistent-cd.rules",
	"var/lib/systemd/random-seed",
	NULL,
};

static void reset_identity(const struct clone *c)
{
	/* an empty machine-id makes systemd and others make a new one at boot */
	int fd = intree_open(ALTINST_MNT, "etc/machine-id", O_WRONLY | O_TRUNC, 0);
	if (fd >= 0) {
		close(fd);
		clone_say(c, "reset: /etc/machine-id emptied");
	}
	for (int i = 0; identity_files[i]; i++)
		if (intree_remove(ALTINST_MNT, identity_files[i]) == 1)
			clone_say(c, "reset: /%s removed", identity_files[i]);
}

static void pkg_say(void *arg, const char *msg)
{
	clone_say(arg, "%s", msg);
}

static void pkg_line(void *arg, const char *line)
{
	const struct clone *c = arg;
	if (c->rep && c->rep->pkg_line)
		c->rep->pkg_line(c->rep->arg, line);
}

int clone_phase2(struct clone *c, struct err *e)
{
	const struct clone_opts *o = &c->o;
	char running[64], done[64];
	int rc;
	/* -x on its own (-P 2 after phase 1): only if this clone's boot runs it */
	if (o->firstboot && ((rc = clone_boot_of_clone(c, e)) < 0 || (rc = clone_check_boot_options(c, e)) < 0))
		return rc;
	altinst_tag(running, sizeof(running), "running", "2");
	altinst_tag(done, sizeof(done), "phase", "2");
	if ((rc = clone_set_tag(running, NULL, e)) < 0)
		return rc;
	if (o->update) {
		const struct update_report rep = { pkg_say, pkg_line, c };
		if ((rc = update_tree(ALTINST_MNT, o->update, &rep, e)) < 0)
			return rc;
	}
	if (o->resolv && (rc = altvg_install_resolv(o->resolv)) < 0)
		return err_errno(e, rc, "'%s': cannot install it as the clone's /etc/resolv.conf", o->resolv);
	if (o->reset_identity)
		reset_identity(c);
	if (o->firstboot && (rc = intree_copy_in(ALTINST_MNT, o->firstboot, "etc/altkit/firstboot", 0700)) < 0)
		return err_errno(e, rc, "'%s': cannot install it as the clone's first-boot script", o->firstboot);
	if (o->script && altvg_run_script(o->script) != 0)
		return err_set(e, -EIO, "'%s': the customization script failed; phase 2 is not complete", o->script);
	return clone_set_tag(done, running, e);
}
