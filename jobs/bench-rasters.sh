#!/usr/bin/env bash
# Benchmark, not a test: real-tool rasters read by window (issue 13, item 6). Generates, once, an
# SVS-like slide (a 40,000 x 40,000 RGB BigTIFF pyramid of 256x256 JPEG tiles, written by vips) and
# a 20,000 x 20,000 float32 Cloud-Optimized GeoTIFF (ZSTD, floating-point predictor, overviews;
# written by GDAL), then runs, alternately and REPS times, `vips avg` on a level and haloconv
# featurize of the same level (a 16x3x3 bank on the slide, 16x1x3 on the COG) with a 1 GB heap,
# and prints a Markdown table of medians: wall seconds, megapixels/s of the level's input, peak
# RSS, and haloconv / vips.
#
#   jobs/bench-rasters.sh [CASE...]    cases: slide0 slide2 cog0 cog2 (default: all; the digit is
#                                      the level, haloconv's --level and vips' [page=N])
#
# Environment: WORK (scratch directory, default /tmp/haloconv-bench-rasters; inputs are generated
# there once and kept, each featurize output is deleted after its run), REPS (default 3), HEAP
# (--driver-memory, default 1g), SLIDE_SIDE (default 40000), COG_SIDE (default 20000), FLAGS (the
# featurize output settings, default "--stride 2 --padding same --activation relu --precision
# bfloat16": at stride 1 the slide's 16-channel map would be 51 GB of bfloat16, 102 GB of float32).
# Needs vips (libvips-tools), gdal-bin, and Debian's python3 with numpy, scikit-image and GDAL.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${WORK:-/tmp/haloconv-bench-rasters}
reps=${REPS:-3}
heap=${HEAP:-1g}
slide_side=${SLIDE_SIDE:-40000}
cog_side=${COG_SIDE:-20000}
flags=${FLAGS:-"--stride 2 --padding same --activation relu --precision bfloat16"}
py=/usr/bin/python3
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(slide0 slide2 cog0 cog2)
for tool in vips gdal_translate /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "bench-rasters: needs $tool" >&2; exit 2; }
done
mkdir -p "$work"
results=$root/target/bench-rasters
mkdir -p "$results"
"$root/jobs/haloconv" --version > /dev/null # builds target/haloconv.jar on first use

echo "bench-rasters: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), free disk $(df -h "$work" | awk 'NR==2{print $4}')" >&2

# --- inputs -----------------------------------------------------------------------------------
slide=$work/slide-${slide_side}.tif
cog=$work/cog-${cog_side}.tif

# The slide: a 4000x4000 mosaic of stained-tissue and retina photos (scikit-image's
# immunohistochemistry and retina), flipped, turned and noised, repeated 10x10 by vips (a period
# that is no multiple of the 256-pixel tile, so no two tiles of a row are alike) straight into a
# JPEG-tiled BigTIFF pyramid, as an Aperio scanner writes (YCbCr JPEG tiles with JPEGTables, each
# page half the one before).
make_slide() {
  [ -f "$slide" ] && return
  echo "bench-rasters: generating $slide" >&2
  local base=$work/slide-base.png period=$((slide_side / 10))
  [ $((period * 10)) -eq "$slide_side" ] || { echo "bench-rasters: SLIDE_SIDE must be a multiple of 10" >&2; exit 2; }
  "$py" - "$base" "$period" <<'PY'
import sys
import numpy as np
from PIL import Image
from skimage import data
out, side = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(13)
photos = [data.immunohistochemistry(), data.retina()]
canvas = np.zeros((side, side, 3), np.float32)
for y in range(0, side, 400):
    for x in range(0, side, 400):
        p = photos[rng.integers(len(photos))]
        h = min(512, side - y); w = min(512, side - x)
        oy = rng.integers(p.shape[0] - 512 + 1); ox = rng.integers(p.shape[1] - 512 + 1)
        patch = np.rot90(p[oy:oy + 512, ox:ox + 512], rng.integers(4))
        if rng.integers(2):
            patch = patch[:, ::-1]
        canvas[y:y + h, x:x + w] = patch[:h, :w]
canvas += rng.normal(0, 4, canvas.shape).astype(np.float32)
Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8)).save(out)
PY
  vips replicate "$base" \
      "$slide[compression=jpeg,Q=85,tile,tile-width=256,tile-height=256,pyramid,bigtiff]" 10 10
  rm -f "$base"
}

# The COG: a float32 elevation-like surface (a few long waves plus centimetre noise), EPSG:32633 at
# 10 m, written tiled by GDAL from numpy in bands of rows, then translated to a COG with ZSTD, the
# floating-point predictor and GDAL's automatic overviews (each half the one before).
make_cog() {
  [ -f "$cog" ] && return
  echo "bench-rasters: generating $cog" >&2
  local raw=$work/cog-raw.tif
  "$py" - "$raw" "$cog_side" <<'PY'
import sys
import numpy as np
from osgeo import gdal, osr
gdal.UseExceptions()
out, side = sys.argv[1], int(sys.argv[2])
ds = gdal.GetDriverByName("GTiff").Create(out, side, side, 1, gdal.GDT_Float32,
                                          ["TILED=YES", "BIGTIFF=YES"])
ds.SetGeoTransform([400000.0, 10.0, 0.0, 5200000.0, 0.0, -10.0])
srs = osr.SpatialReference(); srs.ImportFromEPSG(32633)
ds.SetProjection(srs.ExportToWkt())
band = ds.GetRasterBand(1)
rng = np.random.default_rng(13)
x = np.arange(side, dtype=np.float32)
waves = [(a, fx, fy, ph) for a, fx, fy, ph in zip(rng.uniform(20, 300, 6), rng.uniform(-3e-3, 3e-3, 6),
                                                  rng.uniform(-3e-3, 3e-3, 6), rng.uniform(0, 6.3, 6))]
for y0 in range(0, side, 1024):
    y = np.arange(y0, min(side, y0 + 1024), dtype=np.float32)[:, None]
    z = np.full((y.shape[0], side), 800.0, np.float32)
    for a, fx, fy, ph in waves:
        z += np.float32(a) * np.sin(np.float32(fx) * x[None, :] + np.float32(fy) * y + np.float32(ph))
    z += rng.normal(0, 0.05, z.shape).astype(np.float32)
    band.WriteArray(z, 0, y0)
ds = None
PY
  gdal_translate -q -of COG -co COMPRESS=ZSTD -co PREDICTOR=3 -co BLOCKSIZE=512 -co BIGTIFF=YES \
      -ot Float32 "$raw" "$cog"
  rm -f "$raw"
}

input_of() { case "$1" in slide*) echo "$slide" ;; cog*) echo "$cog" ;; esac; }
bank_of() { case "$1" in slide*) echo "random:16,3,3" ;; cog*) echo "random:16,1,3" ;; esac; }
level_of() { echo "${1: -1}"; }

for case in "${cases[@]}"; do
  case "$case" in slide0|slide2|cog0|cog2) ;; *) echo "bench-rasters: unknown case $case" >&2; exit 2 ;; esac
  case "$case" in slide*) make_slide ;; cog*) make_cog ;; esac
done
for case in "${cases[@]}"; do
  "$root/jobs/haloconv" probe "$(input_of "$case")" --level "$(level_of "$case")" \
      > "$results/$case.probe" 2>&1
  cat "$results/$case.probe" >&2
done
# Both tools then read the files from the page cache.
for file in $( (for case in "${cases[@]}"; do input_of "$case"; done) | sort -u); do
  cat "$file" > /dev/null
done

# --- measurements -------------------------------------------------------------------------------
# One line per run in runs.tsv: case, tool, repetition, load average (1 min) at the start, wall s,
# peak RSS kB, exit code (haloconv: 1 also when the image failed), job s (haloconv's manifest,
# after JVM start), output bytes, vips' mean or haloconv's split of task time.
runs=$results/runs.tsv
: > "$runs"
out=$work/out
for ((r = 1; r <= reps; r++)); do
  for case in "${cases[@]}"; do
    input=$(input_of "$case")
    level=$(level_of "$case")
    log=$results/$case.$r
    load=$(cut -d' ' -f1 /proc/loadavg)
    rc=0
    /usr/bin/time -v vips avg "$input[page=$level]" > "$log.vips.out" 2> "$log.vips.err" || rc=$?
    "$py" - vips "$case" "$r" "$load" "$rc" "$log.vips" >> "$runs" <<'PY'
import re, sys
tool, case, rep, load, rc, log = sys.argv[1:]
err = open(log + ".err").read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1)
secs = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)
print("\t".join([case, tool, rep, load, "%.2f" % secs, rss, rc, "", "", open(log + ".out").read().strip()]))
PY
    load=$(cut -d' ' -f1 /proc/loadavg)
    rc=0
    rm -rf "$out"
    # shellcheck disable=SC2086
    /usr/bin/time -v "$root/jobs/haloconv" featurize --input "$input" --level "$level" \
        --filters "$(bank_of "$case")" $flags --master 'local[2]' --driver-memory "$heap" \
        --output "$out" --overwrite > "$log.haloconv.out" 2> "$log.haloconv.err" || rc=$?
    [ -f "$out/_manifest.json" ] && cp "$out/_manifest.json" "$log.manifest.json"
    # Bad records, if any, kept for the report.
    [ -d "$out/_errors" ] && find "$out/_errors" -name '*.parquet' -size +0 | head -1 | grep -q . &&
      cp -r "$out/_errors" "$log.errors"
    rm -rf "$out"
    "$py" - haloconv "$case" "$r" "$load" "$rc" "$log" >> "$runs" <<'PY'
import json, os, re, sys
tool, case, rep, load, rc, log = sys.argv[1:]
err = open(log + ".haloconv.err").read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1)
secs = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)
job = out_bytes = split = ""
if os.path.exists(log + ".manifest.json"):
    m = json.load(open(log + ".manifest.json"))
    t = m["seconds"]
    job = "%.2f" % t["total"]
    out_bytes = str(m["counts"]["output_bytes"])
    if m["counts"]["images_failed"] and rc == "0":
        rc = "1"  # a bad record (see _errors/), not a measurement
    split = " / ".join("%.0f" % (100 * t[k] / (t["tasks"] or 1)) for k in
                       ("task_read", "task_convolve", "task_encode", "task_write_and_other"))
else:
    rc = rc if rc != "0" else "1"
print("\t".join([case, tool, rep, load, "%.2f" % secs, rss, rc, job, out_bytes, split]))
PY
  done
done

# --- table ----------------------------------------------------------------------------------------
"$py" - "$runs" "$results" "${cases[@]}" <<'PY'
import re, statistics, sys
runs, results, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = [l.rstrip("\n").split("\t") for l in open(runs)]
if not rows:
    sys.exit(0)
def size(case):
    m = re.search(r"size\s+(\d+)x(\d+)", open("%s/%s.probe" % (results, case)).read())
    return int(m.group(1)), int(m.group(2))
print("| input, level | size | megapixels | vips avg s | vips MP/s | vips peak RSS | haloconv s (job s) | haloconv MP/s | haloconv peak RSS | output MB | read / conv / encode / write+other % | haloconv / vips | load at starts | failed runs |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for case in cases:
    w, h = size(case)
    mp = w * h / 1e6
    v = [r for r in rows if r[0] == case and r[1] == "vips"]
    k = [r for r in rows if r[0] == case and r[1] == "haloconv"]
    good = lambda rs, i: [float(r[i]) for r in rs if r[6] == "0" and r[i]]
    med = lambda rs, i: statistics.median(good(rs, i)) if good(rs, i) else float("nan")
    spread = lambda rs, i: "%.1f–%.1f" % (min(good(rs, i)), max(good(rs, i))) if good(rs, i) else "-"
    failed = sum(r[6] != "0" for r in v + k)
    vs, ks = med(v, 4), med(k, 4)
    loads = ", ".join(r[3] for r in sorted(v + k, key=lambda r: (int(r[2]), r[1] != "vips")))
    ok = [r for r in k if r[6] == "0"]
    split = sorted(ok, key=lambda r: float(r[4]))[len(ok) // 2][9] if ok else ""
    print("| %s | %dx%d | %.0f | %.1f (%s) | %.1f | %.0f MB | %.1f (%.1f) (%s) | %.1f | %.0f MB | %.0f | %s | %.1f | %s | %d |" % (
        case, w, h, mp, vs, spread(v, 4), mp / vs, med(v, 5) / 1024, ks, med(k, 7), spread(k, 4),
        mp / ks, med(k, 5) / 1024, med(k, 8) / 1e6, split, ks / vs, loads, failed))
PY
echo "bench-rasters: raw runs in $runs" >&2
