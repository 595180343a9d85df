#!/usr/bin/env bash
# Benchmark, not a test: runs the featurize job on every golden image case (each with its own bank
# and spec) and prints how task time splits between read (decode + window + padding), convolve,
# encode and the rest (Parquet writing, Spark). Needs python3 to read cases.json.
#   jobs/bench-tile-path.sh [GOLDEN_IMAGES_DIR] [extra featurize flags...]
# GOLDEN_IMAGES_DIR defaults to the repository's src/test/resources/golden/images.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
golden=${1:-$root/src/test/resources/golden/images}
shift || true
out=$root/target/bench-tile-path
mkdir -p "$out"
python3 - "$golden/cases.json" <<'PY' > "$out/cases.txt"
import json, sys
def pad(p):
    if isinstance(p, list): return ",".join(str(v) for v in p)
    return str(p)
def pair(v):
    return ",".join(str(x) for x in v) if isinstance(v, list) else str(v)
for c in json.load(open(sys.argv[1])):
    s = c["spec"]
    print(c["name"], c["image"], c["filters"], pair(s.get("stride", 1)), pad(s.get("padding", 0)),
          s.get("activation", "none"))
PY
printf '%-24s %8s %8s %8s %8s %8s %9s\n' case tasks_s read_s conv_s encode_s other_s conv_share
while read -r name image filters stride padding activation; do
  log=$out/$name.log
  "$root/jobs/haloconv" featurize --input "$golden/$image" --filters "$golden/$filters" \
      --stride "$stride" --padding "$padding" --activation "$activation" \
      --output "$out/$name" --overwrite "$@" > "$log" 2>"$out/$name.err"
  python3 - "$out/$name/_manifest.json" "$name" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["seconds"]
share = t["task_convolve"] / t["tasks"] if t["tasks"] else 0
print("%-24s %8.3f %8.3f %8.3f %8.3f %8.3f %8.0f%%" % (sys.argv[2], t["tasks"], t["task_read"],
      t["task_convolve"], t["task_encode"], t["task_write_and_other"], 100 * share))
PY
done < "$out/cases.txt"
