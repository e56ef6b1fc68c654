#!/usr/bin/env python3
"""Write EFI variables into an efivarfs-style directory (tests of bootlist).

An encoder of its own, independent of src/lib/efiboot.c, following the UEFI
spec: EFI_LOAD_OPTION = Attributes, FilePathListLength, Description (UCS-2),
device path (HD GPT + File + End), optional data (UCS-2 command line).

  mkloadopt.py DIR boot NUM DESCRIPTION [FILE PARTUUID CMDLINE]
  mkloadopt.py DIR order|next|current NUM...
"""
import struct, sys, uuid

GUID = "8be4df61-93ca-11d2-aa0d-00e098032b8c"


def put(d, name, data):
    with open(f"{d}/{name}-{GUID}", "wb") as f:
        f.write(struct.pack("<I", 7) + data)


def ucs2(s, nul=True):
    return (s + ("\0" if nul else "")).encode("utf-16-le")


def hd(part, start, size, partuuid):
    body = struct.pack("<IQQ", part, start, size) + uuid.UUID(partuuid).bytes_le + bytes([2, 2])
    return bytes([4, 1]) + struct.pack("<H", 4 + len(body)) + body


def file_node(path):
    p = ucs2(path)
    return bytes([4, 4]) + struct.pack("<H", 4 + len(p)) + p


def vendor_fv():
    # a firmware-volume file node, as OVMF's own entries (UiApp) have
    body = uuid.UUID("7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1").bytes_le
    return bytes([4, 7]) + struct.pack("<H", 4 + len(body)) + body


END = bytes([0x7F, 0xFF, 4, 0])

d, kind = sys.argv[1], sys.argv[2]
if kind == "boot":
    num, desc = int(sys.argv[3], 16), sys.argv[4]
    if len(sys.argv) > 5:
        path, partuuid, cmdline = sys.argv[5:8]
        dp = hd(1, 2048, 131072, partuuid) + file_node(path) + END
        opt = ucs2(cmdline, nul=False)
    else:
        dp, opt = vendor_fv() + END, b""
    data = struct.pack("<IH", 1, len(dp)) + ucs2(desc) + dp + opt
    put(d, "Boot%04X" % num, data)
else:
    name = {"order": "BootOrder", "next": "BootNext", "current": "BootCurrent"}[kind]
    put(d, name, b"".join(struct.pack("<H", int(x, 16)) for x in sys.argv[3:]))
