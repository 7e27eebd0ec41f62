#!/usr/bin/env python3
"""Checks that a PNG screenshot is not blank: usage png_check.py FILE MIN_WIDTH.

Decodes the PNG with the standard library (8-bit RGB or RGBA, the format
Chromium writes), then requires the width, at least 16 distinct colours and
at least 5% of the pixels unlike the most common one (the background)."""
import struct
import sys
import zlib
from collections import Counter


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def unfilter(raw, width, height, bpp):
    stride, prev, out, pos = width * bpp, bytearray(width * bpp), [], 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth(a, b, c))[kind]) & 0xFF
        out.append(bytes(line))
        prev = line
    return out


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"FAIL: {path} is not a PNG")
    pos, idat, head = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    width, height, depth, colour = head[:4]
    if depth != 8 or colour not in (2, 6):
        sys.exit(f"FAIL: {path}: unexpected PNG format (depth {depth}, colour type {colour})")
    bpp = 3 if colour == 2 else 4
    return width, height, bpp, unfilter(zlib.decompress(idat), width, height, bpp)


def main():
    path, min_width = sys.argv[1], int(sys.argv[2])
    width, height, bpp, lines = read_png(path)
    colours = Counter()
    for line in lines[::4]:  # every fourth line is plenty
        colours.update(line[i:i + 3] for i in range(0, len(line), bpp * 4))
    total = sum(colours.values())
    background = colours.most_common(1)[0][1]
    other = 1 - background / total
    print(f"{path}: {width}x{height}, {len(colours)} colours, {other:.0%} not background")
    if width < min_width or len(colours) < 16 or other < 0.05:
        print(f"FAIL: {path} looks blank")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
