#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Images/s of `latent-cli export-dataset` (generation, views, augmentation,
encoding, atomic files, manifest) against `latent-cli sample` (generation and
one PNG grid) of the same number of images, same binary, same threads,
interleaved over rounds; prints the median of each and their ratio.

    python3 bench/export_throughput.py build/app/latent-cli [--images 4096] [--rounds 3]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def timed(command, env):
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("--images", type=int, default=4096)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    threads = ["--threads", str(args.threads)]
    rates = {"sample": [], "export png": [], "export npy": []}
    with tempfile.TemporaryDirectory() as tmp:
        recipe = os.path.join(tmp, "r.json")
        subprocess.run([args.cli, "new-recipe", "default", "--out", recipe], check=True,
                       capture_output=True)
        # The same images on both sides: 2 views per anchor, and sample
        # writes one grid of at most 4,096 images per call.
        images = max(2, args.images - args.images % 2)
        calls = [4096] * (images // 4096) + ([images % 4096] if images % 4096 else [])
        for _ in range(args.rounds):
            seconds = sum(timed([args.cli, *threads, "sample", "default", "--n", str(n), "--seed",
                                 str(i + 1), "--out", os.path.join(tmp, "grid.png")], env)
                          for i, n in enumerate(calls))
            rates["sample"].append(images / seconds)
            for fmt in ("png", "npy"):
                out = os.path.join(tmp, fmt)
                shutil.rmtree(out, ignore_errors=True)
                seconds = timed([args.cli, *threads, "export-dataset", recipe, "--anchors",
                                 str(images // 2), "--views", "2", "--format", fmt,
                                 "--out", out], env)
                rates["export " + fmt].append(images / seconds)
    base = statistics.median(rates["sample"])
    print(f"{images} images, {args.threads} threads, {args.rounds} rounds (median images/s, "
          "whole process including start-up):")
    for name, values in rates.items():
        median = statistics.median(values)
        print(f"  {name:<11} {median:8.0f} images/s  ({median / base:.2f}x sample; "
              f"{min(values):.0f}-{max(values):.0f})")


if __name__ == "__main__":
    main()
