#!/usr/bin/python3
"""Writes src/test/resources/rasters/: small TIFFs made by real tools (GDAL, vips, tifffile), not by
haloconv, and beside each one what an independent reader decodes from it, so haloconv's TIFF reader
is held to GDAL's and libvips' (libtiff's) decoding.

For every FILE.tif:
  FILE.npz      arrays levelL: the pixels of level L (0 = full resolution) as (C, H, W), decoded by
                GDAL (or, for pages GDAL does not expose, by libvips through `vips copy` into an
                uncompressed TIFF that GDAL reads; for tifffile's files, the arrays it wrote)
cases.json      per file: the tool and command that wrote it, the levels (width, height), the
                codec, whether the decode is exact (lossless) or within one 8-bit step (JPEG), and
                for GeoTIFFs GDAL's geotransform, EPSG code and nodata.
geo-cases.json, nodata-float32-geo.*   written by make-geo-cases.py, which main() runs last.

Needs Debian's /usr/bin/python3 with python3-gdal, python3-numpy and python3-tifffile, and the
`vips` and `gdal_translate` commands (libvips-tools, gdal-bin). Deterministic: images are seeded,
and the encoders write the same bytes with the same library versions (cases.json records them).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import tifffile
from osgeo import gdal, osr

gdal.UseExceptions()
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "src", "test", "resources", "rasters"))
TMP = tempfile.mkdtemp(prefix="make-rasters-")
CASES = {}


def run(*args):
    subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL)


def scene(h, w, bands, seed, noise=0.004):
    """Smooth gradients, discs and a little noise: JPEG-friendly, but every pixel differs."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((bands, h, w))
    for b in range(bands):
        img[b] = 0.2 + 0.6 * ((x * (b + 1) / w + y / h) % 1.0)
    for _ in range(6):
        cy, cx, r = rng.uniform(0, h), rng.uniform(0, w), rng.uniform(6, min(h, w) / 3)
        disc = (y - cy) ** 2 + (x - cx) ** 2 < r * r
        for b in range(bands):
            img[b][disc] = rng.uniform(0, 1)
    img += rng.normal(0, noise, img.shape)
    return np.clip(img, 0, 1)


def gdal_source(name, array, dtype, geo=None, nodata=None):
    """An uncompressed GeoTIFF of (C, H, W) `array` as GDAL type `dtype`, for gdal_translate."""
    path = os.path.join(TMP, name + ".src.tif")
    bands, h, w = array.shape
    ds = gdal.GetDriverByName("GTiff").Create(path, w, h, bands, dtype)
    for b in range(bands):
        ds.GetRasterBand(b + 1).WriteArray(array[b])
        if nodata is not None:
            ds.GetRasterBand(b + 1).SetNoDataValue(nodata)
    if geo is not None:
        transform, epsg = geo
        ds.SetGeoTransform(transform)
        if epsg is not None:
            srs = osr.SpatialReference()
            srs.ImportFromEPSG(epsg)
            ds.SetProjection(srs.ExportToWkt())
    ds = None
    return path


def gdal_levels(path):
    """Level 0 and every overview GDAL exposes, as (C, H, W) arrays."""
    ds = gdal.Open(path)
    levels = [ds.ReadAsArray()]
    for i in range(ds.GetRasterBand(1).GetOverviewCount()):
        bands = [ds.GetRasterBand(b + 1).GetOverview(i).ReadAsArray() for b in range(ds.RasterCount)]
        levels.append(np.stack(bands))
    return [a if a.ndim == 3 else a[None] for a in levels]


def vips_level(path, option):
    """One page or SubIFD decoded by libvips, through an uncompressed TIFF that tifffile reads."""
    plain = os.path.join(TMP, "vips-%s-%s.tif" % (os.path.basename(path), option.replace("=", "")))
    run("vips", "copy", path + "[" + option + "]", plain)
    a = gdal.Open(plain).ReadAsArray()
    return a[None] if a.ndim == 2 else a


def geo_facts(path):
    ds = gdal.Open(path)
    srs = ds.GetSpatialRef()
    epsg = None
    if srs is not None:
        srs.AutoIdentifyEPSG()
        code = srs.GetAuthorityCode(None)
        epsg = int(code) if code else None
    return {
        "geotransform": list(ds.GetGeoTransform()),
        "epsg": epsg,
        "nodata": ds.GetRasterBand(1).GetNoDataValue(),
    }


def record(name, tool, command, codec, levels, exact=True, geo=False, extra=None):
    path = os.path.join(OUT, name + ".tif")
    # uint32 as int64: haloconv's .npy reader has no uint32 (its values are < 2^24 here anyway).
    arrays = {"level%d" % i: a.astype(np.int64) if a.dtype == np.uint32 else a
              for i, a in enumerate(levels)}
    np.savez_compressed(os.path.join(OUT, name + ".npz"), **arrays)
    case = {
        "tool": tool,
        "command": command,
        "codec": codec,
        "exact": exact,
        "levels": [[int(a.shape[2]), int(a.shape[1])] for a in levels],
        "channels": int(levels[0].shape[0]),
        "dtype": str(levels[0].dtype),
    }
    if geo:
        case.update(geo_facts(path))
    if extra:
        case.update(extra)
    CASES[name] = case


def translate(name, source, *options):
    path = os.path.join(OUT, name + ".tif")
    args = ["gdal_translate", "-q"]
    for o in options:
        args += ["-co", o] if "=" in o and not o.startswith("-") else [o]
    run(*args, source, path)
    return path, "gdal_translate " + " ".join(("-co " + o) if "=" in o else o for o in options)


def gdal_cases():
    rgb8 = (scene(75, 97, 3, 1) * 255).round().astype(np.uint8)
    src = gdal_source("rgb8", rgb8, gdal.GDT_Byte)

    p, cmd = translate("jpeg-ycbcr-tiles", src, "COMPRESS=JPEG", "PHOTOMETRIC=YCBCR", "TILED=YES",
                       "BLOCKXSIZE=32", "BLOCKYSIZE=32", "JPEG_QUALITY=90")
    record("jpeg-ycbcr-tiles", "gdal", cmd, "jpeg", gdal_levels(p), exact=False)
    p, cmd = translate("jpeg-rgb-strips", src, "COMPRESS=JPEG", "PHOTOMETRIC=RGB",
                       "BLOCKYSIZE=16", "JPEG_QUALITY=90")
    record("jpeg-rgb-strips", "gdal", cmd, "jpeg", gdal_levels(p), exact=False)
    p, cmd = translate("webp-lossless-tiles", src, "COMPRESS=WEBP", "WEBP_LOSSLESS=YES",
                       "TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32")
    record("webp-lossless-tiles", "gdal", cmd, "webp", gdal_levels(p))
    p, cmd = translate("zstd-rgb8-planar-tiles", src, "COMPRESS=ZSTD", "PREDICTOR=2", "TILED=YES",
                       "BLOCKXSIZE=48", "BLOCKYSIZE=16", "INTERLEAVE=BAND")
    record("zstd-rgb8-planar-tiles", "gdal", cmd, "zstd", gdal_levels(p))

    # Elevation-like float32 with a UTM georeference and nodata: the COG of issue 13.
    dem = (scene(90, 110, 1, 2) * 1800 - 200).astype(np.float32)
    dem[0, 5:9, 7:20] = -9999
    geo = ([500000.0, 30.0, 0.0, 4100000.0, 0.0, -30.0], 32633)
    src = gdal_source("dem", dem, gdal.GDT_Float32, geo=geo, nodata=-9999)
    p, cmd = translate("zstd-float32-pred3-geo", src, "COMPRESS=ZSTD", "PREDICTOR=3",
                       "TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32")
    record("zstd-float32-pred3-geo", "gdal", cmd, "zstd", gdal_levels(p), geo=True)

    # A COG's layout: tiles, then overviews as reduced-resolution pages (NewSubfileType 1), as
    # gdaladdo and COPY_SRC_OVERVIEWS write them (GDAL's COG driver wants blocks of 128 or more).
    smooth = (scene(90, 110, 1, 14, noise=0) * 1000).astype(np.float32)
    src = gdal_source("smooth", smooth, gdal.GDT_Float32, geo=geo)
    run("gdaladdo", "-q", "-r", "nearest", src, "2", "4")
    p = os.path.join(OUT, "cog-zstd-float32.tif")
    run("gdal_translate", "-q", "-co", "COMPRESS=ZSTD", "-co", "PREDICTOR=3", "-co", "TILED=YES",
        "-co", "BLOCKXSIZE=32", "-co", "BLOCKYSIZE=32", "-co", "COPY_SRC_OVERVIEWS=YES", src, p)
    record("cog-zstd-float32", "gdal",
           "gdaladdo -r nearest 2 4; gdal_translate -co COMPRESS=ZSTD -co PREDICTOR=3 -co TILED=YES"
           " -co BLOCKXSIZE=32 -co BLOCKYSIZE=32 -co COPY_SRC_OVERVIEWS=YES",
           "zstd", gdal_levels(p), geo=True)

    # A rotated georeference: GDAL writes ModelTransformation instead of scale and tiepoint.
    srcr = gdal_source("rot", dem[:, :40, :50], gdal.GDT_Float32,
                       geo=([1000.0, 2.0, 0.5, 2000.0, 0.25, -2.0], 4326))
    p, cmd = translate("deflate-float32-rotated-geo", srcr, "COMPRESS=DEFLATE", "BLOCKYSIZE=8")
    record("deflate-float32-rotated-geo", "gdal", cmd, "deflate", gdal_levels(p), geo=True)

    # Signed and wide integers, float64, with both predictors.
    rng = np.random.default_rng(3)
    i16 = (scene(64, 70, 2, 4) * 60000 - 30000).astype(np.int16)
    src = gdal_source("i16", i16, gdal.GDT_Int16)
    p, cmd = translate("zstd-int16-pred2-strips", src, "COMPRESS=ZSTD", "PREDICTOR=2",
                       "BLOCKYSIZE=10")
    record("zstd-int16-pred2-strips", "gdal", cmd, "zstd", gdal_levels(p))
    i32 = rng.integers(-2**31, 2**31 - 1, (1, 50, 66), dtype=np.int64).astype(np.int32)
    i32[0, :25] = (scene(25, 66, 1, 5)[0] * 2**24).astype(np.int32)  # exact in float32 too
    src = gdal_source("i32", i32, gdal.GDT_Int32)
    p, cmd = translate("lzw-int32-pred2-tiles", src, "COMPRESS=LZW", "PREDICTOR=2", "TILED=YES",
                       "BLOCKXSIZE=16", "BLOCKYSIZE=16")
    record("lzw-int32-pred2-tiles", "gdal", cmd, "lzw", gdal_levels(p))
    u32 = rng.integers(0, 2**24, (1, 45, 60), dtype=np.uint32)
    src = gdal_source("u32", u32, gdal.GDT_UInt32)
    p, cmd = translate("deflate-uint32-tiles", src, "COMPRESS=DEFLATE", "TILED=YES",
                       "BLOCKXSIZE=16", "BLOCKYSIZE=32")
    record("deflate-uint32-tiles", "gdal", cmd, "deflate", gdal_levels(p))
    f64 = (scene(40, 52, 1, 6) * 1e6 - 3e5)
    src = gdal_source("f64", f64, gdal.GDT_Float64)
    p, cmd = translate("zstd-float64-pred3-tiles", src, "COMPRESS=ZSTD", "PREDICTOR=3",
                       "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16")
    record("zstd-float64-pred3-tiles", "gdal", cmd, "zstd", gdal_levels(p))
    i8 = (scene(33, 41, 1, 7) * 250 - 125).astype(np.int8)
    src = gdal_source("i8", i8.astype(np.uint8).view(np.uint8), gdal.GDT_Byte)
    p, cmd = translate("deflate-int8-pred2", src, "COMPRESS=DEFLATE", "PREDICTOR=2",
                       "PIXELTYPE=SIGNEDBYTE", "BLOCKYSIZE=8")
    levels = [a.view(np.int8) for a in gdal_levels(p)]  # GDAL 3.6 reads SIGNEDBYTE as bytes
    record("deflate-int8-pred2", "gdal", cmd, "deflate", levels)
    f32 = (scene(30, 44, 1, 8) * 100 - 50).astype(np.float32)
    src = gdal_source("f16", f32, gdal.GDT_Float32)
    p, cmd = translate("lzw-float16-pred2", src, "COMPRESS=LZW", "NBITS=16", "PREDICTOR=2",
                       "TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16")
    # GDAL expands the stored half floats to float32, exactly: kept as float16.
    levels = [a.astype(np.float16) for a in gdal_levels(p)]
    assert np.array_equal(levels[0].astype(np.float32), gdal_levels(p)[0]), "not float16 values"
    record("lzw-float16-pred2", "gdal", cmd, "lzw", levels)


def vips_cases():
    rgb = (scene(120, 160, 3, 9) * 255).round().astype(np.uint8)
    src = os.path.join(TMP, "rgb.tif")
    tifffile.imwrite(src, np.moveaxis(rgb, 0, -1), photometric="rgb")

    p = os.path.join(OUT, "vips-jpeg-pyramid.tif")
    run("vips", "tiffsave", src, p, "--compression", "jpeg", "--Q", "90", "--tile",
        "--tile-width", "64", "--tile-height", "64", "--pyramid", "--bigtiff")
    with tifffile.TiffFile(p) as t:
        pages = len(t.pages)
    levels = [vips_level(p, "page=%d" % i) for i in range(pages)]
    record("vips-jpeg-pyramid", "vips",
           "vips tiffsave --compression jpeg --Q 90 --tile --tile-width 64 --tile-height 64"
           " --pyramid --bigtiff", "jpeg", levels, exact=False)

    p = os.path.join(OUT, "vips-zstd-subifd-pyramid.tif")
    run("vips", "tiffsave", src, p, "--compression", "zstd", "--tile", "--tile-width", "32",
        "--tile-height", "32", "--pyramid", "--subifd")
    with tifffile.TiffFile(p) as t:
        subifds = len(t.pages[0].subifds or [])
    levels = [vips_level(p, "page=0")] + [vips_level(p, "subifd=%d" % i) for i in range(subifds)]
    record("vips-zstd-subifd-pyramid", "vips",
           "vips tiffsave --compression zstd --tile --tile-width 32 --tile-height 32 --pyramid"
           " --subifd", "zstd", levels)

    rgba = np.concatenate([rgb[:, :48, :64], (scene(48, 64, 1, 15) * 255).astype(np.uint8)])
    src = os.path.join(TMP, "rgba.tif")
    tifffile.imwrite(src, np.moveaxis(rgba, 0, -1), photometric="rgb", extrasamples=["unassalpha"])
    p = os.path.join(OUT, "vips-webp-rgba-tiles.tif")
    run("vips", "tiffsave", src, p, "--compression", "webp", "--lossless", "--tile",
        "--tile-width", "32", "--tile-height", "32")
    record("vips-webp-rgba-tiles", "vips",
           "vips tiffsave --compression webp --lossless --tile --tile-width 32 --tile-height 32",
           "webp", [vips_level(p, "page=0")])


def svs_like():
    """An Aperio-style slide: tiled levels, a stripped thumbnail, label and macro pages."""
    p = os.path.join(OUT, "svs-like.tif")
    base = (scene(96, 128, 3, 10) * 255).round().astype(np.uint8)
    half = base[:, ::2, ::2].copy()
    quarter = base[:, ::4, ::4].copy()
    thumb = base[:, ::8, ::8].copy()
    label = (scene(20, 30, 3, 11) * 255).astype(np.uint8)
    macro = (scene(24, 60, 3, 12) * 255).astype(np.uint8)
    desc = "Aperio Image Library v12.0.5\r\n128x96 [0,0 128x96] (64x64) JPEG/RGB Q=70|AppMag = 20|MPP = 0.4990"
    hwc = lambda a: np.moveaxis(a, 0, -1)
    with tifffile.TiffWriter(p) as t:
        t.write(hwc(base), tile=(64, 64), compression="zlib", description=desc, photometric="rgb",
                metadata=None)
        t.write(hwc(thumb), compression="zlib", description="Aperio Image Library v12.0.5\r\n128x96 -> 16x12 - |MPP = 0.4990",
                photometric="rgb", metadata=None)
        t.write(hwc(half), tile=(32, 32), compression="zlib", photometric="rgb", metadata=None,
                description="Aperio Image Library v12.0.5\r\n128x96 -> 64x48 - |MPP = 0.4990")
        t.write(hwc(quarter), tile=(32, 32), compression="zlib", photometric="rgb", metadata=None,
                description="Aperio Image Library v12.0.5\r\n128x96 -> 32x24 - |MPP = 0.4990")
        t.write(hwc(label), compression="zlib", subfiletype=1, photometric="rgb", metadata=None,
                description="Aperio Image Library v12.0.5\r\nlabel 30x20")
        t.write(hwc(macro), compression="zlib", subfiletype=9, photometric="rgb", metadata=None,
                description="Aperio Image Library v12.0.5\r\nmacro 60x24")
    record("svs-like", "tifffile", "tifffile.TiffWriter: Aperio-style pages", "deflate",
           [base, half, quarter], extra={"mpp": 0.499})

    # TIFF resolution tags: 2000 pixels per centimetre is 5 microns per pixel.
    p = os.path.join(OUT, "resolution-uint16.tif")
    u16 = (scene(40, 48, 1, 13)[0] * 65535).astype(np.uint16)
    tifffile.imwrite(p, u16, resolution=(2000, 2000), resolutionunit="CENTIMETER", tile=(16, 16),
                     metadata=None)
    record("resolution-uint16", "tifffile", "tifffile.imwrite resolution=2000/cm", "none",
           [u16[None]], extra={"mpp": 5.0})


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    gdal_cases()
    vips_cases()
    svs_like()
    versions = {
        "gdal": gdal.__version__,
        "numpy": np.__version__,
        "tifffile": tifffile.__version__,
        "vips": subprocess.run(["vips", "--version"], capture_output=True, text=True).stdout.strip(),
    }
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"versions": versions, "cases": CASES}, f, indent=1, sort_keys=True)
        f.write("\n")
    # The georeferencing and nodata cases: GDAL's transforms of regions, and a raster with nodata.
    subprocess.run([sys.executable, os.path.join(HERE, "make-geo-cases.py")], check=True)
    for name in os.listdir(OUT):
        if name.endswith(".aux.xml"):
            os.remove(os.path.join(OUT, name))
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print("wrote %d files, %d bytes, to %s" % (len(os.listdir(OUT)), total, OUT))
    shutil.rmtree(TMP)


if __name__ == "__main__":
    sys.exit(main())
