#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The GPU path on a machine with NVIDIA GPUs: builds the core and latent-cli
# against a CUDA LibTorch (Torch_DIR, for example the one inside a CUDA
# PyTorch: python3 -c 'import torch; print(torch.utils.cmake_prefix_path)'
# gives its parent), then a short training run on one GPU and, when two or
# more are visible, a two-rank NCCL run through latent-cli launch, each
# printing images/s; finally the exported encoder is loaded on the CPU.
#   Torch_DIR=/path/to/share/cmake/Torch tools/gpu-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${Torch_DIR:?set Torch_DIR to the share/cmake/Torch folder of a CUDA LibTorch}"
build=${BUILD_DIR:-build-gpu}
steps=${STEPS:-200}
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$Torch_DIR" \
  -DLATENT_BUILD_STUDIO=OFF -DLATENT_BUILD_BENCH=OFF
cmake --build "$build" -j "$jobs" --target latent-cli
cli="$build/app/latent-cli"
gpus=$(nvidia-smi --list-gpus 2>/dev/null | wc -l || echo 0)
echo "gpu-check: $gpus GPU(s) visible"
[ "$gpus" -ge 1 ] || { echo "gpu-check: no GPU visible" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Images per second of a finished run: the mean of its last half of steps.
rate() {
  /usr/bin/python3 - "$1/metrics.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["kind"] == "train" and r["images_per_s"]]
half = rows[len(rows) // 2:]
print(f"{sum(float(r['images_per_s']) for r in half) / max(1, len(half)):.0f}")
PY
}
common=(--steps "$steps" --batch 256 --encoder resnet18 --probe-every 0 --device cuda)
"$cli" train --out "$work/one" "${common[@]}"
echo "gpu-check: 1 GPU: $(rate "$work/one") images/s"
if [ "$gpus" -ge 2 ]; then
  "$cli" launch --nproc 2 -- train --out "$work/two" "${common[@]}"
  echo "gpu-check: 2 GPUs (NCCL): $(rate "$work/two") images/s"
fi
/usr/bin/python3 - "$work/one/encoder.pt" <<'PY'
import sys, torch
m = torch.jit.load(sys.argv[1], map_location="cpu")
print("gpu-check: exported encoder on the CPU:", tuple(m(torch.rand(2, 1, 32, 32)).shape))
PY
echo "gpu-check: done"
