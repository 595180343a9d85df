#!/usr/bin/env python3
"""Generates the three whole-job benchmark inputs of jobs/bench-job.sh (never committed).

  make_job_inputs.py photo OUT.png SIDE        a SIDE x SIDE mosaic of real photos (for vips replicate)
  make_job_inputs.py small DIR COUNT           COUNT crops of 64-256 px a side, half JPEG half PNG,
                                               in 100 subdirectories
  make_job_inputs.py photos DIR COUNT          COUNT photo-sized JPEGs of 1-4 megapixels
  make_job_inputs.py palette DIR COUNT         COUNT palette PNGs of 64-256 px a side (map-tile
                                               like): half 256 colours at 8 bits, half 16 at 4

The pixels come from scikit-image's sample photographs (astronaut, coffee, chelsea, rocket,
immunohistochemistry, hubble), resized, cropped, jittered and given sensor-like noise, so every
file differs and compresses like a photograph. Deterministic: a fixed seed per file.
"""
import os
import sys

import numpy as np
from PIL import Image
from skimage import data


def sources():
    return [np.asarray(f()) for f in (data.astronaut, data.coffee, data.chelsea, data.rocket,
                                      data.immunohistochemistry, data.hubble_deep_field)]


def jitter(rng, pixels, width, height):
    """A random crop of a random source photo, resized to width x height, with gain and noise."""
    h, w = pixels.shape[:2]
    cw, ch = rng.integers(w // 3, w + 1), rng.integers(h // 3, h + 1)
    x, y = rng.integers(0, w - cw + 1), rng.integers(0, h - ch + 1)
    img = Image.fromarray(pixels[y:y + ch, x:x + cw]).resize((width, height), Image.BICUBIC)
    a = np.asarray(img, dtype=np.float32) * rng.uniform(0.8, 1.2, size=3)
    a += rng.normal(0, 3, size=a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def photo(out, side):
    rng = np.random.default_rng(14)
    src = sources()
    cell = side // 4
    canvas = Image.new("RGB", (side, side))
    for i in range(16):
        canvas.paste(jitter(rng, src[i % len(src)], cell, cell), ((i % 4) * cell, (i // 4) * cell))
    canvas.save(out)


def crops(out, count, start, step, seed):
    """This worker's crops of 64-256 px a side: (index, image, subdirectory to save it in)."""
    src = sources()
    for i in range(start, count, step):
        rng = np.random.default_rng(seed + i)
        width, height = (int(v) for v in rng.integers(64, 257, size=2))
        img = jitter(rng, src[i % len(src)], width, height)
        d = os.path.join(out, "d%02d" % (i % 100))
        os.makedirs(d, exist_ok=True)
        yield i, img, d


def small(out, count, start, step):
    for i, img, d in crops(out, count, start, step, 1_000_000):
        if i % 2 == 0:
            img.save(os.path.join(d, "s%06d.jpg" % i), quality=90)
        else:
            img.save(os.path.join(d, "s%06d.png" % i))


def palette(out, count, start, step):
    for i, img, d in crops(out, count, start, step, 3_000_000):
        colours = 256 if i % 2 == 0 else 16
        img.quantize(colours).save(os.path.join(d, "t%06d.png" % i),
                                   bits=8 if colours == 256 else 4)


def photos(out, count, start, step):
    src = sources()
    os.makedirs(out, exist_ok=True)
    for i in range(start, count, step):
        rng = np.random.default_rng(2_000_000 + i)
        area = rng.uniform(1e6, 4e6)
        aspect = (4 / 3, 3 / 2, 3 / 4, 2 / 3)[i % 4]
        width = int(round((area * aspect) ** 0.5))
        height = int(round(area / width))
        jitter(rng, src[i % len(src)], width, height).save(
            os.path.join(out, "p%04d.jpg" % i), quality=90)


def main(argv):
    kind, out = argv[1], argv[2]
    n = int(argv[3])
    if kind == "photo":
        photo(out, n)
        return
    workers = int(os.environ.get("WORKERS", "2"))
    fn = {"small": small, "photos": photos, "palette": palette}[kind]
    pids = []
    for w in range(workers):
        pid = os.fork()
        if pid == 0:
            fn(out, n, w, workers)
            os._exit(0)
        pids.append(pid)
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        if status != 0:
            sys.exit("make_job_inputs: a worker failed")


if __name__ == "__main__":
    main(sys.argv)
