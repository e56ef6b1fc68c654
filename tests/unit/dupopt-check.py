#!/usr/bin/env python3
# dupopt-check.py SRC COPY NEWID|- EPOCH: an independent reading of the volume
# descriptors (ECMA-119, Joliet, ECMA-167 / OSTA UDF) for dupopt's tests.
# Every byte that differs between SRC and COPY must lie inside a volume
# identifier, a volume creation time, or the tag checksum / CRC of a changed
# UDF descriptor; the new values must be right (NEWID "-": the id is kept;
# EPOCH: the expected creation time) and every changed UDF tag valid.
# Prints "found: <descriptors>" and "problem: ..." lines; exit 1 on problems.
import sys, datetime
S = 2048
src = open(sys.argv[1], 'rb').read()
cp = open(sys.argv[2], 'rb').read()
newid = None if sys.argv[3] == '-' else sys.argv[3]
t = datetime.datetime.fromtimestamp(int(sys.argv[4]), datetime.timezone.utc)
problems, found, allowed = [], [], {}
def le16(b, o): return b[o] | b[o + 1] << 8
def le32(b, o): return int.from_bytes(b[o:o + 4], 'little')
def sec(d, n): return d[n * S:(n + 1) * S]
def allow(n, a, b): allowed.setdefault(n, []).append((a, b))
def crc16(b):
    c = 0
    for x in b:
        c ^= x << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x1021) & 0xffff if c & 0x8000 else (c << 1) & 0xffff
    return c
def tag_ok(d, loc):
    if sum(d[i] for i in range(16) if i != 4) & 0xff != d[4]: return False
    n = le16(d, 10)
    return le32(d, 12) == loc and n <= S - 16 and crc16(d[16:16 + n]) == le16(d, 8)
def dstring(n, s):
    b = bytearray(n); s = s.encode()[:n - 2]
    b[0] = 8; b[1:1 + len(s)] = s; b[n - 1] = len(s) + 1
    return bytes(b)
udf_time = bytes([0x00, 0x10]) + t.year.to_bytes(2, 'little') + bytes(
    [t.month, t.day, t.hour, t.minute, t.second, 0, 0, 0])
iso_date = t.strftime('%Y%m%d%H%M%S').encode() + b'00\0'
if len(src) != len(cp):
    problems.append('sizes differ: %d %d' % (len(src), len(cp)))
# ISO 9660 volume descriptor set
seen_pvd = False
for n in range(16, 16 + 64):
    s, c = sec(src, n), sec(cp, n)
    if s[1:6] != b'CD001' or s[0] == 255: break
    if s[0] not in (1, 2) or (s[0] == 1 and seen_pvd): continue
    joliet = s[0] == 2 and s[88:90] == b'%/' and s[90:91] in (b'@', b'C', b'E')
    name = 'pvd' if s[0] == 1 else 'joliet' if joliet else 'svd'
    seen_pvd = seen_pvd or s[0] == 1
    found.append(name)
    allow(n, 813, 830)
    if c[813:830] != iso_date: problems.append('%s: creation date %r' % (name, c[813:830]))
    if newid is None: continue
    allow(n, 40, 72)
    # Joliet: UCS-2 big endian, 16 characters, padded with U+0020
    want = (newid[:16].ljust(16).encode('utf-16-be') if joliet else newid.encode().ljust(32))
    if c[40:72] != want: problems.append('%s: volume id %r' % (name, c[40:72]))
# UDF: anchor at 256, main and reserve sequences, file set descriptor
a = sec(src, 256)
if len(src) > 257 * S and le16(a, 0) == 2 and tag_ok(a, 256):
    parts, lvd = {}, None
    for ln, loc in ((le32(a, 16), le32(a, 20)), (le32(a, 24), le32(a, 28))):
        for n in range(loc, loc + ln // S):
            s, c = sec(src, n), sec(cp, n)
            if not tag_ok(s, n) or le16(s, 0) == 8: break
            tid = le16(s, 0)
            if tid == 5: parts[le16(s, 22)] = le32(s, 188)
            fields = []
            if tid == 1:
                fields = [(376, 388, udf_time)] + ([(24, 56, dstring(32, newid))] if newid else [])
                found.append('udf-pvd')
            elif tid == 6:
                lvd = lvd or s
                if newid: fields = [(84, 212, dstring(128, newid))]; found.append('udf-lvd')
            elif tid == 4 and s[21:33] == b'*UDF LV Info' and newid:
                fields = [(116, 244, dstring(128, newid))]; found.append('udf-iuvd')
            if not fields: continue
            allow(n, 4, 5); allow(n, 8, 10)
            for lo, hi, want in fields:
                allow(n, lo, hi)
                if c[lo:hi] != want: problems.append('udf tag %d at %d: bytes %d-%d %r' % (tid, n, lo, hi, c[lo:hi]))
            if not tag_ok(c, n): problems.append('udf tag %d at %d: bad checksum or CRC' % (tid, n))
    if lvd and le32(lvd, 212) == S:
        lbn, ref, m = le32(lvd, 252), le16(lvd, 256), 440
        for i in range(le32(lvd, 268)):
            if i == ref and lvd[m] == 1 and le16(lvd, m + 4) in parts:
                n = parts[le16(lvd, m + 4)] + lbn
                s, c = sec(src, n), sec(cp, n)
                if le16(s, 0) == 256 and tag_ok(s, lbn):
                    found.append('udf-fsd')
                    allow(n, 4, 5); allow(n, 8, 10); allow(n, 16, 28)
                    if c[16:28] != udf_time: problems.append('fsd: time %r' % c[16:28])
                    if newid:
                        allow(n, 112, 240)
                        if c[112:240] != dstring(128, newid): problems.append('fsd: id %r' % c[112:240])
                    if not tag_ok(c, lbn): problems.append('fsd: bad checksum or CRC')
            m += lvd[m + 1]
# every difference inside an allowed field
for n in range(min(len(src), len(cp)) // S):
    s, c = sec(src, n), sec(cp, n)
    if s == c: continue
    for i in range(S):
        if s[i] != c[i] and not any(lo <= i < hi for lo, hi in allowed.get(n, [])):
            problems.append('sector %d byte %d differs outside the patched fields' % (n, i)); break
print('found: ' + ' '.join(found))
for p in problems: print('problem: ' + p)
sys.exit(1 if problems else 0)
