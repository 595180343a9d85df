"""Writes N synthetic RGB PNGs of SIZE x SIZE (and the same pixels as float32 CHW .npy / 255) for
jobs/bench-alternatives.sh. PNG encoding by hand (zlib), so only numpy is needed."""
import struct
import sys
import zlib
from pathlib import Path

import numpy as np


def png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def main(out, count, size):
    out = Path(out)
    (out / "png").mkdir(parents=True, exist_ok=True)
    (out / "npy").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:size, 0:size] / size
    for i in range(count):
        # smooth gradients plus discs and noise: edges for the filters to find
        img = np.stack([np.sin(6 * xx + i) , np.cos(5 * yy - i), np.sin(4 * (xx + yy))], -1) * 0.3 + 0.5
        for _ in range(12):
            cy, cx, r = rng.uniform(0, 1, 3)
            mask = (yy - cy) ** 2 + (xx - cx) ** 2 < (0.05 + 0.2 * r) ** 2
            img[mask] = rng.uniform(0, 1, 3)
        img = np.clip(img + rng.normal(0, 0.02, img.shape), 0, 1)
        rgb = (img * 255).round().astype(np.uint8)
        png(out / "png" / f"img{i:04d}.png", rgb)
        np.save(out / "npy" / f"img{i:04d}.npy", (rgb.astype(np.float32) / 255).transpose(2, 0, 1).copy())


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
