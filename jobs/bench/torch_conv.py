"""PyTorch alone: F.conv2d over the .npy images in batches, on the CPU with 2 threads. Loading the
arrays is timed separately (PyTorch decodes no PNG itself; torchvision is not installed)."""
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F


def main(npy_dir, bank, batch=8):
    torch.set_num_threads(2)
    z = np.load(bank)
    w = torch.from_numpy(z["weight"].astype(np.float32))
    b = torch.from_numpy(z["bias"].astype(np.float32))
    files = sorted(Path(npy_dir).glob("*.npy"))
    t0 = time.perf_counter()
    arrays = [torch.from_numpy(np.load(f)) for f in files]
    load = time.perf_counter() - t0
    total = 0.0
    with torch.no_grad():
        F.relu(F.conv2d(arrays[0][None], w, b, padding=1))  # warm-up
        t1 = time.perf_counter()
        for i in range(0, len(arrays), batch):
            y = F.relu(F.conv2d(torch.stack(arrays[i:i + batch]), w, b, padding=1))
            total += float(y[:, :, 10, 10].sum())
    t2 = time.perf_counter()
    print(f"torch {torch.__version__} load_seconds={load:.3f} conv_seconds={t2 - t1:.3f} "
          f"images={len(files)} check={total:.4f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
