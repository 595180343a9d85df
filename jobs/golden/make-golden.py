#!/usr/bin/python3
"""Regenerates src/test/resources/golden/: the PyTorch float64 reference cases the tests compare
haloconv against (design.md §1: |got - want| <= 1e-4 + 1e-4*|want|).

    /usr/bin/python3 jobs/golden/make-golden.py [OUTPUT_DIR]

Needs Debian's python3-torch, python3-numpy, python3-pil, python3-skimage and python3-tifffile
(/usr/bin/python3: a pyenv or venv python on PATH may lack them). Nothing else: no network.

Three suites, in the layout of ../shared/golden (the same readers serve both copies):

  kernel/  cases.json + one NAME.npz per case (x, weight, optional bias, y): random tensors and
           patches of real images through every padding form and mode, stride, dilation, groups,
           1x1 and even kernels, TF "same", bias or not, each activation.
  images/  cases.json, the image files, filters/NAME.npz and expected/NAME.npy: small crops of
           scikit-image's sample photographs written as gray, RGB, RGBA, palette PNGs, a 16-bit
           TIFF and a JPEG, each convolved from its decoded pixels.
  stacks/  cases.json + a directory per case: input.npy, stack.json, the banks, and
           expected_LAYER.npy for every written layer (conv, max/avg pool with padding, relu,
           leaky_relu, sigmoid, tanh, emitted layers).

Every reference is computed in float64 from exactly the float32 values the tests feed haloconv
(the stored x and banks; for images the decoded integers / 255 or / 65535), and stored as
float32. The script checks that rounding to float32 costs less than 1% of the tolerance, and
that its explicit padding + conv2d agrees with torch.nn.Conv2d's own padding_mode wherever
Conv2d can express the padding.

JPEG: the expected map is computed from the pixels PIL (libjpeg-turbo, integer "islow" IDCT,
fancy upsampling) decodes from the committed file. The JDK's decoder (IJG libjpeg 6b, which
libjpeg-turbo reproduces bit for bit for baseline files) gives the same integers, so the JPEG
case is held to the same tolerance as the lossless ones: a difference of one level in one pixel
would show as an error of about |w|/255, far above 1e-4. "lossy": true in cases.json marks it.

Deterministic: every random array comes from numpy's PCG64 seeded by the case name (CRC-32), the
crops are fixed, and the encoders (PIL's PNG and JPEG writers, tifffile, numpy's npz) write the
same bytes for the same input with the same library versions (recorded in golden/README.md).
Run it twice and `git status` shows nothing. The images come from scikit-image's data directory
(public domain or CC0, see golden/README.md) and the project's own data/images.
"""
import json
import os
import shutil
import sys
import zlib

import numpy as np
import PIL
import PIL.Image
import PIL.features
import skimage
import skimage.transform
import tifffile
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(
    REPO, "src", "test", "resources", "golden")
SKIMAGE = skimage.data_dir
WORST = {"ratio": 0.0, "where": ""}


# ---------------------------------------------------------------------------------------------
# Reference arithmetic (design.md §1 and §6), in float64 with PyTorch.

def rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def pair(v, default):
    if v is None:
        return (default, default)
    if isinstance(v, list):
        return (v[0], v[1])
    return (v, v)


def resolve_padding(padding, size, kernel, stride, dilation):
    """(top, bottom, left, right) for a padding form of design.md §1 on an (H, W) input."""
    if padding is None or padding == "valid":
        return (0, 0, 0, 0)
    if padding == "same":  # the TensorFlow rule
        sides = []
        for n, f, s, d in zip(size, kernel, stride, dilation):
            out = -(-n // s)
            total = max((out - 1) * s + (f - 1) * d + 1 - n, 0)
            sides += [total // 2, total - total // 2]
        return tuple(sides)
    if isinstance(padding, int):
        return (padding,) * 4
    if len(padding) == 2:
        return (padding[0], padding[0], padding[1], padding[1])
    return tuple(padding)


def pad(x, sides, mode, value=0.0):
    """x: (N, C, H, W); sides (top, bottom, left, right); mode as PyTorch's F.pad."""
    t, b, l, r = sides
    if mode == "zeros" or mode == "constant":
        return F.pad(x, (l, r, t, b), mode="constant", value=value)
    return F.pad(x, (l, r, t, b), mode=mode)


def activate(y, activation):
    if activation in (None, "none"):
        return y
    if activation == "relu":
        return torch.relu(y)
    if activation == "sigmoid":
        return torch.sigmoid(y)
    if activation == "tanh":
        return torch.tanh(y)
    if activation.startswith("leaky_relu"):
        slope = float(activation.split(":")[1]) if ":" in activation else 0.01
        # haloconv holds the slope as a float32, as it parses it.
        return F.leaky_relu(y, float(np.float32(slope)))
    raise ValueError(activation)


def conv(x, weight, bias, spec):
    """x (C, H, W) float64 array; weight (K, C/G, Fh, Fw); bias (K,) or None -> (K, OH, OW)."""
    kernel = weight.shape[2:]
    stride = pair(spec.get("stride"), 1)
    dilation = pair(spec.get("dilation"), 1)
    groups = spec.get("groups", 1)
    mode = spec.get("padding_mode", "zeros")
    sides = resolve_padding(spec.get("padding"), x.shape[1:], kernel, stride, dilation)
    xt = torch.from_numpy(np.asarray(x, np.float64))[None]
    w = torch.from_numpy(np.asarray(weight, np.float64))
    b = None if bias is None else torch.from_numpy(np.asarray(bias, np.float64))
    y = F.conv2d(pad(xt, sides, mode), w, b, stride=stride, dilation=dilation, groups=groups)
    t, bo, l, r = sides
    if t == bo and l == r:
        # Cross-check the explicit padding against PyTorch's own Conv2d padding_mode.
        m = torch.nn.Conv2d(x.shape[0], w.shape[0], kernel, stride=stride, padding=(t, l),
                            dilation=dilation, groups=groups, bias=b is not None,
                            padding_mode=mode)
        with torch.no_grad():
            m.weight.copy_(w)
            if b is not None:
                m.bias.copy_(b)
            z = m(xt)
        assert torch.allclose(y, z, rtol=1e-12, atol=1e-12), spec
    return activate(y, spec.get("activation"))[0].numpy()


def pool(x, layer):
    """A pool layer of design.md §6: max pads with -inf, avg with 0 counted in the window."""
    size = pair(layer["size"], 1)
    stride = pair(layer.get("stride"), 0) if "stride" in layer else size
    sides = resolve_padding(layer.get("padding"), x.shape[1:], size, stride, (1, 1))
    xt = torch.from_numpy(np.asarray(x, np.float64))[None]
    t, b, l, r = sides
    if layer["op"] == "max":
        y = F.max_pool2d(pad(xt, sides, "constant", float("-inf")), size, stride)
        if t == b and l == r:
            assert torch.equal(y, F.max_pool2d(xt, size, stride, padding=(t, l))), layer
    else:
        y = F.avg_pool2d(pad(xt, sides, "constant", 0.0), size, stride)
        if t == b and l == r:
            z = F.avg_pool2d(xt, size, stride, padding=(t, l), count_include_pad=True)
            assert torch.allclose(y, z, rtol=1e-12, atol=1e-12), layer
    return y[0].numpy()


def to_float32(y, where):
    """The stored expected map, after checking float32 rounding is far inside the tolerance."""
    y32 = y.astype(np.float32)
    ratio = float(np.max(np.abs(y32.astype(np.float64) - y) / (1e-4 + 1e-4 * np.abs(y))))
    assert ratio < 0.01, (where, ratio)
    if ratio > WORST["ratio"]:
        WORST.update(ratio=ratio, where=where)
    return y32


def he_bank(r, k, c, fh, fw, bias=True):
    weight = (r.standard_normal((k, c, fh, fw)) * np.sqrt(2.0 / (c * fh * fw))).astype(np.float32)
    b = (r.standard_normal(k) * 0.1).astype(np.float32) if bias else None
    return weight, b


def save_npz(path, **arrays):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})


def save_npy(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, np.ascontiguousarray(array))


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")


def sample(name):
    return os.path.join(SKIMAGE, name)


def decoded(path):
    """(C, H, W) integer pixels as PIL decodes them, and the unit scale (255 or 65535)."""
    if path.endswith(".tif"):
        a = tifffile.imread(path)
        scale = 65535
    else:
        im = PIL.Image.open(path)
        im = im.convert("RGBA" if "transparency" in im.info else "RGB") if im.mode == "P" else im
        a = np.asarray(im)
        scale = 255
    a = a[None] if a.ndim == 2 else a.transpose(2, 0, 1)
    return a, scale


def unit_crop(image, box):
    """A crop (y0, x0, h, w) of a sample image as (C, H, W) float32 in [0, 1]."""
    a, scale = decoded(image)
    y0, x0, h, w = box
    return (a[:, y0:y0 + h, x0:x0 + w].astype(np.float64) / scale).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# kernel/: one convolution per case.

# name, input (C, H, W) or an image patch, filters K, kernel (Fh, Fw), spec, bias
RANDOM = "random"
KERNEL_CASES = [
    ("basic_3x3_same", (3, 17, 23), 4, (3, 3), {"stride": 1, "padding": 1}, True),
    ("valid_no_padding", (4, 20, 20), 4, (3, 3), {"stride": 1, "padding": 0}, True),
    ("valid_keyword_even_2x2_stride2", (3, 13, 18), 5, (2, 2),
     {"stride": 2, "padding": "valid"}, True),
    ("stride2_5x5_relu", (1, 32, 32), 2, (5, 5),
     {"stride": 2, "padding": 2, "activation": "relu"}, True),
    ("stride2_7x7_odd_size", (3, 31, 29), 8, (7, 7), {"stride": 2, "padding": 3}, True),
    ("rect_kernel_rect_stride", (2, 19, 21), 3, (3, 5),
     {"stride": [1, 2], "padding": [1, 2]}, True),
    ("asymmetric_padding", (3, 15, 18), 5, (3, 3), {"stride": 1, "padding": [0, 2, 1, 0]}, True),
    ("even_kernel_asymmetric_padding", (2, 14, 17), 3, (2, 4),
     {"stride": [2, 1], "padding": [0, 1, 1, 2]}, True),
    ("dilation2", (3, 25, 25), 4, (3, 3), {"stride": 1, "padding": 2, "dilation": 2}, True),
    ("dilation_rect_stride2", (2, 23, 26), 3, (3, 3),
     {"stride": 2, "padding": [2, 1], "dilation": [2, 1]}, True),
    ("depthwise_groups3", (3, 16, 16), 3, (3, 3), {"stride": 1, "padding": 1, "groups": 3}, True),
    ("depthwise_multiplier2_reflect_stride2", (4, 15, 19), 8, (3, 3),
     {"stride": 2, "padding": 1, "groups": 4, "padding_mode": "reflect"}, True),
    ("groups2", (4, 16, 14), 6, (3, 3), {"stride": 1, "padding": 1, "groups": 2}, True),
    ("reflect_5x5", (3, 18, 22), 4, (5, 5),
     {"stride": 1, "padding": 2, "padding_mode": "reflect"}, True),
    ("reflect_dilated_asymmetric", (2, 16, 13), 3, (3, 3),
     {"stride": 1, "padding": [2, 3, 1, 0], "dilation": [2, 1], "padding_mode": "reflect"}, True),
    ("replicate_3x3", (2, 13, 17), 3, (3, 3),
     {"stride": 1, "padding": 1, "padding_mode": "replicate"}, True),
    ("replicate_same_even_kernel_stride2", (3, 15, 13), 4, (4, 4),
     {"stride": 2, "padding": "same", "padding_mode": "replicate"}, True),
    ("circular_3x3_stride2", (3, 14, 20), 4, (3, 3),
     {"stride": 2, "padding": 1, "padding_mode": "circular"}, True),
    ("circular_pair_padding_dilation", (2, 12, 15), 3, (3, 3),
     {"stride": 1, "padding": [2, 3], "dilation": [1, 2], "padding_mode": "circular"}, True),
    ("tf_same_stride2_even_input", (3, 16, 20), 4, (3, 3), {"stride": 2, "padding": "same"}, True),
    ("tf_same_even_kernel", (2, 15, 15), 3, (4, 4), {"stride": 1, "padding": "same"}, True),
    ("tf_same_dilation2_stride2_odd_input", (2, 17, 19), 3, (3, 3),
     {"stride": 2, "padding": "same", "dilation": 2}, True),
    ("pointwise_1x1", (16, 12, 12), 8, (1, 1), {"stride": 1, "padding": 0}, True),
    ("single_filter_no_bias", (1, 20, 20), 1, (3, 3), {"stride": 1, "padding": 1}, False),
    ("no_bias_groups2_leaky_relu", (4, 11, 13), 4, (3, 3),
     {"stride": 1, "padding": 1, "groups": 2, "activation": "leaky_relu:0.1"}, False),
    ("sigmoid_5x5", (3, 14, 16), 4, (5, 5),
     {"stride": 1, "padding": 2, "activation": "sigmoid"}, True),
    ("tanh_reflect_3x3", (2, 12, 10), 3, (3, 3),
     {"stride": 1, "padding": 1, "padding_mode": "reflect", "activation": "tanh"}, True),
    ("wide_rgb_16_filters_relu", (3, 64, 96), 16, (3, 3),
     {"stride": 1, "padding": 1, "activation": "relu"}, True),
    ("kernel_larger_than_stride_gap", (3, 40, 40), 4, (3, 3), {"stride": 4, "padding": 0}, True),
    ("stride3_even_kernel_replicate", (2, 20, 23), 3, (2, 2),
     {"stride": 3, "padding": 1, "padding_mode": "replicate"}, True),
    ("kernel_covers_whole_input", (3, 5, 7), 2, (5, 7), {"stride": 1, "padding": 0}, True),
    ("one_pixel_input", (2, 1, 1), 3, (3, 3), {"stride": 1, "padding": 1}, True),
    # Real pixels rather than noise: smooth regions and sharp edges.
    ("camera_patch_reflect_5x5", ("camera.png", (300, 200, 27, 33)), 3, (5, 5),
     {"stride": 1, "padding": 2, "padding_mode": "reflect"}, True),
    ("texture_patch_same_stride2", ("data/images/texture.png", (10, 20, 24, 30)), 4, (3, 3),
     {"stride": 2, "padding": "same", "padding_mode": "replicate", "activation": "relu"}, True),
]


def make_kernel(out):
    cases = []
    for name, source, k, (fh, fw), spec, bias in KERNEL_CASES:
        r = rng(name)
        if isinstance(source[0], str):
            image, box = source
            path = os.path.join(REPO, image) if image.startswith("data/") else sample(image)
            x = unit_crop(path, box)
        else:
            x = r.uniform(0, 1, source).astype(np.float32)
        groups = spec.get("groups", 1)
        weight, b = he_bank(r, k, x.shape[0] // groups, fh, fw, bias)
        y = to_float32(conv(x, weight, b, spec), "kernel/" + name)
        save_npz(os.path.join(out, name + ".npz"), x=x, weight=weight, bias=b, y=y)
        entry = {"name": name, "file": name + ".npz", "spec": {"kernel": [fh, fw], **spec}}
        if not bias:
            entry["spec"]["bias"] = False
        entry["input_shape"] = list(x.shape)
        entry["output_shape"] = list(y.shape)
        if isinstance(source[0], str):
            entry["source"] = "%s rows %d.., columns %d.., / 255" % (source[0], *source[1][:2])
        cases.append(entry)
    write_json(os.path.join(out, "cases.json"), cases)


# ---------------------------------------------------------------------------------------------
# images/: real image files, decoded by haloconv, convolved, against the decoded pixels here.

def crop(image, box):
    y0, x0, h, w = box
    return image.crop((x0, y0, x0 + w, y0 + h))


def to_u16(gray01):
    return np.round(np.clip(gray01, 0, 1) * 65535).astype(np.uint16)


def write_images(out):
    """Writes the image files; returns {file: description}."""
    made = {}
    astronaut = PIL.Image.open(sample("astronaut.png"))
    crop(astronaut, (20, 150, 161, 139)).save(os.path.join(out, "astronaut.png"))
    made["astronaut.png"] = "RGB PNG: astronaut.png rows 20..180, columns 150..288"
    camera = PIL.Image.open(sample("camera.png"))
    crop(camera, (60, 120, 256, 300)).save(os.path.join(out, "camera.png"))
    made["camera.png"] = "gray PNG: camera.png rows 60..315, columns 120..419"
    # RGBA with an alpha that varies: coffee.png's colours cut out by horse.png's silhouette
    # (opaque horse, transparent background, anti-aliased edges). No sample has a varying alpha.
    coffee = np.asarray(PIL.Image.open(sample("coffee.png")).convert("RGB"))[100:220, 300:450]
    horse = np.asarray(PIL.Image.open(sample("horse.png")).convert("L"))[10:130, 240:390]
    rgba = np.dstack([coffee, 255 - horse]).astype(np.uint8)
    PIL.Image.fromarray(rgba, "RGBA").save(os.path.join(out, "horse_rgba.png"))
    made["horse_rgba.png"] = ("RGBA PNG: coffee.png rows 100..219, columns 300..449 as colour,"
                              " 255 - horse.png's gray rows 10..129, columns 240..389 as alpha")
    shutil.copyfile(sample("palette_color.png"), os.path.join(out, "palette_color.png"))
    made["palette_color.png"] = "palette PNG: scikit-image's palette_color.png as it is"
    # A 16-bit TIFF with all 16 bits in use: chelsea's luminance, downscaled by 2 with a Gaussian
    # anti-aliasing filter in float64, then rounded to 0..65535. Big-endian, uncompressed strips.
    chelsea = np.asarray(PIL.Image.open(sample("chelsea.png")).convert("RGB")).astype(np.float64)
    luma = (0.299 * chelsea[..., 0] + 0.587 * chelsea[..., 1] + 0.114 * chelsea[..., 2]) / 255
    small = skimage.transform.rescale(luma, 0.5, anti_aliasing=True, order=1, mode="reflect")
    u16 = to_u16(small[10:130, 40:176])
    tifffile.imwrite(os.path.join(out, "chelsea_u16.tif"), u16, byteorder=">",
                     photometric="minisblack", rowsperstrip=16, metadata=None)
    made["chelsea_u16.tif"] = ("16-bit gray big-endian TIFF: chelsea.png's luminance downscaled"
                               " 1/2 (Gaussian anti-aliasing), rows 10..129, columns 40..175")
    rocket = PIL.Image.open(sample("rocket.jpg"))
    crop(rocket, (250, 170, 141, 203)).save(os.path.join(out, "rocket.jpg"), quality=90,
                                            subsampling=2, optimize=False, progressive=False)
    made["rocket.jpg"] = ("baseline JPEG, quality 90, 4:2:0 chroma: rocket.jpg rows 250..390,"
                          " columns 170..372, re-encoded by PIL")
    return made


IMAGE_CASES = [
    # name, file, filters, kernel, spec, lossy
    ("astronaut_rgb_8x3x3", "astronaut.png", 8, 3, {"stride": 1, "padding": 1,
                                                    "activation": "relu"}, False),
    ("camera_gray_4x5x5_s2", "camera.png", 4, 5, {"stride": 2, "padding": 2}, False),
    ("chelsea_u16_2x3x3", "chelsea_u16.tif", 2, 3, {"stride": 1, "padding": 1}, False),
    ("horse_rgba_4x3x3", "horse_rgba.png", 4, 3, {"stride": 1, "padding": 1}, False),
    ("palette_color_2x3x3", "palette_color.png", 2, 3, {"stride": 1, "padding": 1}, False),
    ("rocket_jpeg_4x3x3", "rocket.jpg", 4, 3, {"stride": 1, "padding": 1}, True),
]


def make_images(out):
    os.makedirs(out, exist_ok=True)
    made = write_images(out)
    cases = []
    for name, image, k, f, spec, lossy in IMAGE_CASES:
        pixels, scale = decoded(os.path.join(out, image))
        x = pixels.astype(np.float64) / scale
        weight, b = he_bank(rng(name), k, x.shape[0], f, f)
        y = to_float32(conv(x, weight, b, spec), "images/" + name)
        save_npz(os.path.join(out, "filters", name + ".npz"), weight=weight, bias=b)
        save_npy(os.path.join(out, "expected", name + ".npy"), y)
        cases.append({
            "name": name, "image": image, "filters": "filters/%s.npz" % name,
            "spec": {"kernel": [f, f], **spec}, "expected": "expected/%s.npy" % name,
            "input_shape": list(x.shape), "output_shape": list(y.shape), "lossy": lossy,
            "source": made[image],
        })
    write_json(os.path.join(out, "cases.json"), cases)


# ---------------------------------------------------------------------------------------------
# stacks/: a stack file per case, evaluated layer by layer.

STACK_CASES = [
    ("two_convs_relu", ("astronaut.png", (200, 230, 40, 50)), [
        {"name": "conv1", "type": "conv", "k": 8, "f": 3, "stride": 1, "padding": 1,
         "activation": "relu"},
        {"name": "conv2", "type": "conv", "k": 4, "f": 3, "stride": 2, "padding": 1,
         "activation": "relu"},
    ]),
    ("reflect_pool_leaky", ("coffee.png", (120, 200, 48, 64)), [
        {"name": "conv1", "type": "conv", "k": 6, "f": 5, "stride": 1, "padding": 2,
         "padding_mode": "reflect", "activation": "relu", "emit": True},
        {"name": "pool1", "type": "pool", "op": "max", "size": 2, "stride": 2, "padding": 0},
        {"name": "conv2", "type": "conv", "k": 4, "f": 3, "stride": 1, "padding": 1,
         "activation": "leaky_relu:0.1"},
    ]),
    ("dilated_avgpool_pointwise", ("camera.png", (100, 250, 33, 47)), [
        {"name": "conv1", "type": "conv", "k": 4, "f": 3, "stride": 1, "padding": 2,
         "dilation": 2, "activation": "tanh"},
        {"name": "pool1", "type": "pool", "op": "avg", "size": 3, "stride": 2, "padding": 1,
         "emit": True},
        {"name": "conv2", "type": "conv", "k": 2, "f": 1, "stride": 1, "padding": 0,
         "activation": "sigmoid"},
    ]),
    ("grouped_padded_pools_emit_all", ("chelsea.png", (90, 150, 37, 45)), [
        {"name": "conv1", "type": "conv", "k": 6, "f": 3, "stride": 1, "padding": "same",
         "groups": 3, "padding_mode": "replicate", "emit": True},
        {"name": "pool1", "type": "pool", "op": "max", "size": 3, "stride": 2, "padding": 1,
         "emit": True},
        {"name": "conv2", "type": "conv", "k": 4, "f": 2, "stride": 1, "padding": "same",
         "groups": 2, "padding_mode": "circular", "activation": "tanh", "emit": True},
        {"name": "pool2", "type": "pool", "op": "avg", "size": 2, "stride": 1,
         "padding": [0, 1, 0, 1]},
    ]),
    ("random_input_strided_leaky", (5, 29, 31), [
        {"name": "conv1", "type": "conv", "k": 6, "f": [3, 5], "stride": [1, 2],
         "padding": [1, 2], "activation": "leaky_relu"},
        {"name": "pool1", "type": "pool", "op": "max", "size": [2, 3], "stride": [2, 1],
         "padding": [1, 0, 1, 1]},
        {"name": "conv2", "type": "conv", "k": 3, "f": 3, "stride": 1, "padding": "valid",
         "dilation": [2, 1]},
    ]),
]


def make_stacks(out):
    cases = []
    for name, source, layers in STACK_CASES:
        r = rng(name)
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        if isinstance(source[0], str):
            x = unit_crop(sample(source[0]), source[1])
            origin = "%s rows %d.., columns %d.., / 255" % (source[0], *source[1][:2])
        else:
            x = r.uniform(-1, 1, source).astype(np.float32)
            origin = "uniform random in [-1, 1)"
        save_npy(os.path.join(d, "input.npy"), x)
        h = x.astype(np.float64)
        written = {}
        stack = []
        last = len(layers) - 1
        emits = any(l.get("emit") for l in layers)
        for i, layer in enumerate(layers):
            entry = {k: v for k, v in layer.items() if k not in ("k", "f")}
            if layer["type"] == "conv":
                fh, fw = pair(layer["f"], 1)
                groups = layer.get("groups", 1)
                weight, b = he_bank(r, layer["k"], h.shape[0] // groups, fh, fw)
                save_npz(os.path.join(d, layer["name"] + ".npz"), weight=weight, bias=b)
                entry["filters"] = layer["name"] + ".npz"
                h = conv(h, weight, b, layer)
            else:
                h = pool(h, layer)
            stack.append(entry)
            if i == last or (emits and layer.get("emit")):
                file = "expected_%s.npy" % layer["name"]
                save_npy(os.path.join(d, file), to_float32(h, "stacks/%s/%s" % (name,
                                                                                 layer["name"])))
                written[layer["name"]] = file
        write_json(os.path.join(d, "stack.json"), {"layers": stack})
        cases.append({"name": name, "input": "input.npy", "stack": "stack.json",
                      "expected": written, "input_shape": list(x.shape), "source": origin})
    write_json(os.path.join(out, "cases.json"), cases)


def main():
    for suite in ("kernel", "images", "stacks"):
        shutil.rmtree(os.path.join(OUT, suite), ignore_errors=True)
        os.makedirs(os.path.join(OUT, suite))
    make_kernel(os.path.join(OUT, "kernel"))
    make_images(os.path.join(OUT, "images"))
    make_stacks(os.path.join(OUT, "stacks"))
    with open(os.path.join(OUT, "VERSIONS"), "w") as f:
        f.write("torch %s\nnumpy %s\nPillow %s (libjpeg-turbo %s, zlib %s)\nscikit-image %s\n"
                "tifffile %s\n" % (torch.__version__, np.__version__, PIL.__version__,
                                   PIL.features.version("libjpeg_turbo"),
                                   PIL.features.version("zlib"), skimage.__version__,
                                   tifffile.__version__))
    print("golden cases written to %s; float32 rounding costs at most %.2g of the tolerance (%s)"
          % (OUT, WORST["ratio"], WORST["where"]))


if __name__ == "__main__":
    main()
