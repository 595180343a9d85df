#!/usr/bin/env bash
# Benchmark, not a test: real-tool rasters read by window (issue 13, item 6). Generates, once, an
# SVS-like slide (a 40,000 x 40,000 RGB BigTIFF pyramid of 256x256 JPEG tiles, written by vips) and
# a 20,000 x 20,000 float32 Cloud-Optimized GeoTIFF (ZSTD, floating-point predictor, overviews;
# written by GDAL), then runs, alternately and REPS times, `vips avg` on a level and haloconv
# featurize of the same level (a 16x3x3 bank on the slide, 16x1x3 on the COG) with a 1 GB heap,
# and prints a Markdown table of medians: wall and CPU seconds, megapixels/s of the level's input,
# peak RSS, and haloconv / vips.
#
#   jobs/bench-rasters.sh [CASE...]    cases: slideN, cogN, N the level (haloconv's --level N,
#                                      vips' [page=N]); default: slide0 slide2 cog0 cog2
#
# Environment: WORK (scratch directory, default /tmp/haloconv-bench-rasters; inputs are generated
# there once and kept, each featurize output is deleted after its run), REPS (default 3), HEAP
# (--driver-memory, default 1g), SLIDE_SIDE (default 40000), COG_SIDE (default 20000), FLAGS (the
# featurize output settings, default "--stride 2 --padding same --activation relu --precision
# bfloat16": at stride 1 the slide's 16-channel map would be 51 GB of bfloat16, 102 GB of float32),
# RESULTS (logs, runs.tsv, default target/bench-rasters), TABLE_ONLY=1 (print the table of the
# runs in RESULTS again, run nothing).
# Needs vips (libvips-tools), gdal-bin, and Debian's python3 with numpy, scikit-image and GDAL.
set -euo pipefail
# shellcheck source=jobs/lib/spark.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/spark.sh"
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
results=${RESULTS:-$root/target/bench-rasters}
mkdir -p "$results"
hc_build_once # the build every run below measures

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
level_of() { echo "${1##*[a-z]}"; }

for case in "${cases[@]}"; do
  [[ "$case" =~ ^(slide|cog)[0-9]+$ ]] || { echo "bench-rasters: unknown case $case" >&2; exit 2; }
  case "$case" in slide*) make_slide ;; cog*) make_cog ;; esac
done
for case in "${cases[@]}"; do
  "$root/jobs/haloconv" probe "$(input_of "$case")" --level "$(level_of "$case")" \
      > "$results/$case.probe" 2>&1
  cat "$results/$case.probe" >&2
done
# Both tools then read the files from the page cache.
[ "${TABLE_ONLY:-0}" = 1 ] || for file in $( (for case in "${cases[@]}"; do input_of "$case"; done) | sort -u); do
  cat "$file" > /dev/null
done

# --- measurements -------------------------------------------------------------------------------
# One line per run in runs.tsv: case, tool, repetition, load average (1 min) at its start, exit
# code; the rest (wall and CPU seconds, peak RSS, haloconv's manifest) is read from the logs.
runs=$results/runs.tsv
out=$work/out
if [ "${TABLE_ONLY:-0}" != 1 ]; then
  : > "$runs"
  for ((r = 1; r <= reps; r++)); do
    for case in "${cases[@]}"; do
      input=$(input_of "$case")
      level=$(level_of "$case")
      log=$results/$case.$r
      rc=0
      load=$(cut -d' ' -f1 /proc/loadavg)
      /usr/bin/time -v vips avg "$input[page=$level]" > "$log.vips.out" 2> "$log.vips.err" || rc=$?
      printf '%s\tvips\t%s\t%s\t%s\n' "$case" "$r" "$load" "$rc" >> "$runs"
      rc=0
      rm -rf "$out" "$log.manifest.json"
      load=$(cut -d' ' -f1 /proc/loadavg)
      # shellcheck disable=SC2086
      /usr/bin/time -v "$root/jobs/haloconv" featurize --input "$input" --level "$level" \
          --filters "$(bank_of "$case")" $flags --master 'local[2]' --driver-memory "$heap" \
          --output "$out" --overwrite > "$log.haloconv.out" 2> "$log.haloconv.err" || rc=$?
      printf '%s\thaloconv\t%s\t%s\t%s\n' "$case" "$r" "$load" "$rc" >> "$runs"
      [ -f "$out/_manifest.json" ] && cp "$out/_manifest.json" "$log.manifest.json"
      rm -rf "$out"
    done
  done
fi

# --- table ----------------------------------------------------------------------------------------
# Medians over the runs that succeeded (exit code 0 and, for haloconv, no failed image); the
# spread of wall seconds in brackets; CPU s is user + system time (what the load on a shared machine
# disturbs least); the split of haloconv's task time is the median run's.
"$py" - "$runs" "$results" "${cases[@]}" <<'PY'
import json, os, re, statistics, sys
runs, results, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = []
for line in open(runs):
    case, tool, rep, load, rc = line.split()
    log = "%s/%s.%s.%s" % (results, case, rep, tool)
    err = open(log + ".err").read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1)
    r = dict(case=case, tool=tool, rep=int(rep), load=load, rc=rc,
             wall=sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":")))),
             cpu=sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): (\S+)", err)),
             rss=int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024)
    manifest = "%s/%s.%s.manifest.json" % (results, case, rep)
    if tool == "haloconv":
        if not os.path.exists(manifest):
            r["rc"] = rc if rc != "0" else "no manifest"
        else:
            m = json.load(open(manifest))
            t = m["seconds"]
            r["job"], r["out"] = t["total"], m["counts"]["output_bytes"] / 1e6
            if m["counts"]["images_failed"]:
                r["rc"] = "failed image"  # a bad record in _errors/, not a measurement
            r["split"] = " / ".join("%.0f" % (100 * t[k] / (t["tasks"] or 1)) for k in
                                    ("task_read", "task_convolve", "task_encode", "task_write_and_other"))
    rows.append(r)
if not rows:
    sys.exit(0)
def size(case):
    m = re.search(r"size\s+(\d+)x(\d+)", open("%s/%s.probe" % (results, case)).read())
    return int(m.group(1)), int(m.group(2))
print("| input, level | size | MP | vips avg s | vips MP/s | vips CPU s | vips peak RSS "
      "| haloconv s | job s | haloconv MP/s | haloconv CPU s | haloconv peak RSS | output MB "
      "| read / conv / encode / write+other % | haloconv / vips, wall | haloconv / vips, CPU "
      "| load at starts (vips, haloconv) | failed runs |")
print("|" + "---|" * 18)
for case in cases:
    w, h = size(case)
    mp = w * h / 1e6
    v = [r for r in rows if r["case"] == case and r["tool"] == "vips"]
    k = [r for r in rows if r["case"] == case and r["tool"] == "haloconv"]
    vok, kok = [r for r in v if r["rc"] == "0"], [r for r in k if r["rc"] == "0"]
    med = lambda rs, key: statistics.median(r[key] for r in rs) if rs else float("nan")
    spread = lambda rs: "%.1f–%.1f" % (min(r["wall"] for r in rs), max(r["wall"] for r in rs)) if rs else "-"
    failed = ["%s %d: %s" % (r["tool"], r["rep"], r["rc"]) for r in v + k if r["rc"] != "0"]
    loads = "; ".join("%s, %s" % (a["load"], b["load"]) for a, b in zip(v, k))
    split = sorted(kok, key=lambda r: r["wall"])[(len(kok) - 1) // 2]["split"] if kok else ""
    vs, ks, vc, kc = med(vok, "wall"), med(kok, "wall"), med(vok, "cpu"), med(kok, "cpu")
    print("| %s | %d×%d | %.0f | %.1f (%s) | %.1f | %.1f | %.0f MB | %.1f (%s) | %.1f | %.1f | %.1f "
          "| %.0f MB | %.0f | %s | %.1f | %.1f | %s | %s |" % (
        case, w, h, mp, vs, spread(vok), mp / vs, vc, med(vok, "rss"), ks, spread(kok),
        med(kok, "job"), mp / ks, kc, med(kok, "rss"), med(kok, "out"), split, ks / vs, kc / vc,
        loads, ", ".join(failed) or "0"))
PY
echo "bench-rasters: raw runs in $runs, logs beside it" >&2
