#!/usr/bin/env python3
"""Write a disk image as a seed for the harnesses that read images
(fuzz_isofs, fuzz_isovd, fuzz_extfs): its size, then only the chunks that
are not all zeros, each with its number (the format fuzz.h's
fuzz_sparse_file reads).

  fuzz/sparse.py CHUNK IMAGE >SEED
"""
import struct
import sys

chunk = int(sys.argv[1])
with open(sys.argv[2], "rb") as f:
    image = f.read()
out = [struct.pack("<Q", len(image))]
for n in range(0, (len(image) + chunk - 1) // chunk):
    piece = image[n * chunk:(n + 1) * chunk]
    if piece.strip(b"\0"):
        out.append(struct.pack("<I", n) + piece)
sys.stdout.buffer.write(b"".join(out))
