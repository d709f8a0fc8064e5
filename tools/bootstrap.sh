#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what Latent Studio needs from Debian's packages (only what is
# missing), builds it, then either starts the studio on its default
# generator or runs the whole test suite. Idempotent.
#
#   tools/bootstrap.sh run    # install, build, start the studio
#   tools/bootstrap.sh test   # install, build, run every test (then the
#                             # sanitizer build and the fuzzers: tools/sanitize.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in run|test) shift ;; *) echo "usage: $0 run|test [studio arguments]" >&2; exit 2 ;; esac

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev libqt6opengl6-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev
  libqcustomplot-dev qt6-svg-dev libtorch-dev libopenblas0-pthread libopencv-dev libimgui-dev libstb-dev
  nlohmann-json3-dev libcli11-dev zlib1g-dev libssl-dev libgloo-dev
  python3-torch python3-numpy python3-pil dataset-fashion-mnist xvfb xauth
  qt6-translations-l10n qt6-qpa-plugins desktop-file-utils appstream dpkg-dev
  clang libclang-rt-14-dev lld
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || {
      echo "bootstrap: run as root, or install sudo, to install: ${missing[*]}" >&2
      exit 1
    }
    sudo="sudo"
  fi
  # Through env: sudo resets the environment. Keep changed configuration
  # files of upgraded dependencies without asking (there is no stdin).
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" </dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
# Clang (installed for the sanitizer build anyway) builds in about half the
# time GCC takes on 2 cores, with the same test results; the speed of
# training is LibTorch's either way. The project is C++ only.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++
cmake --build build -j "$jobs"

export OPENBLAS_NUM_THREADS=1
if [ "$mode" = run ]; then
  exec ./build/app/latent-studio "${@:-default}"
fi

# One test per core, each on one thread (OMP_NUM_THREADS is read by the
# studio, latent-cli and every test): about twice as fast on 2 cores as one
# test at a time on both. GUI tests need a display: use the session's, or a
# private Xvfb one.
export OMP_NUM_THREADS=1
if [ -n "${DISPLAY:-}" ]; then
  ctest --test-dir build --output-on-failure -j "$jobs"
else
  xvfb-run -a -s '-screen 0 1280x800x24' ctest --test-dir build --output-on-failure -j "$jobs"
fi
# Everything again under ASan + UBSan, and each fuzzer for 30 s.
./tools/sanitize.sh
