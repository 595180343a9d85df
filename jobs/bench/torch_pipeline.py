#!/usr/bin/env python3
"""What a user would write instead of haloconv (jobs/bench-job.sh, issue 14): PyTorch with PIL
decoding in a 2-worker DataLoader, F.conv2d with the same bank and spec, and numpy writing each
image's feature maps as a .npy file (pyarrow, which would write Parquet, is not packaged in
Debian; numpy's uncompressed .npy stands in for it, so this pipeline skips compression).

  torch_pipeline.py IMAGE_DIR BANK.npz OUT_DIR STRIDE PADDING [WORKERS]

Values as haloconv's `--normalize unit` (8-bit samples / 255), bias, ReLU, then rounded to
bfloat16 (haloconv's `--precision bfloat16`; the .npy holds the 16-bit patterns as uint16).
Prints one line: images, seconds, output bytes.
"""
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader, Dataset


class Images(Dataset):
    def __init__(self, root):
        self.files = sorted(str(p) for p in Path(root).rglob("*")
                            if p.suffix.lower() in (".jpg", ".jpeg", ".png"))

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        with Image.open(self.files[i]) as im:
            a = np.array(im.convert("RGB"))
        # HWC uint8 -> CHW float32 in [0, 1], in the worker process.
        return i, torch.from_numpy(a).permute(2, 0, 1).contiguous().float().div_(255.0)


def main(root, bank, out, stride, padding, workers=2):
    t0 = time.perf_counter()
    torch.set_num_threads(2)
    z = np.load(bank)
    w = torch.from_numpy(z["weight"].astype(np.float32))
    b = torch.from_numpy(z["bias"].astype(np.float32))
    data = Images(root)
    loader = DataLoader(data, batch_size=None, num_workers=workers, prefetch_factor=4)
    os.makedirs(out, exist_ok=True)
    written = 0
    with torch.no_grad():
        for i, x in loader:
            y = F.relu(F.conv2d(x[None], w, b, stride=stride, padding=padding))[0]
            bits = y.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
            name = os.path.join(out, "%07d.npy" % i)
            np.save(name, bits)
            written += os.path.getsize(name)
    seconds = time.perf_counter() - t0
    print(f"torch-pipeline images={len(data)} seconds={seconds:.2f} output_bytes={written}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]),
         int(sys.argv[6]) if len(sys.argv) > 6 else 2)
