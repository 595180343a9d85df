#!/usr/bin/env bash
# The kernel against the machine's FMA peak and against oneDNN, side by side in one run: for each
# repetition, thread count and shape, in turn: the FMA peak (`haloconv bench --peak-only`),
# haloconv's kernel as jobs choose it (`haloconv bench --only SHAPE`), the output-column kernel
# alone (`--kernel vector`, the kernel before the filter-lane one: "no shape slower than today"),
# oneDNN (jobs/bench/peer_bench.sh: oneDNN picks its layouts, channels-last or blocked, and only the
# convolution is timed) and oneDNN from and to NCHW planes as haloconv takes and gives them
# (PEER_LAYOUT=nchw-reorder: its reorders in and out are timed too). Prints every sample, then
# medians and ratios.
# Both programs time 5 batches of at least 0.2 s after warm-up and report the median batch and
# the best one. Ratios compare like with like: haloconv's median with oneDNN's median, and best
# with best. (Until 2026-12-07 this script set haloconv's median against oneDNN's best, which
# was all the peer program printed: a bias against haloconv wherever the machine is noisy.)
# Usage: jobs/bench-kernel.sh [REPETITIONS (3)] [THREADS ("1 2")] [SHAPES_FILE...]
# (default: jobs/bench/shapes.json and jobs/bench/shapes-deep.json). Needs g++ and libdnnl-dev.
# Environment: WITH_VECTOR=0 skips the --kernel vector runs; ONLY=NAME,... keeps those shapes;
# AVX2=1 runs both programs as on a machine with AVX2 and no AVX-512 (haloconv's JVM with
# -XX:UseAVX=2: 8-float vectors and 16 vector registers; oneDNN with ONEDNN_MAX_CPU_ISA=AVX2).
set -euo pipefail
# shellcheck source=jobs/lib/spark.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/spark.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-3}
threads_list=${2:-1 2}
shift $(($# < 2 ? $# : 2))
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$root/jobs/bench/shapes.json" "$root/jobs/bench/shapes-deep.json")
with_vector=${WITH_VECTOR:-1}
hc="$root/jobs/haloconv"
if [ "${AVX2:-0}" = 1 ]; then
  export HALOCONV_JAVA_OPTS="${HALOCONV_JAVA_OPTS:-} -XX:UseAVX=2"
  export ONEDNN_MAX_CPU_ISA=AVX2
fi
out=$(mktemp -d /tmp/bench-kernel.XXXXXX)
samples=$out/samples.tsv
hc_build_once 2>/dev/null # the build every run below measures

# haloconv bench's line: name split ms GFLOP/s spread min..max -> "median best" GFLOP/s.
gflops() { awk -v n="$1" '$1 == n { split($6, r, "\\.\\."); printf "%s %.1f\n", $4, $4 * $3 / r[1]; exit }'; }
# oneDNN's line: name impl best-ms best-GFLOP/s median-ms median-GFLOP/s -> "median best" GFLOP/s.
peer_gflops() { printf '%s\n' "$1" | awk -F'\t' '{ split($4, b, " "); split($6, m, " "); print m[1], b[1] }'; }
echo "# bench-kernel: $(date -u +%FT%TZ), $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# load at start: $(uptime | sed 's/.*load average: //')${AVX2:+; AVX2=$AVX2}"
printf 'rep\tthreads\tshape\twhat\tGFLOP/s\tload1\n'
for ((rep = 1; rep <= reps; rep++)); do
  for t in $threads_list; do
    for file in "${files[@]}"; do
      for name in $(python3 -c 'import json,sys; print(" ".join(s["name"] for s in json.load(open(sys.argv[1]))))' "$file"); do
        if [ -n "${ONLY:-}" ] && [[ ",$ONLY," != *",$name,"* ]]; then continue; fi
        load=$(cut -d' ' -f1 /proc/loadavg)
        peak=$("$hc" bench --peak-only --threads "$t" --repeats 3 2>/dev/null | awk '$1 == "fma_peak" { print $4 }')
        read -r auto auto_best < <("$hc" bench --shapes "$file" --only "$name" --threads "$t" --repeats 5 2>/dev/null | gflops "$name")
        vector=-
        if [ "$with_vector" = 1 ]; then
          read -r vector _ < <("$hc" bench --kernel vector --shapes "$file" --only "$name" --threads "$t" --repeats 5 2>/dev/null | gflops "$name")
        fi
        line=$(PEER_SAMPLES=5 bash "$root/jobs/bench/peer_bench.sh" "$t" "$file" "$name")
        read -r peer peer_best < <(peer_gflops "$line")
        printf '%s\t%s\n' "$name" "$(printf '%s\n' "$line" | cut -f2)" >>"$out/impl.tsv"
        line=$(PEER_LAYOUT=nchw-reorder bash "$root/jobs/bench/peer_bench.sh" "$t" "$file" "$name")
        case "$line" in
          *+reorders*) ;;
          *) echo "bench-kernel.sh: the oneDNN binary did not time its reorders: $line" >&2; exit 1 ;;
        esac
        read -r planar _ < <(peer_gflops "$line")
        for pair in "peak $peak" "haloconv $auto" "haloconv_best $auto_best" "vector $vector" "onednn $peer" "onednn_best $peer_best" "onednn_nchw $planar"; do
          set -- $pair
          [ "$2" = - ] && continue
          printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$t" "$name" "$1" "$2" "$load" | tee -a "$samples"
        done
      done
    done
  done
done
echo "# load at end: $(uptime | sed 's/.*load average: //')"
echo
python3 - "$samples" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
order = []
for line in open(sys.argv[1]):
    rep, t, name, what, g, load = line.rstrip("\n").split("\t")
    if (t, name) not in order:
        order.append((t, name))
    rows[(t, name, what)].append(float(g))
def med(t, n, w):
    v = rows.get((t, n, w))
    return statistics.median(v) if v else None
print("medians over repetitions (GFLOP/s) and ratios. Each repetition gives every program's median batch and its best")
print("batch; hc = haloconv as jobs choose its kernel, vector = the output-column kernel alone, onednn = oneDNN in its own")
print("layouts (the convolution alone), nchw = oneDNN from and to NCHW planes (reorders timed). hc/onednn: median with")
print("median; best: best with best; mixed: haloconv's median with oneDNN's best (this script's ratio before 2026-12-07)")
print(f"{'threads':>7} {'shape':<24} {'peak':>7} {'hc':>7} {'hc best':>7} {'vector':>7} {'onednn':>7} {'dnn best':>8} {'nchw':>7} {'hc/onednn':>9} {'best':>5} {'mixed':>5} {'hc/nchw':>7} {'hc/vector':>9} {'hc/peak':>7} {'onednn/peak':>11} {'n':>2}")
for t, n in order:
    p, h, hb, v, o, ob, q = (med(t, n, w) for w in ("peak", "haloconv", "haloconv_best", "vector", "onednn", "onednn_best", "onednn_nchw"))
    f = lambda x, w=7: f"{x:{w}.1f}" if x else f"{'-':>{w}}"
    r = lambda a, b, w: f"{a / b:{w}.2f}" if a and b else f"{'-':>{w}}"
    print(f"{t:>7} {n:<24} {f(p)} {f(h)} {f(hb)} {f(v)} {f(o)} {f(ob, 8)} {f(q)} {r(h, o, 9)} {r(hb, ob, 5)} {r(h, ob, 5)} {r(h, q, 7)} {r(h, v, 9)} {r(h, p, 7)} {r(o, p, 11)} {len(rows[(t, n, 'haloconv')]):>2}")
PY
echo
echo "oneDNN's implementations (ONEDNN_VERBOSE names the same):"
sort -u "$out/impl.tsv" | sed 's/^/  /'
echo "(samples in $samples)"
