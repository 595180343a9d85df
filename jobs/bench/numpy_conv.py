"""numpy alone: the same convolution (3x3, 'same' zero padding, bias, ReLU) over every .npy image,
as im2col through sliding_window_view and one tensordot per image. Prints seconds and a checksum."""
import sys
import time
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv(x, w, b):
    k, c, fh, fw = w.shape
    xp = np.pad(x, ((0, 0), (fh // 2, fh // 2), (fw // 2, fw // 2)))
    win = sliding_window_view(xp, (fh, fw), axis=(1, 2))  # C, H, W, fh, fw
    y = np.tensordot(w, win, axes=([1, 2, 3], [0, 3, 4])) + b[:, None, None]
    return np.maximum(y, 0, out=y)


def main(npy_dir, bank):
    z = np.load(bank)
    w, b = z["weight"].astype(np.float32), z["bias"].astype(np.float32)
    files = sorted(Path(npy_dir).glob("*.npy"))
    start = time.perf_counter()
    total = 0.0
    pixels = 0
    for f in files:
        x = np.load(f)
        total += float(conv(x, w, b)[:, 10, 10].sum())
        pixels += x.shape[1] * x.shape[2]
    seconds = time.perf_counter() - start
    print(f"numpy seconds={seconds:.3f} images={len(files)} mpix={pixels / 1e6:.1f} check={total:.4f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
