#!/usr/bin/env python3
"""lvmmeta.py DISK_IMAGE: the newest LVM2 text metadata of each volume group
on a GPT disk image, read from the bytes (no device-mapper, no lvm on the
host): one line per VG, "NAME id=UUID seqno=N tags=a,b lvs=x,y" (sorted).

LVM keeps its metadata as text in a ring buffer in the first MiB of each PV,
so older copies are there too: the one with the highest seqno is the VG's."""
import re
import struct
import sys

SECTOR = 512


def partitions(f):
    """(first byte, size) of each GPT partition."""
    f.seek(SECTOR)
    hdr = f.read(92)
    if hdr[:8] != b"EFI PART":
        return []
    entries_lba, count, size = struct.unpack_from("<QII", hdr, 72)
    f.seek(entries_lba * SECTOR)
    table = f.read(count * size)
    out = []
    for i in range(count):
        e = table[i * size:(i + 1) * size]
        if e[:16] == b"\0" * 16:
            continue
        first, last = struct.unpack_from("<QQ", e, 32)
        out.append((first * SECTOR, (last - first + 1) * SECTOR))
    return out


def blocks(text):
    """Names of the blocks directly inside 'logical_volumes { ... }'."""
    names, depth, inside = [], 0, None
    for line in text.splitlines():
        line = line.strip()
        if line.endswith("{"):
            if inside is not None and depth == inside:
                names.append(line[:-1].strip())
            if line.startswith("logical_volumes"):
                inside = depth + 1
            depth += 1
        elif line == "}":
            depth -= 1
            if inside is not None and depth < inside:
                inside = None
    return names


best = {}
with open(sys.argv[1], "rb") as f:
    for start, size in partitions(f):
        f.seek(start)
        data = f.read(min(size, 2 << 20))
        if b"LABELONE" not in data[:4 * SECTOR]:
            continue
        for m in re.finditer(rb"(?<![A-Za-z0-9_.+-])([A-Za-z0-9_.+-]+) \{\nid = \"([^\"]+)\"\nseqno = (\d+)\n", data):
            name, vgid, seqno = m.group(1).decode(), m.group(2).decode(), int(m.group(3))
            if name in best and best[name][0] >= seqno:
                continue
            end = data.find(b"\0", m.start())
            text = data[m.start():end if end > 0 else len(data)].decode(errors="replace")
            tags = re.search(r"(?m)^tags = \[([^\]]*)\]", text)
            tag_list = [t.strip().strip('"') for t in tags.group(1).split(",")] if tags else []
            best[name] = (seqno, vgid, ",".join(t for t in tag_list if t), ",".join(sorted(blocks(text))))
for name in sorted(best):
    seqno, vgid, tags, lvs = best[name]
    print("%s id=%s seqno=%d tags=%s lvs=%s" % (name, vgid, seqno, tags, lvs))
