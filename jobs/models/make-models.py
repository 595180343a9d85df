#!/usr/bin/python3
"""Writes src/test/resources/models/: small trained-looking CNNs exported from PyTorch to ONNX and
to a safetensors state_dict with a stack file, and PyTorch's float64 evaluation of each on two
image crops, which the tests hold haloconv's imports to (|got - want| <= 1e-4 + 1e-4*|want|).

    /usr/bin/python3 jobs/models/make-models.py [OUTPUT_DIR]

Needs Debian's python3-torch, python3-onnx, python3-numpy and python3-pil (/usr/bin/python3). The
safetensors file is written by hand (8-byte little-endian header length, JSON header, raw
little-endian data): the format is that simple, and Debian has no python3-safetensors.

Models (random weights and BatchNorm statistics, seeded, eval mode):

  small_cnn  conv(3->8, 3x3, pad 1) - bn - relu - maxpool 2 - conv(8->6, 3x3, pad 1, no bias)
             - bn (eps 1e-3) - relu: the first block of a ResNet-like model.
  mixed      conv(3->4, 3x3, stride 2, pad 2) + a constant bias (an Add) - leaky_relu 0.2
             - avgpool 3 stride 2 pad 1 (count_include_pad) - grouped conv(4->4, 3x3, groups 2,
             dilation 2, pad 2) - bn - tanh - conv(4->5, 1x1) - sigmoid: the other ops.

  resnet_block      ResNet's stem and first conv: conv(3->16, 7x7, stride 2, pad 3, no bias) - bn
                    - relu - maxpool 3 stride 2 pad 1 - conv(16->16, 3x3, pad 1, no bias) - bn
                    - relu - global average pool: one 16-value embedding per image.
  resnet_block_max  the same weights ending in a global max pool.

For each model: NAME.onnx (exported with training=PRESERVE, so the BatchNormalization nodes stay
in the graph rather than being fused by the exporter), NAME.safetensors (the state_dict) and
NAME.json (the stack file naming its keys), and for each input crop_K.npy (3xHxW float32, a crop
of data/images / 255) the expected map NAME_crop_K.npy, computed in float64 from exactly the
float32 weights and input, stored as float32. The script checks the ONNX file with onnx.checker,
that it has the BatchNormalization nodes, and that the float32 model agrees with the float64
result (a sanity check of the export, not what the tests compare against).
"""
import json
import os
import struct
import sys

import numpy as np
import onnx
import PIL.Image
import torch
import torch.nn as nn

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(
    REPO, "src", "test", "resources", "models")

# (image, top, left, height, width): small crops, odd sizes so pools and strides meet edges
CROPS = [("texture.png", 40, 60, 37, 45), ("shapes.png", 100, 120, 30, 52)]


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 6, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(6, eps=1e-3)

    def forward(self, x):
        x = self.pool1(torch.relu(self.bn1(self.conv1(x))))
        return torch.relu(self.bn2(self.conv2(x)))


class ResnetBlock(nn.Module):
    def __init__(self, pool):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(16)
        self.pool = nn.AdaptiveAvgPool2d(1) if pool == "avg" else nn.AdaptiveMaxPool2d(1)

    def forward(self, x):
        x = self.maxpool(torch.relu(self.bn1(self.conv1(x))))
        return self.pool(torch.relu(self.bn2(self.conv2(x))))


class Mixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, stride=2, padding=2)
        self.shift = nn.Parameter(torch.zeros(1, 4, 1, 1))
        self.pool1 = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=True)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=2, dilation=2, groups=2)
        self.bn2 = nn.BatchNorm2d(4)
        self.conv3 = nn.Conv2d(4, 5, 1)

    def forward(self, x):
        x = nn.functional.leaky_relu(self.conv1(x) + self.shift, 0.2)
        x = torch.tanh(self.bn2(self.conv2(self.pool1(x))))
        return torch.sigmoid(self.conv3(x))


SMALL_CNN_STACK = {
    "weights": "small_cnn.safetensors",
    "layers": [
        {"name": "conv1", "type": "conv", "weight": "conv1.weight", "bias": "conv1.bias",
         "batch_norm": "bn1", "padding": 1, "activation": "relu"},
        {"name": "pool1", "type": "pool", "op": "max", "size": 2},
        {"name": "conv2", "type": "conv", "weight": "conv2.weight",
         "batch_norm": {"weight": "bn2.weight", "bias": "bn2.bias",
                        "running_mean": "bn2.running_mean", "running_var": "bn2.running_var",
                        "eps": 1e-3},
         "padding": 1, "activation": "relu"},
    ],
}

MIXED_STACK = {
    "weights": "mixed.safetensors",
    "layers": [
        {"name": "conv1", "type": "conv", "weight": "conv1.weight", "bias": "conv1.bias",
         "add_bias": "shift", "stride": 2, "padding": 2, "activation": "leaky_relu:0.2"},
        {"name": "pool1", "type": "pool", "op": "avg", "size": 3, "stride": 2, "padding": 1},
        {"name": "conv2", "type": "conv", "weight": "conv2.weight", "bias": "conv2.bias",
         "batch_norm": "bn2", "padding": 2, "dilation": 2, "groups": 2, "activation": "tanh"},
        {"name": "conv3", "type": "conv", "weight": "conv3.weight", "bias": "conv3.bias",
         "activation": "sigmoid"},
    ],
}


def randomize(model, seed):
    """Weights like a trained network's: conv weights ~ He, BN statistics far from 0 and 1."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight") and p.dim() == 4:
                fan_in = p.shape[1] * p.shape[2] * p.shape[3]
                p.copy_(torch.randn(p.shape, generator=g) * (2.0 / fan_in) ** 0.5)
            elif name.startswith("bn") and name.endswith("weight"):
                p.copy_(0.5 + torch.rand(p.shape, generator=g))
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.3)
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, generator=g) * 0.5)
            elif name.endswith("running_var"):
                b.copy_(0.3 + 2.0 * torch.rand(b.shape, generator=g))
            elif name.endswith("num_batches_tracked"):
                b.fill_(1000)
    return model.eval()


def write_safetensors(path, tensors):
    dtypes = {np.dtype("float32"): "F32", np.dtype("int64"): "I64"}
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        data = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtypes[a.dtype], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the reference writer pads the header to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def crop(image, top, left, height, width):
    pixels = np.asarray(PIL.Image.open(os.path.join(REPO, "data", "images", image)).convert("RGB"))
    x = pixels[top:top + height, left:left + width].astype(np.float32) / np.float32(255)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def whole(image):
    """A whole image of data/images as haloconv reads it: RGB / 255, 3xHxW float32."""
    pixels = np.asarray(PIL.Image.open(os.path.join(REPO, "data", "images", image)).convert("RGB"))
    return np.ascontiguousarray((pixels.astype(np.float32) / np.float32(255)).transpose(2, 0, 1))


def export(model, name, stack, embedding=False):
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(
        model, torch.zeros(1, 3, 32, 32), path, opset_version=13,
        training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
        input_names=["image"], output_names=["features"],
        dynamic_axes={"image": {0: "n", 2: "h", 3: "w"},
                      "features": {0: "n"} if embedding else {0: "n", 2: "h", 3: "w"}})
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = [n.op_type for n in m.graph.node]
    if "BatchNormalization" not in ops:
        raise SystemExit(name + ": the exporter fused the BatchNormalization nodes: " + str(ops))
    print(name + ".onnx:", ", ".join(n.name + " " + n.op_type for n in m.graph.node))
    if stack is None:
        return
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(OUT, name + ".safetensors"), state)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(stack, f, indent=1)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    inputs = []
    for k, (image, top, left, h, w) in enumerate(CROPS):
        x = crop(image, top, left, h, w)
        np.save(os.path.join(OUT, "crop_%d.npy" % k), x)
        inputs.append(x)
    cases = []
    for name, model, stack, seed in [("small_cnn", SmallCnn(), SMALL_CNN_STACK, 15),
                                     ("mixed", Mixed(), MIXED_STACK, 16)]:
        randomize(model, seed)
        export(model, name, stack)
        exact = model.double()
        for k, x in enumerate(inputs):
            with torch.no_grad():
                want = exact(torch.from_numpy(x.astype(np.float64))[None])[0].numpy()
                single = model.float()(torch.from_numpy(x)[None])[0].numpy()
                model.double()
            err = np.abs(single - want) / (1e-4 + 1e-4 * np.abs(want))
            if err.max() > 0.5:
                raise SystemExit("%s crop_%d: float32 PyTorch is %.2f tolerances off" % (
                    name, k, err.max()))
            np.save(os.path.join(OUT, "%s_crop_%d.npy" % (name, k)), want.astype(np.float32))
            cases.append({"model": name, "input": "crop_%d.npy" % k,
                          "expected": "%s_crop_%d.npy" % (name, k),
                          "shape": list(want.shape)})
        model.float()
    embeddings = []
    for name, pool in [("resnet_block", "avg"), ("resnet_block_max", "max")]:
        model = randomize(ResnetBlock(pool), 17)  # one seed: the same weights for both pools
        export(model, name, None, embedding=True)
        exact = model.double()
        images = [("crop_%d.npy" % k, x) for k, x in enumerate(inputs)]
        for image in sorted(os.listdir(os.path.join(REPO, "data", "images"))):
            if image.endswith(".png"):
                images.append((image, whole(image)))
        for input_name, x in images:
            with torch.no_grad():
                want = exact(torch.from_numpy(x.astype(np.float64))[None])[0, :, 0, 0].numpy()
            expected = "%s_%s.npy" % (name, os.path.splitext(input_name)[0])
            np.save(os.path.join(OUT, expected), want)  # float64: the reduction is compared too
            embeddings.append({"model": name, "input": input_name, "expected": expected,
                               "shape": list(want.shape)})
        model.float()
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"versions": {"torch": torch.__version__, "onnx": onnx.__version__,
                                "numpy": np.__version__},
                   "crops": [list(c) for c in CROPS], "cases": cases,
                   "embeddings": embeddings}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
