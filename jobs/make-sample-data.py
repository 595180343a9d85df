#!/usr/bin/env python3
"""Regenerates data/: the small sample image set and sample filter banks the README's first
command uses. Needs only numpy. The images are synthetic scenes (shapes, gradients, textures) so
the repository carries no third-party pictures; the output is deterministic."""
import json
import os
import struct
import zlib

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def write_png(path, pixels):
    """pixels: (H, W) uint8 gray, or (H, W, 3|4) uint8 RGB/RGBA."""
    h, w = pixels.shape[:2]
    color = {2: 0, 3: 2, 4: 6}[pixels.ndim if pixels.ndim == 2 else pixels.shape[2]]
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(png)


def scene(h, w, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32)
    img[..., 0] = 0.25 + 0.5 * x / w
    img[..., 1] = 0.3 + 0.4 * y / h
    img[..., 2] = 0.6 - 0.3 * (x + y) / (w + h)
    for _ in range(12):
        cy, cx, r = rng.uniform(0, h), rng.uniform(0, w), rng.uniform(8, min(h, w) / 4)
        colour = rng.uniform(0, 1, 3)
        mask = (y - cy) ** 2 + (x - cx) ** 2 < r * r
        img[mask] = colour
    for _ in range(6):
        y0, x0 = rng.integers(0, h - 20), rng.integers(0, w - 20)
        hh, ww = rng.integers(10, h // 3), rng.integers(10, w // 3)
        img[y0:y0 + hh, x0:x0 + ww] = rng.uniform(0, 1, 3)
    img += rng.normal(0, 0.004, img.shape)  # a little sensor noise, still compressible
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


def texture(h, w, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    base = 0.5 + 0.25 * np.sin(x / 5.0) * np.cos(y / 7.0) + 0.2 * np.sin((x + 2 * y) / 23.0)
    rgb = np.stack([base, np.roll(base, 9, axis=1), 1 - base], axis=-1)
    rgb += rng.normal(0, 0.004, rgb.shape)
    return (np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8)


def main():
    images = os.path.join(ROOT, "images")
    write_png(os.path.join(images, "shapes.png"), scene(240, 320, 1))
    write_png(os.path.join(images, "shapes_large.png"), scene(480, 640, 2))
    write_png(os.path.join(images, "texture.png"), texture(256, 256, 3))
    write_png(os.path.join(images, "more", "stripes.png"), texture(180, 300, 4)[:, ::-1].copy())

    sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32)
    laplacian = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], np.float32)
    blur = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], np.float32) / 16
    kernels = [sobel_x, sobel_x.T, laplacian, blur]
    weight = np.stack([np.stack([k / 3] * 3) for k in kernels]).astype(np.float32)  # (4, 3, 3, 3)
    bias = np.zeros(4, np.float32)
    banks = os.path.join(ROOT, "banks")
    os.makedirs(banks, exist_ok=True)
    np.savez(os.path.join(banks, "edges.npz"), weight=weight, bias=bias)
    with open(os.path.join(banks, "edges.json"), "w") as f:
        json.dump({"weight": weight.tolist(), "bias": bias.tolist()}, f)
        f.write("\n")
    rng = np.random.default_rng(7)
    w16 = (rng.normal(0, np.sqrt(2 / 27), (16, 3, 3, 3))).astype(np.float32)
    np.savez_compressed(os.path.join(banks, "random16.npz"), weight=w16,
                        bias=np.full(16, 0.01, np.float32))


if __name__ == "__main__":
    main()
