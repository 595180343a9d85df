#!/usr/bin/env bash
# Benchmark, not a test (issue 14): the whole featurize job on three workloads, against each stage
# alone and against what a user would run instead, with a CPU profile split into stages.
#
#   jobs/bench-job.sh [CASE...]     cases: gigapixel small photos (default: all three)
#
# Workloads (generated once under $WORK, never committed; jobs/bench/make_job_inputs.py):
#   gigapixel  `vips replicate` of a 4096² mosaic of real photos, 8 × 8: a 32768² RGB BigTIFF of
#              512² Deflate tiles (1.07 gigapixels, 1.9 GB)
#   small      100,000 JPEGs and PNGs (half each), 64–256 px a side, in 100 directories
#   photos     2,000 JPEGs of 1–4 megapixels (quality 90)
# Every case runs the same bank and spec: 16 filters 3×3 (data/banks/random16.npz), stride 2,
# padding 1, ReLU, bfloat16, zstd; local[2] with --driver-memory 2g.
#
# For each case, REPS times, alternating so load changes hit both sides alike:
#   - the reference: `vips avg` (gigapixel: decoding the file alone, 2 threads), or PyTorch + PIL
#     in a 2-worker DataLoader writing .npy (photos, jobs/bench/torch_pipeline.py);
#   - `haloconv featurize` under /usr/bin/time -v: wall seconds, CPU seconds, peak RSS.
# Then once: each stage alone on the same tiles (io.haloconv.cli.BenchStages: decode, convolve,
# encode + Parquet write, each on 2 threads), whose sum is the stage-sum limit; and one more job
# under async-profiler (Maven Central's tools.profiler:async-profiler, CPU samples of every thread,
# Java and native frames) split into stages by jobs/bench/profile_stages.py.
#
# Environment: WORK (default /tmp/haloconv-bench-job), REPS (default 3), HEAP (default 2g),
# SMALL_FILES (100000), PHOTOS (2000), PROFILE=0 to skip the profile, STAGES=0 to skip the
# stages alone. Needs vips (libvips-tools), /usr/bin/python3 with numpy, PIL, scikit-image and
# (photos) torch. Results: target/bench-job/.
set -euo pipefail
# shellcheck source=jobs/lib/spark.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/spark.sh"
root=$hc_root
work=${WORK:-/tmp/haloconv-bench-job}
reps=${REPS:-3}
heap=${HEAP:-2g}
small_files=${SMALL_FILES:-100000}
photo_files=${PHOTOS:-2000}
py=/usr/bin/python3
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(gigapixel small photos)
results=$root/target/bench-job
mkdir -p "$work" "$results"

hc_build_once # the build every run below measures
mapfile -t java_opts < <(hc_jvm_options)
classpath="$root/target/haloconv.jar:$(cat "$root/target/classpath.txt")"
flags=(--filters "$root/data/banks/random16.npz" --stride 2 --padding 1 --activation relu
       --precision bfloat16)
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "bench-job: $(nproc) cores, load $(load), free disk $(df -h "$work" | awk 'NR==2{print $4}')" >&2

# --- inputs -----------------------------------------------------------------------------------
make_input() {
  case "$1" in
    gigapixel)
      [ -f "$work/gp.tif" ] && return
      command -v vips > /dev/null || { echo "bench-job: needs vips (libvips-tools)" >&2; exit 2; }
      echo "bench-job: generating $work/gp.tif" >&2
      "$py" "$root/jobs/bench/make_job_inputs.py" photo "$work/photo4096.png" 4096
      vips replicate "$work/photo4096.png" \
          "$work/gp.tif[tile,tile-width=512,tile-height=512,compression=deflate,bigtiff]" 8 8 ;;
    small|photos)
      local count=$small_files
      [ "$1" = photos ] && count=$photo_files
      [ -f "$work/$1/.done" ] && return
      echo "bench-job: generating $count files in $work/$1" >&2
      rm -rf "${work:?}/$1"
      "$py" "$root/jobs/bench/make_job_inputs.py" "$1" "$work/$1" "$count"
      touch "$work/$1/.done" ;;
  esac
}
input_of() { case "$1" in gigapixel) echo "$work/gp.tif" ;; *) echo "$work/$1" ;; esac; }

profiler() {
  local lib=$results/async-profiler/linux-x64/libasyncProfiler.so
  if [ ! -f "$lib" ]; then
    (cd "$root" && mvn -B -q -ntp dependency:copy \
        -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 \
        -DoutputDirectory="$results/async-profiler" > /dev/null)
    (cd "$results/async-profiler" && unzip -o -q async-profiler-4.1-linux-x64.jar 'linux-x64/*')
  fi
  echo "$lib"
}

# /usr/bin/time -v's wall, CPU and peak RSS of a log, as "wall cpu rss_mb".
usage() {
  "$py" - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def f(p): return re.search(p, t).group(1)
w = f(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)").split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
cpu = float(f(r"User time \(seconds\): ([\d.]+)")) + float(f(r"System time \(seconds\): ([\d.]+)"))
print("%.2f %.2f %.0f" % (wall, cpu, int(f(r"Maximum resident set size \(kbytes\): (\d+)")) / 1024))
PY
}

featurize() { # OUT LOG [extra HALOCONV_JAVA_OPTS]
  rm -rf "$1"
  HALOCONV_JAVA_OPTS="${3:-}" /usr/bin/time -v "$root/jobs/haloconv" featurize \
      --input "$input" "${flags[@]}" --master 'local[2]' --driver-memory "$heap" \
      --output "$1" --overwrite > "$2.out" 2> "$2.err"
  cp "$1/_manifest.json" "$2.manifest.json"
  du -sb "$1" | cut -f1 > "$2.bytes"
  rm -rf "$1"
}

reference() { # CASE LOG
  case "$1" in
    gigapixel) /usr/bin/time -v vips avg "$input" > "$2.out" 2> "$2.err" ;;
    photos)
      rm -rf "$work/torch-out"
      /usr/bin/time -v "$py" -W ignore "$root/jobs/bench/torch_pipeline.py" "$input" \
          "$root/data/banks/random16.npz" "$work/torch-out" 2 1 > "$2.out" 2> "$2.err"
      du -sb "$work/torch-out" | cut -f1 > "$2.bytes"
      rm -rf "$work/torch-out" ;;
    *) return 1 ;;
  esac
}

for case in "${cases[@]}"; do
  make_input "$case"
  input=$(input_of "$case")
  log=$results/$case
  echo "bench-job: $case, $reps runs, load $(load)" >&2
  for r in $(seq 1 "$reps"); do
    if reference "$case" "$log.ref$r"; then
      echo "  reference $r: $(usage "$log.ref$r.err")" >&2
    fi
    featurize "$work/out-$case" "$log.job$r"
    echo "  haloconv  $r: $(usage "$log.job$r.err") (wall CPU RSS), load $(load)" >&2
  done
  if [ "${STAGES:-1}" = 1 ]; then
    "$hc_java" "${java_opts[@]}" "-Xmx$heap" "-Dlog4j2.configurationFile=$root/conf/log4j2.properties" \
        "-Dhaloconv.conf.dir=$root/conf" -Dspark.driver.host=127.0.0.1 \
        -Dspark.driver.bindAddress=127.0.0.1 -cp "$classpath" io.haloconv.cli.BenchStages \
        --input "$input" "${flags[@]}" --master 'local[2]' --output "$work/out-stages" \
        --overwrite > "$log.stages.out" 2> "$log.stages.err"
    grep -E '^ *(decode|kernel|encode|write|stage)' "$log.stages.out" >&2 || true
  fi
  if [ "${PROFILE:-1}" = 1 ]; then
    lib=$(profiler)
    featurize "$work/out-$case" "$log.prof" \
        "-agentpath:$lib=start,event=cpu,interval=10ms,threads,file=$log.collapsed,collapsed"
    read -r _ cpu _ <<< "$(usage "$log.prof.err")"
    "$py" "$root/jobs/bench/profile_stages.py" "$log.collapsed" "$cpu" > "$log.profile.md"
    cat "$log.profile.md" >&2
  fi
done

# --- the table ------------------------------------------------------------------------------------
"$py" - "$results" "$reps" "${cases[@]}" <<'PY'
import json, os, re, statistics, subprocess, sys
results, reps, cases = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def usage(path):
    t = open(path).read()
    f = lambda p: re.search(p, t).group(1)
    w = f(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)").split(":")
    wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
    cpu = float(f(r"User time \(seconds\): ([\d.]+)")) + float(f(r"System time \(seconds\): ([\d.]+)"))
    return wall, cpu, int(f(r"Maximum resident set size \(kbytes\): (\d+)")) / 1024
med = statistics.median
print("| workload | haloconv wall s | job s (manifest) | CPU s | peak RSS MB | files/s | reference s | haloconv / reference | stages alone: decode / convolve / encode+write s | haloconv / stage sum |")
print("|---|---|---|---|---|---|---|---|---|---|")
for case in cases:
    jobs = [usage(f"{results}/{case}.job{r}.err") for r in range(1, reps + 1)]
    man = [json.load(open(f"{results}/{case}.job{r}.manifest.json")) for r in range(1, reps + 1)]
    total = med(m["seconds"]["total"] for m in man)
    files = man[0]["counts"]["images_written"] + man[0]["counts"]["images_failed"]
    ref = ""
    ratio = ""
    if os.path.exists(f"{results}/{case}.ref1.err"):
        refs = [usage(f"{results}/{case}.ref{r}.err")[0] for r in range(1, reps + 1)]
        ref = "%.1f" % med(refs)
        ratio = "%.2f (per run: %s)" % (med(j[0] / r for j, r in zip(jobs, refs)),
                                        ", ".join("%.2f" % (j[0] / r) for j, r in zip(jobs, refs)))
    stages = ""
    vs_stages = ""
    p = f"{results}/{case}.stages.out"
    if os.path.exists(p):
        s = json.loads(re.search(r"stages-json (\{.*\})", open(p).read()).group(1))
        stage_sum = s["decode_s"] + s["kernel_s"] + s["write_s"]
        stages = "%.1f / %.1f / %.1f (sum %.1f)" % (s["decode_s"], s["kernel_s"], s["write_s"], stage_sum)
        vs_stages = "%.2f" % (total / stage_sum)
    print("| %s | %.1f | %.1f | %.1f | %.0f | %.0f | %s | %s | %s | %s |" % (
        case, med(j[0] for j in jobs), total, med(j[1] for j in jobs), max(j[2] for j in jobs),
        files / total, ref, ratio, stages, vs_stages))
PY
