#!/usr/bin/env bash
# Benchmark, not a test: generates large inputs and featurizes them on local[2] with a 2 GB heap,
# then measures each stage alone on the same tiles (decode alone, kernel alone, encode + Parquet
# write alone; io.haloconv.cli.BenchStages) and prints one Markdown table row per input:
# megapixels/s in, MB/s out, peak RSS (embedded mode: driver and executors share one JVM), the
# split of task time, and end-to-end throughput against the slowest stage alone.
#
#   jobs/bench-large.sh [CASE...]     cases: gigapixel strips png jpeg smallfiles (default: all)
#
# Environment: WORK (scratch directory, default /tmp/haloconv-bench-large; inputs are generated
# there once and kept, outputs are deleted after each case), SIDE (gigapixel side, default 32768),
# FILES (small files, default 100000), HEAP (default 2g), KEEP_INPUTS=0 to delete inputs at the end.
# Needs vips (apt-get install -y libvips-tools) for the strip TIFF, PNG and JPEG inputs, python3
# for the tables.
set -euo pipefail
# shellcheck source=jobs/lib/spark.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/spark.sh"
root=$hc_root
work=${WORK:-/tmp/haloconv-bench-large}
side=${SIDE:-32768}
files=${FILES:-100000}
heap=${HEAP:-2g}
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(gigapixel strips png jpeg smallfiles)
mkdir -p "$work"
results=$root/target/bench-large
mkdir -p "$results"

hc_build_once # the build every run below measures
mapfile -t java_opts < <(hc_jvm_options)
classpath="$root/target/haloconv.jar:$(cat "$root/target/classpath.txt")"

echo "bench-large: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), free disk $(df -h "$work" | awk 'NR==2{print $4}')" >&2

# --- inputs -----------------------------------------------------------------------------------
scene=$work/scene-${side}.tif     # tiled 256x256 Deflate BigTIFF, RGB
small_side=$((side / 4))          # strips, PNG and JPEG: a sixteenth of the gigapixel
strips=$work/scene-${small_side}-strips.tif
png=$work/scene-${small_side}.png
jpeg=$work/scene-${small_side}.jpg
smalldir=$work/small-${files}

make_scene() {
  [ -f "$scene" ] && return
  echo "bench-large: generating $scene" >&2
  # A photo texture repeated, each copy offset, plus noise: no two tiles (or feature rows) alike.
  "$hc_java" -cp "$classpath" io.haloconv.bench.SyntheticImages tiff "$scene" "$side" "$side" \
      --bigtiff --tile 256 --source "$root/data/images/texture.png"
}

# Strips, PNG and JPEG: the top-left sixteenth of the scene, converted by vips in one streaming
# pass each.
make_derived() {
  local target=$1 options=$2
  [ -f "$target" ] && return
  command -v vips > /dev/null || { echo "bench-large: needs vips (libvips-tools)" >&2; exit 2; }
  make_scene
  echo "bench-large: generating $target" >&2
  vips crop "$scene" "$target$options" 0 0 "$small_side" "$small_side"
}

make_input() {
  case "$1" in
    gigapixel) make_scene ;;
    strips) make_derived "$strips" "[compression=deflate]" ;;
    png) make_derived "$png" "[compression=1]" ;;
    jpeg) make_derived "$jpeg" "[Q=90]" ;;
    smallfiles)
      if [ ! -f "$smalldir/.done" ]; then
        echo "bench-large: generating $files crops in $smalldir" >&2
        rm -rf "$smalldir"
        "$hc_java" -cp "$classpath" io.haloconv.bench.SyntheticImages crops "$root/data/images" \
            "$smalldir" "$files" 32 512
        touch "$smalldir/.done"
      fi ;;
  esac
}

input_of() {
  case "$1" in
    gigapixel) echo "$scene" ;; strips) echo "$strips" ;; png) echo "$png" ;;
    jpeg) echo "$jpeg" ;; smallfiles) echo "$smalldir" ;;
  esac
}

# The bank and output settings of each case. The gigapixel is the issue's: 16 filters of 3x3 on
# RGB; bfloat16 halves its 69 GB of float32 features. Small files get Sobel (2 filters) so their
# 3 gigapixels stay within this machine's disk.
flags_of() {
  case "$1" in
    smallfiles) echo "--filters preset:sobel --padding same --precision float16" ;;
    *) echo "--filters random:16,3,3 --padding same --activation relu --precision bfloat16" ;;
  esac
}

# --- measurements -------------------------------------------------------------------------------
printf '| input | megapixels | job s | MP/s in | MB/s out | peak RSS | read / conv / encode / write+other | decode alone MP/s | kernel alone MP/s | encode+write alone MP/s | end-to-end / slowest |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
for case in "${cases[@]}"; do
  make_input "$case"
  input=$(input_of "$case")
  # shellcheck disable=SC2046
  flags=($(flags_of "$case"))
  out=$work/out-$case
  log=$results/$case
  rm -rf "$out"
  /usr/bin/time -v "$root/jobs/haloconv" featurize --input "$input" "${flags[@]}" \
      --master 'local[2]' --driver-memory "$heap" --output "$out" --overwrite \
      > "$log.job.out" 2> "$log.job.err"
  cp "$out/_manifest.json" "$log.manifest.json"
  rm -rf "$out"
  "$hc_java" "${java_opts[@]}" "-Xmx$heap" "-Dlog4j2.configurationFile=$root/conf/log4j2.properties" \
      "-Dhaloconv.conf.dir=$root/conf" -Dspark.driver.host=127.0.0.1 \
      -Dspark.driver.bindAddress=127.0.0.1 -cp "$classpath" io.haloconv.cli.BenchStages \
      --input "$input" "${flags[@]}" --master 'local[2]' --output "$out-stages" --overwrite \
      > "$log.stages.out" 2> "$log.stages.err"
  python3 - "$case" "$log" <<'PY'
import json, re, sys
case, log = sys.argv[1], sys.argv[2]
m = json.load(open(log + ".manifest.json"))
s = json.loads(re.search(r"stages-json (\{.*\})", open(log + ".stages.out").read()).group(1))
err = open(log + ".job.err").read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
t = m["seconds"]
mp = s["megapixels"]
out_mb = m["counts"]["output_bytes"] / 1e6
tasks = t["tasks"] or 1
split = "%.0f / %.0f / %.0f / %.0f %%" % tuple(100 * t[k] / tasks for k in
    ("task_read", "task_convolve", "task_encode", "task_write_and_other"))
slowest = min(s["decode_mps"], s["kernel_mps"], s["write_mps"])
e2e = mp / t["total"]
print("| %s | %.0f | %.1f | %.1f | %.1f | %.0f MB | %s | %.1f | %.1f | %.1f | %.0f %% |" % (
    case, mp, t["total"], e2e, out_mb / t["total"], rss, split, s["decode_mps"],
    s["kernel_mps"], s["write_mps"], 100 * e2e / slowest))
PY
done
if [ "${KEEP_INPUTS:-1}" = 0 ]; then
  rm -rf "$work"
fi
