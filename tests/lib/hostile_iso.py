#!/usr/bin/env python3
"""Write small ISO 9660 images, sound or damaged on purpose, for the tests
of damaged and hostile inputs: hostile_iso.py KIND OUT.

KIND: ok (a valid image: /DIR/HELLO.TXT, a Joliet tree too),
joliet-empty-name (a Joliet directory record whose name has length 0),
empty-name (the same in the primary tree, in /DIR),
parent-loop (/DIR holds a directory record pointing back at the root),
self-loop (/DIR holds a record pointing at /DIR itself),
huge-dir (the primary root's record of /DIR says it is 4 GiB - 2 KiB long),
flip:OFFSET:VALUE (the ok image with the byte at OFFSET set to VALUE; the
primary root directory is at byte 23 * 2048, /DIR's records follow it)."""
import struct
import sys

S = 2048
ROOT, DIR, DATA, JROOT, JDIR, END = 23, 24, 25, 26, 27, 28
HELLO = b"hello\n"


def both32(n):
    return struct.pack("<I", n) + struct.pack(">I", n)


def both16(n):
    return struct.pack("<H", n) + struct.pack(">H", n)


def record(name, extent, size, is_dir, name_len=None):
    nl = len(name) if name_len is None else name_len
    body = bytes([0]) + both32(extent) + both32(size) + bytes([126, 1, 2, 3, 4, 5, 0])
    body += bytes([2 if is_dir else 0, 0, 0]) + both16(1) + bytes([nl]) + name[:nl]
    rec = bytes([len(body) + 1]) + body
    return rec + (b"\0" if len(rec) % 2 else b"")


def dirsector(self_ext, parent_ext, entries):
    d = record(b"\0", self_ext, S, True) + record(b"\1", parent_ext, S, True)
    for e in entries:
        d += e
    return d.ljust(S, b"\0")


def volume_descriptor(kind, root_ext, joliet):
    vd = bytearray(S)
    vd[0] = kind
    vd[1:6] = b"CD001"
    vd[6] = 1
    vid = "HOSTILE".encode("utf-16-be") if joliet else b"HOSTILE"
    vd[40:72] = vid.ljust(32, b"\0" if joliet else b" ")
    vd[80:88] = both32(END)
    if joliet:
        vd[88:91] = b"%/E"
    vd[120:124] = both16(1)
    vd[124:128] = both16(1)
    vd[128:132] = both16(S)
    vd[132:140] = both32(10)
    pt = 21 if joliet else 19
    vd[140:144] = struct.pack("<I", pt)
    vd[148:152] = struct.pack(">I", pt + 1)
    vd[156:190] = record(b"\0", root_ext, S, True)
    vd[881] = 1
    return bytes(vd)


def path_table(root_ext, big):
    e = struct.pack(">I" if big else "<I", root_ext)
    return (bytes([1, 0]) + e + (struct.pack(">H", 1) if big else struct.pack("<H", 1)) + b"\0\0").ljust(S, b"\0")


def image(kind):
    j = lambda s: s.encode("utf-16-be")
    dir_entries = [record(b"HELLO.TXT;1", DATA, len(HELLO), False)]
    if kind == "parent-loop":
        dir_entries.append(record(b"LOOP", ROOT, S, True))
    if kind == "empty-name":
        dir_entries.append(record(b"", DIR, S, True, name_len=0))
    if kind == "self-loop":
        dir_entries.append(record(b"SELF", DIR, S, True))
    jroot_entries = [record(j("dir"), JDIR, S, True)]
    if kind == "joliet-empty-name":
        jroot_entries.append(record(b"", JDIR, S, True, name_len=0))
    sectors = [bytes(S)] * 16
    sectors.append(volume_descriptor(1, ROOT, False))
    sectors.append(volume_descriptor(2, JROOT, True))
    sectors.append((bytes([255]) + b"CD001" + bytes([1])).ljust(S, b"\0"))
    sectors += [path_table(ROOT, False), path_table(ROOT, True), path_table(JROOT, False), path_table(JROOT, True)]
    dir_size = 0xFFFFF800 if kind == "huge-dir" else S
    sectors.append(dirsector(ROOT, ROOT, [record(b"DIR", DIR, dir_size, True)]))
    sectors.append(dirsector(DIR, ROOT, dir_entries))
    sectors.append(HELLO.ljust(S, b"\0"))
    sectors.append(dirsector(JROOT, JROOT, jroot_entries))
    sectors.append(dirsector(JDIR, JROOT, [record(j("hello.txt;1"), DATA, len(HELLO), False)]))
    img = bytearray(b"".join(sectors))
    assert len(img) == END * S
    if kind.startswith("flip:"):
        _, off, val = kind.split(":")
        img[int(off)] = int(val)
    return bytes(img)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[2], "wb") as f:
        f.write(image(sys.argv[1]))
