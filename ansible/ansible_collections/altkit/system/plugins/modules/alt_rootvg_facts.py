#!/usr/bin/python
# -*- coding: utf-8 -*-
# The root volume groups (booted, alternate, previous) as facts.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: alt_rootvg_facts
short_description: The root volume groups as facts (alt_rootvg_op -l --json)
description:
  - Sets C(ansible_facts.alt_rootvg) to the volume groups that can boot this
    machine, as altkit's C(alt_rootvg_op -l --json) reports them. Each has
    C(name), C(uuid), C(role) (C(booted), C(alternate), C(previous)),
    C(disks), C(size), C(cloned), C(source), C(source_uuid), C(phases) and
    C(boot) (its boot entries).
  - Reads only; never changes anything.
version_added: "0.1.0"
author: altkit developers
options: {}
notes:
  - Supports check mode.
seealso:
  - module: altkit.system.alt_disk
'''

EXAMPLES = r'''
- altkit.system.alt_rootvg_facts:
- ansible.builtin.debug:
    msg: "{{ ansible_facts.alt_rootvg | selectattr('role', 'equalto', 'alternate') | list }}"
'''

RETURN = r'''
ansible_facts:
  description: C(alt_rootvg), the list of root volume groups.
  returned: always
  type: dict
  sample: {"alt_rootvg": [{"name": "rootvg", "role": "booted", "disks": "sda2", "phases": "", "boot": "Boot0004"}]}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.altkit.system.plugins.module_utils.altkit import command, report


def main():
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    vgs = report(module, [command(module, 'alt_rootvg_op'), '-l', '--json'])
    module.exit_json(changed=False, ansible_facts={'alt_rootvg': vgs})


if __name__ == '__main__':
    main()
