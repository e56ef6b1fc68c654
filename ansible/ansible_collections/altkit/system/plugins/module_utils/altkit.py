# -*- coding: utf-8 -*-
# Running the installed altkit from a module: one home for the command
# lookup, the failure message and the JSON reports the modules read.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re


def command(module, name):
    """The path of an altkit command on the managed host (PATH first, then
    /usr/sbin where the package puts it), or fail saying so."""
    path = module.get_bin_path(name) or module.get_bin_path(name, opt_dirs=['/usr/sbin', '/sbin'])
    if not path:
        module.fail_json(msg="'%s' is not installed on this host (install the altkit package)" % name)
    return path


def run(module, argv):
    """Run argv (a list: never a shell); fail with altkit's own message."""
    rc, out, err = module.run_command(argv)
    if rc != 0:
        lines = [l for l in err.splitlines() if l.strip()]
        module.fail_json(msg=lines[-1] if lines else "'%s' failed with status %d" % (argv[0], rc),
                         rc=rc, stdout=out, stderr=err, cmd=argv)
    return out, err


def report(module, argv):
    """Run an altkit report (--json) and return what it says."""
    out, err = run(module, argv)
    try:
        return json.loads(out)
    except ValueError as e:
        module.fail_json(msg="'%s' printed no JSON: %s" % (' '.join(argv), e), stdout=out, stderr=err)


def whole_disk(pv):
    """The disk a PV is on: sdb2 -> sdb, nvme0n1p2 -> nvme0n1, vdb -> vdb."""
    pv = pv[5:] if pv.startswith('/dev/') else pv
    m = re.match(r'^((?:nvme|mmcblk|loop)\d+(?:n\d+)?)p\d+$', pv)
    if m:
        return m.group(1)
    m = re.match(r'^([a-z]+)\d+$', pv)
    return m.group(1) if m else pv


def disk_name(disk):
    return disk[5:] if disk.startswith('/dev/') else disk
