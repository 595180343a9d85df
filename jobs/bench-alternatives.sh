#!/usr/bin/env bash
# What a featurization costs with haloconv and with the alternatives docs/why-haloconv.md names:
# the same synthetic RGB images (PNG for the Spark variants, the same pixels as .npy for numpy and
# PyTorch) and the same 16x3x3x3 bank, 'same' padding, bias, ReLU, float32.
#   jobs/bench-alternatives.sh [COUNT] [SIZE] [REPETITIONS]      (defaults 48 512 2)
# PyTorch runs if Debian's python3-torch is installed (apt-get install -y python3-torch).
set -euo pipefail
# shellcheck source=jobs/lib/spark.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/spark.sh"
root=$hc_root
count=${1:-48}
size=${2:-512}
reps=${3:-2}
work=$root/target/bench-alternatives
bank=$root/data/banks/random16.npz
mkdir -p "$work"
cd "$root"
echo "bench: $count images of ${size}x${size}, bank $(basename "$bank"), 2 cores" >&2
python3 jobs/bench/make_images.py "$work/data" "$count" "$size"

# The Spark variants run on the test classpath: Spark's image source ships with spark-mllib.
mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/test-classpath.txt > target/bench-build.log 2>&1
mapfile -t opts < <(hc_jvm_options)
rm -rf "$work/spark"
"$hc_java" "${opts[@]}" -Xmx6g -Dlog4j2.configurationFile=conf/log4j2.properties \
  -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" \
  io.haloconv.bench.AlternativesBench "$work/data/png" "$bank" "$work/spark" "$reps"

python3 jobs/bench/numpy_conv.py "$work/data/npy" "$bank"
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  /usr/bin/python3 jobs/bench/torch_conv.py "$work/data/npy" "$bank"
else
  echo "torch: not installed (apt-get install -y python3-torch)"
fi
