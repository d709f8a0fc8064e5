#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The core and the CLI built with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer (build-san/): runs their tests, then each
# libFuzzer target for FUZZ_SECONDS (default 60) from its committed seed
# corpus. Any sanitizer report or fuzzer crash fails the script; a crash
# leaves its input in build-san/fuzz-artifacts/ (copy it to
# tests/fuzz/regressions/<target>/ and fix the parser).
#   tools/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
jobs=$(nproc 2>/dev/null || echo 2)

CC=clang CXX=clang++ cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLATENT_SANITIZE=ON -DLATENT_FUZZ=ON -DLATENT_BUILD_STUDIO=OFF -DLATENT_BUILD_BENCH=OFF
cmake --build build-san -j "$jobs"

# Leaks inside libraries we do not own (LibTorch's and OpenMP's one-time
# allocations) are not ours to fix; everything else is reported.
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export OPENBLAS_NUM_THREADS=1
QT_QPA_PLATFORM=offscreen ctest --test-dir build-san --output-on-failure -j 1

mkdir -p build-san/fuzz-artifacts
for target in recipe sidecar idx; do
  work=build-san/fuzz-corpus/$target
  mkdir -p "$work"
  echo "fuzzing $target for ${seconds} s"
  ./build-san/tests/fuzz/fuzz_$target -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 \
    -seed=1 -print_final_stats=1 -artifact_prefix=build-san/fuzz-artifacts/$target- \
    "$work" tests/fuzz/corpus/$target 2>&1 | tail -12
done
echo "sanitizers and fuzzers: clean"
