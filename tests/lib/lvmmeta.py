#!/usr/bin/env python3
"""lvmmeta.py DISK_IMAGE: the newest LVM2 text metadata of each volume group
found in a disk image, read from the bytes (no device-mapper, no lvm on the
host): one line per VG, "NAME id=UUID seqno=N tags=a,b lvs=x,y" (sorted).

LVM keeps its metadata as text in a ring buffer after each PV label, so
older copies are there too: the one with the highest seqno is the VG's."""
import re
import sys

data = open(sys.argv[1], "rb").read(64 << 20)  # metadata areas sit near the start of each PV
best = {}
for m in re.finditer(rb"\n?([A-Za-z0-9_.+-]+) \{\nid = \"([^\"]+)\"\nseqno = (\d+)\n", data):
    name, vgid, seqno = m.group(1).decode(), m.group(2).decode(), int(m.group(3))
    end = data.find(b"\0", m.start())
    text = data[m.start():end if end > 0 else m.start() + 65536].decode(errors="replace")
    if name in best and best[name][0] >= seqno:
        continue
    tags = re.search(r"^tags = \[([^\]]*)\]", text, re.M)
    lvs = re.search(r"^logical_volumes \{\n(.*?)^\}", text, re.M | re.S)
    lv_names = re.findall(r"^\t([A-Za-z0-9_.+-]+) \{", lvs.group(1), re.M) if lvs else []
    best[name] = (seqno, vgid, ",".join(t.strip().strip('"') for t in tags.group(1).split(",")) if tags and tags.group(1).strip() else "",
                  ",".join(sorted(lv_names)))
for name in sorted(best):
    seqno, vgid, tags, lvs = best[name]
    print("%s id=%s seqno=%d tags=%s lvs=%s" % (name, vgid, seqno, tags, lvs))
