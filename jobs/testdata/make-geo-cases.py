#!/usr/bin/python3
"""Writes, into src/test/resources/rasters/ (after make-rasters.py, which calls it):

nodata-float32-geo.tif   a 40 x 36 float32 GeoTIFF made by gdal_translate (-a_srs EPSG:32633,
                         -a_ullr, -a_nodata -9999, Deflate, 16 x 16 tiles) with nodata blocks,
                         scattered nodata pixels, NaN pixels and nodata on the image's edges
nodata-float32-geo.npz   level0: its pixels as GDAL decodes them, (1, H, W)
geo-cases.json           what GDAL reports for regions of the georeferenced rasters, so tests need
                         no GDAL:
  "srcwin":  per raster, for the tiles of a `tile` x `tile` grid over the image, [x0, y0, w, h]
             and the geotransform of `gdal_translate -srcwin x0 y0 w h`
  "outsize": per raster, for the tiles of a `tile` grid over the image reduced `factor` times
             (floor, as a factor x factor stride-factor pool gives), [x0, y0, w, h] of the reduced
             grid and the geotransform of `gdal_translate -srcwin f*x0 f*y0 f*w f*h -outsize w h`
  "overview": for the tiles of a 16 x 16 grid over level 1 of the COG (its first overview),
             [x0, y0, w, h] and the geotransform of `gdal_translate -ovr 0
             -srcwin 2*x0 2*y0 2*w 2*h` (-srcwin counts full-resolution pixels; the output is
             w x h pixels of the overview)
  "nodata-float32-geo": gdalinfo's geotransform, EPSG code and nodata of the nodata raster

Needs Debian's /usr/bin/python3 with python3-gdal and python3-numpy, and gdal_translate.
"""
import json
import os
import subprocess
import tempfile

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "src", "test", "resources", "rasters"))


def nodata_raster():
    h, w = 36, 40
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    a = (100 + 3 * x - 2 * y + 10 * np.sin(x / 3) * np.cos(y / 4)).astype(np.float32)
    a[8:20, 10:30] = -9999  # a block: tiles wholly inside it are empty for a 3x3 conv
    a[0:3, 0:5] = -9999  # the top-left corner: reflect padding reads it again
    a[30, 33] = -9999  # single pixels
    a[25, 4] = -9999
    a[35, 39] = -9999  # the bottom-right corner pixel
    a[2, 35] = np.nan  # NaN samples are masked for float images
    a[28, 20] = np.nan
    tmp = tempfile.mkdtemp(prefix="make-geo-")
    src = os.path.join(tmp, "src.tif")
    ds = gdal.GetDriverByName("GTiff").Create(src, w, h, 1, gdal.GDT_Float32)
    ds.GetRasterBand(1).WriteArray(a)
    ds = None
    path = os.path.join(OUT, "nodata-float32-geo.tif")
    subprocess.run(["gdal_translate", "-q", "-a_srs", "EPSG:32633",
                    "-a_ullr", "440000", "3751200", "441200", "3750120", "-a_nodata", "-9999",
                    "-co", "COMPRESS=DEFLATE", "-co", "TILED=YES", "-co", "BLOCKXSIZE=16",
                    "-co", "BLOCKYSIZE=16", src, path], check=True)
    got = gdal.Open(path).ReadAsArray()
    np.savez_compressed(os.path.join(OUT, "nodata-float32-geo.npz"), level0=got[None])
    os.remove(src)
    os.rmdir(tmp)
    return path


def facts(path):
    ds = gdal.Open(path)
    srs = ds.GetSpatialRef()
    srs.AutoIdentifyEPSG()
    return {"geotransform": list(ds.GetGeoTransform()),
            "epsg": int(srs.GetAuthorityCode(None)),
            "nodata": ds.GetRasterBand(1).GetNoDataValue()}


def translated(path, **options):
    out = gdal.Translate("/vsimem/region.tif", path, **options)
    gt = list(out.GetGeoTransform())
    out = None
    gdal.Unlink("/vsimem/region.tif")
    return gt


def tiles(width, height, tile):
    for y0 in range(0, height, tile):
        for x0 in range(0, width, tile):
            yield x0, y0, min(tile, width - x0), min(tile, height - y0)


def main():
    nodata = nodata_raster()
    rasters = ["zstd-float32-pred3-geo", "deflate-float32-rotated-geo", "nodata-float32-geo"]
    srcwin, outsize = {}, {}
    for name in rasters:
        path = os.path.join(OUT, name + ".tif")
        ds = gdal.Open(path)
        w, h = ds.RasterXSize, ds.RasterYSize
        ds = None
        srcwin[name] = {"tile": 16, "windows": [
            [x0, y0, tw, th, translated(path, srcWin=[x0, y0, tw, th])]
            for x0, y0, tw, th in tiles(w, h, 16)]}
        f = 2
        outsize[name] = {"factor": f, "tile": 8, "windows": [
            [x0, y0, tw, th,
             translated(path, srcWin=[f * x0, f * y0, f * tw, f * th], width=tw, height=th)]
            for x0, y0, tw, th in tiles(w // f, h // f, 8)]}
    # Level 1 of the COG (its first overview, half the size): with -ovr, gdal_translate takes
    # -srcwin in full-resolution pixels and reads the overview, so the window is doubled.
    cog = os.path.join(OUT, "cog-zstd-float32.tif")
    ds = gdal.Open(cog)
    ovr = ds.GetRasterBand(1).GetOverview(0)
    ow, oh = ovr.XSize, ovr.YSize
    ovr = ds = None
    windows = []
    for x0, y0, tw, th in tiles(ow, oh, 16):
        out = gdal.Translate("/vsimem/ovr.tif", cog, options="-ovr 0 -srcwin %d %d %d %d"
                             % (2 * x0, 2 * y0, 2 * tw, 2 * th))
        assert (out.RasterXSize, out.RasterYSize) == (tw, th), (x0, y0, tw, th)
        windows.append([x0, y0, tw, th, list(out.GetGeoTransform())])
        out = None
        gdal.Unlink("/vsimem/ovr.tif")
    overview = {"cog-zstd-float32": {"level": 1, "tile": 16, "windows": windows}}
    cases = {"gdal": gdal.__version__, "srcwin": srcwin, "outsize": outsize, "overview": overview,
             "nodata-float32-geo": facts(nodata)}
    with open(os.path.join(OUT, "geo-cases.json"), "w") as f:
        json.dump(cases, f, indent=1, sort_keys=True)
        f.write("\n")
    for name in os.listdir(OUT):
        if name.endswith(".aux.xml"):
            os.remove(os.path.join(OUT, name))


if __name__ == "__main__":
    main()
