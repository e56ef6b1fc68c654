#!/usr/bin/python
# -*- coding: utf-8 -*-
# Clone the root volume group to alternate disks with the installed altkit.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: alt_disk
short_description: Clone the root volume group to alternate disks (alt_disk_copy)
description:
  - Makes C(altinst_rootvg), a bootable copy of the running root volume group
    (or of I(source_vg)), on the disks given, with altkit's C(alt_disk_copy);
    phase 1 copies, phase 2 applies updates in the clone, phase 3 makes it
    bootable and puts it first in the boot list.
  - Idempotent. A complete clone of the same source on the same disks is
    C(changed=false). A partial one (phases run apart) is completed with the
    phases it lacks. A clone on other disks is reported, not replaced.
  - I(state=absent) removes the alternate volume group (C(alt_rootvg_op -X)).
  - The module runs the altkit installed on the host and reads its
    C(alt_rootvg_op -l --json) report; a failure carries altkit's own message.
version_added: "0.1.0"
author: altkit developers
options:
  state:
    description: C(present) makes the clone; C(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  disks:
    description: The target disks, whole disks in no volume group (C(sdb), C(/dev/sdb)). Their data is lost.
    type: list
    elements: str
  phases:
    description: The phases to run (C(1), C(2), C(3), C(12), C(23) or C(all)); with C(all), only those the clone lacks run.
    type: str
    default: all
  source_vg:
    description: Clone this volume group (name or UUID) instead of the running root's, from a recovery image.
    type: str
  vg:
    description: With I(state=absent), the volume group to remove.
    type: str
    default: altinst_rootvg
  exclude_file:
    description: Leave out paths matching the basic regular expressions in this file on the host (C(-e)).
    type: path
  convert_ext4:
    description: Make ext2 and ext3 sources ext4 on the clone (C(-T)).
    type: bool
    default: false
  location:
    description: Phase 2, install packages into the clone from this directory of .deb files or flat repository (C(-l)).
    type: path
  install:
    description: Phase 2, install or upgrade these packages from I(location) (C(-w)).
    type: list
    elements: str
  bundle:
    description: Phase 2, the packages listed in this file; C(update_all) upgrades every package (C(-b)).
    type: str
  fixes:
    description: Phase 2, install these exact versions (C(PKG=VER)) from I(location) (C(-F)).
    type: list
    elements: str
  script:
    description: Phase 2, run this script with C(ALT_INST=/alt_inst) (C(-s)).
    type: path
  firstboot:
    description: Phase 2, run this script once at the clone's first boot (C(-x)).
    type: path
  reset_identity:
    description: Phase 2, forget the machine's identity in the clone (C(-O)).
    type: bool
    default: false
  no_bootlist:
    description: Phase 3, leave the boot list alone (C(-B)).
    type: bool
    default: false
notes:
  - Supports check mode and diff mode.
  - Needs altkit on the managed host (C(/usr/sbin/alt_disk_copy)).
seealso:
  - module: altkit.system.bootlist
  - module: altkit.system.alt_rootvg_facts
'''

EXAMPLES = r'''
- name: Clone rootvg to sdb, boot list set to it
  altkit.system.alt_disk:
    disks: [sdb]

- name: Clone and apply the updates in the clone while production runs
  altkit.system.alt_disk:
    disks: [sdb]
    location: /srv/updates
    bundle: update_all

- name: Remove the clone
  altkit.system.alt_disk:
    state: absent
'''

RETURN = r'''
clone:
  description: The alternate volume group as C(alt_rootvg_op -l --json) reports it after the run (null when there is none).
  returned: always
  type: dict
  sample: {"name": "altinst_rootvg", "uuid": "...", "role": "alternate", "disks": "sdb2", "source": "rootvg", "phases": "1,2,3", "boot": "Boot0005"}
cmd:
  description: The altkit command run (or that check mode would run).
  returned: changed
  type: list
  elements: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.altkit.system.plugins.module_utils.altkit import (
    command, disk_name, report, run, whole_disk)

ALL = ['1', '2', '3']


def listing(module):
    return report(module, [command(module, 'alt_rootvg_op'), '-l', '--json'])


def find(vgs, name):
    for vg in vgs:
        if vg.get('name') == name:
            return vg
    return None


def describe(vg):
    if not vg:
        return 'no alternate volume group\n'
    return '%s on %s, source %s, phases %s\n' % (vg['name'], ','.join(sorted(set(
        whole_disk(d) for d in vg.get('disks', '').split(',') if d))), vg.get('source') or '?',
        vg.get('phases') or 'none')


def option_argv(p):
    """alt_disk_copy's options from the module's, each written once."""
    flags = [('exclude_file', '-e'), ('location', '-l'), ('bundle', '-b'), ('script', '-s'),
             ('firstboot', '-x'), ('source_vg', '--source-vg')]
    lists = [('install', '-w'), ('fixes', '-F')]
    bools = [('convert_ext4', '-T'), ('reset_identity', '-O'), ('no_bootlist', '-B')]
    argv = []
    for key, flag in flags:
        if p[key]:
            argv += [flag, p[key]]
    for key, flag in lists:
        if p[key]:
            argv += [flag, ' '.join(p[key])]
    for key, flag in bools:
        if p[key]:
            argv.append(flag)
    return argv


def present(module):
    p = module.params
    if not p['disks']:
        module.fail_json(msg='disks: the target disks are required with state=present')
    disks = sorted(set(disk_name(d) for d in p['disks']))
    want = ALL if p['phases'] == 'all' else list(p['phases'])
    if p['phases'] not in ('all', '1', '2', '3', '12', '23'):
        module.fail_json(msg="phases: '%s': expected 1, 2, 3, 12, 23 or all" % p['phases'])
    vgs = listing(module)
    clone = find(vgs, 'altinst_rootvg')
    todo = want
    if clone:
        on = sorted(set(whole_disk(d) for d in clone.get('disks', '').split(',') if d))
        if on != disks:
            module.fail_json(msg="altinst_rootvg already exists on %s, not on %s: remove it first "
                             "(state: absent)" % (','.join(on), ','.join(disks)), clone=clone)
        source = p['source_vg'] or 'rootvg'
        if clone.get('source') not in (source, ''):
            module.fail_json(msg="altinst_rootvg on %s is a clone of %s, not of %s: remove it first "
                             "(state: absent)" % (','.join(on), clone.get('source'), source), clone=clone)
        if '!' in clone.get('phases', ''):
            module.fail_json(msg="altinst_rootvg on %s: a run stopped in phase %s; run alt_disk_copy "
                             "again by hand or remove it (state: absent)" % (','.join(on), clone['phases']),
                             clone=clone)
        done = [x for x in clone.get('phases', '').split(',') if x]
        todo = [x for x in want if x not in done]
    if not todo:
        module.exit_json(changed=False, clone=clone)
    argv = [command(module, 'alt_disk_copy'), '-d', ' '.join(disks)]
    if todo != ALL:
        argv += ['-P', ''.join(todo)]
    argv += option_argv(p)
    diff = {'before': describe(clone), 'after': describe({
        'name': 'altinst_rootvg', 'disks': ','.join(disks), 'source': p['source_vg'] or 'rootvg',
        'phases': ','.join(sorted(set(todo) | set(x for x in (clone or {}).get('phases', '').split(',') if x)))})}
    if module.check_mode:
        module.exit_json(changed=True, clone=clone, cmd=argv, diff=diff)
    out, err = run(module, argv)
    module.exit_json(changed=True, clone=find(listing(module), 'altinst_rootvg'), cmd=argv, diff=diff,
                     stdout=out, stderr=err)


def absent(module):
    vg = module.params['vg']
    clone = find(listing(module), vg)
    if not clone:
        module.exit_json(changed=False, clone=None)
    argv = [command(module, 'alt_rootvg_op'), '-X', vg]
    diff = {'before': describe(clone), 'after': describe(None)}
    if module.check_mode:
        module.exit_json(changed=True, clone=clone, cmd=argv, diff=diff)
    out, err = run(module, argv)
    module.exit_json(changed=True, clone=None, cmd=argv, diff=diff, stdout=out, stderr=err)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            disks=dict(type='list', elements='str'),
            phases=dict(type='str', default='all'),
            source_vg=dict(type='str'),
            vg=dict(type='str', default='altinst_rootvg'),
            exclude_file=dict(type='path'),
            convert_ext4=dict(type='bool', default=False),
            location=dict(type='path'),
            install=dict(type='list', elements='str'),
            bundle=dict(type='str'),
            fixes=dict(type='list', elements='str'),
            script=dict(type='path'),
            firstboot=dict(type='path'),
            reset_identity=dict(type='bool', default=False),
            no_bootlist=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    if module.params['state'] == 'present':
        present(module)
    else:
        absent(module)


if __name__ == '__main__':
    main()
