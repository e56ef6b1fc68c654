#!/usr/bin/env python3
"""Stand-ins for alt_disk_copy, alt_rootvg_op and bootlist (tests/unit/ansible.t):
just enough of their command lines and --json reports to test the Ansible
modules' logic, with the state in $STANDIN_STATE (vgs.json, bootlist.json)
and every call that would write appended to $STANDIN_STATE/calls."""
import json
import os
import sys

state = os.environ["STANDIN_STATE"]
name = os.path.basename(sys.argv[0])
args = sys.argv[1:]


def load(f):
    with open(os.path.join(state, f)) as fh:
        return json.load(fh)


def save(f, data):
    with open(os.path.join(state, f), "w") as fh:
        json.dump(data, fh)


def log():
    with open(os.path.join(state, "calls"), "a") as fh:
        fh.write(" ".join([name] + args) + "\n")


def opt(flag):
    return args[args.index(flag) + 1] if flag in args else None


if name == "alt_rootvg_op":
    if args == ["-l", "--json"]:
        print(json.dumps(load("vgs.json")))
        sys.exit(0)
    if args[:1] == ["-X"]:
        log()
        vgs = [v for v in load("vgs.json") if v["name"] != args[1]]
        save("vgs.json", vgs)
        sys.exit(0)
elif name == "alt_disk_copy":
    log()
    disks = opt("-d").split()
    for d in disks:
        if d.startswith("nosuch"):
            sys.stderr.write("alt_disk_copy: '%s': no such disk; nothing was written\n" % d)
            sys.exit(1)
    phases = list(opt("-P") or "123")
    vgs = load("vgs.json")
    alt = next((v for v in vgs if v["name"] == "altinst_rootvg"), None)
    if not alt:
        alt = {"name": "altinst_rootvg", "uuid": "CLONE-UUID", "role": "alternate",
               "disks": ",".join(d + "2" for d in disks), "source": "rootvg", "phases": ""}
        vgs.append(alt)
    done = set(p for p in alt["phases"].split(",") if p) | set(phases)
    alt["phases"] = ",".join(sorted(done))
    save("vgs.json", vgs)
    sys.exit(0)
elif name == "bootlist":
    mode = opt("-m")
    lists = load("bootlist.json")
    keys = {"normal": ["normal"], "service": ["service"], "both": ["normal", "service"],
            "prevboot": ["prevboot"]}[mode]
    if "--json" in args:
        print(json.dumps({k: lists.get(k, []) for k in keys}))
        sys.exit(0)
    log()
    disks = [a for a in args[2:] if not a.startswith("-")]
    for k in keys:
        rest = [e for e in lists.get(k, []) if e["disk"] not in disks]
        lists[k] = [{"disk": d, "entry": "Boot00%02X" % (10 + i), "vg": "", "description": "altkit " + d}
                    for i, d in enumerate(disks)] + (rest if k == "normal" else [])
    save("bootlist.json", lists)
    sys.exit(0)
sys.stderr.write("%s: the stand-in does not know %s\n" % (name, args))
sys.exit(2)
