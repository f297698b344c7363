"""Reading a PNG's pixels (8-bit RGB or RGBA, not interlaced, as Chromium writes screenshots), to check what a
headless browser drew without an imaging library."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt


def pixels(path: Path) -> npt.NDArray[np.uint8]:
    """Height x width x 3 (RGB)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    at, idat, width, height, channels = 8, b"", 0, 0, 0
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "only 8-bit RGB(A), not interlaced"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + width * channels
    previous = [0] * (width * channels)
    rows = []
    for y in range(height):  # the PNG filters undone in plain Python ints: numpy scalars would be slower here
        kind, line = raw[y * stride], raw[y * stride + 1:(y + 1) * stride]
        if kind == 0:
            row = list(line)
        elif kind == 2:
            row = [(a + b) & 0xFF for a, b in zip(line, previous, strict=True)]
        else:
            row = [0] * len(line)
            for x, byte in enumerate(line):
                value = byte
                left = row[x - channels] if x >= channels else 0
                up = previous[x]
                if kind == 1:
                    value += left
                elif kind == 3:
                    value += (left + up) >> 1
                else:
                    corner = previous[x - channels] if x >= channels else 0
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    value += left if pa <= pb and pa <= pc else up if pb <= pc else corner
                row[x] = value & 0xFF
        rows.append(row)
        previous = row
    image = np.array(rows, dtype=np.uint8).reshape(height, width, channels)
    return image[:, :, :3]
