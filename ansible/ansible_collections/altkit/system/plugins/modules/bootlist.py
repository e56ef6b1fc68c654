#!/usr/bin/python
# -*- coding: utf-8 -*-
# Set or read the firmware boot list with the installed altkit.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: bootlist
short_description: Set or read the UEFI boot list (bootlist)
description:
  - With I(disks), puts those disks' boot entries first in the firmware's
    boot list (C(normal), the BootOrder), or boots one disk once at the next
    start (C(service), the BootNext), with altkit's C(bootlist). A disk that
    has no entry gets one made for its loader.
  - Idempotent. When the list already starts with those disks, nothing is
    written (C(changed=false)).
  - Without I(disks), only reads the list.
  - Reads the list with C(bootlist -o --json); a failure carries altkit's own message.
version_added: "0.1.0"
author: altkit developers
options:
  mode:
    description: C(normal) (BootOrder), C(service) (BootNext, one disk), C(both), or C(prevboot) (what this start came from; read only).
    type: str
    choices: [normal, service, both, prevboot]
    default: normal
  disks:
    description: The disks to boot first, in order (C(sdb), C(/dev/sdb)).
    type: list
    elements: str
notes:
  - Supports check mode and diff mode.
  - Needs UEFI firmware and efivarfs on the managed host.
seealso:
  - module: altkit.system.alt_disk
'''

EXAMPLES = r'''
- name: Boot the clone from now on
  altkit.system.bootlist:
    mode: normal
    disks: [sdb]

- name: Try the clone once; the next start after that is the original's
  altkit.system.bootlist:
    mode: service
    disks: [sdb]

- name: Read the boot list
  altkit.system.bootlist:
  register: boot
'''

RETURN = r'''
bootlist:
  description: The lists after the run, as C(bootlist -o --json) prints them.
  returned: always
  type: dict
  sample: {"normal": [{"disk": "sdb", "entry": "Boot0005", "vg": "altinst_rootvg", "description": "altkit sdb"}]}
cmd:
  description: The altkit command run (or that check mode would run).
  returned: changed
  type: list
  elements: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.altkit.system.plugins.module_utils.altkit import (
    command, disk_name, report, run)


def read(module, mode):
    return report(module, [command(module, 'bootlist'), '-m', mode, '-o', '--json'])


def starts_with(entries, disks):
    have = [e.get('disk') for e in entries[:len(disks)]]
    return have == disks


def text(lists):
    return ''.join('%s: %s\n' % (k, ' '.join('%s(%s)' % (e['entry'], e['disk'] or '-') for e in v))
                   for k, v in sorted(lists.items()))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            mode=dict(type='str', choices=['normal', 'service', 'both', 'prevboot'], default='normal'),
            disks=dict(type='list', elements='str'),
        ),
        supports_check_mode=True,
    )
    mode, disks = module.params['mode'], [disk_name(d) for d in module.params['disks'] or []]
    now = read(module, mode)
    if not disks:
        module.exit_json(changed=False, bootlist=now)
    if mode == 'prevboot':
        module.fail_json(msg='mode=prevboot only reads what this start came from; it takes no disks')
    if mode in ('service', 'both') and len(disks) != 1:
        module.fail_json(msg='mode=%s: the firmware boots one disk once (BootNext); name one' % mode)
    lists = [l for l in ('normal', 'service') if l in now]
    if all(starts_with(now[l], disks) for l in lists):
        module.exit_json(changed=False, bootlist=now)
    argv = [command(module, 'bootlist'), '-m', mode] + disks
    if module.check_mode:
        module.exit_json(changed=True, bootlist=now, cmd=argv, diff={'before': text(now), 'after': ''})
    out, err = run(module, argv)
    after = read(module, mode)
    module.exit_json(changed=True, bootlist=after, cmd=argv, diff={'before': text(now), 'after': text(after)},
                     stdout=out, stderr=err)


if __name__ == '__main__':
    main()
