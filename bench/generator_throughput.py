#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generator speed: the C++ path (bench_generator) against a Python reference
(torch.jit.load of the same file, same batches, the same thread count as the
C++ side and the engine's glibc allocator settings), run by this one script
so that both see the same machine state. The latent size, class count and
output range come from the generator's sidecar.

    /usr/bin/python3 bench/generator_throughput.py build/bench/bench_generator \
        [resources/generators/fashion-cgan.pt]

Target: the 16-image preview grid under 16 ms median on 2 cores.
"""
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch  # noqa: E402


from engine_malloc import TUNABLES  # noqa: E402


def python_reference(path, threads):
    torch.set_num_threads(threads)
    info = json.load(open(path[:-3] + ".json"))
    latent, classes = info["latent_size"], max(1, info.get("num_classes", 0))
    lo, hi = info.get("output_range", [-1, 1])
    conditional = info.get("call", "z") == "z,y"
    g = torch.jit.load(path).eval()
    run = (lambda z, y: g(z, y)) if conditional else (lambda z, y: g(z))
    out = {}
    with torch.inference_mode():
        for batch in (64, 256):
            z = torch.randn(batch, latent)
            y = torch.randint(0, classes, (batch,))
            for _ in range(3):
                run(z, y)
            rates = []
            for _ in range(5):
                iters = 40 if batch == 64 else 10
                t0 = time.perf_counter()
                for _ in range(iters):
                    run(z, y)
                rates.append(batch * iters / (time.perf_counter() - t0))
            out[batch] = statistics.median(rates)
        ms = []
        for i in range(220):
            t0 = time.perf_counter()
            z = torch.randn(16, latent)
            y = torch.randint(0, classes, (16,))
            img = ((run(z, y) - lo) * (255 / (hi - lo))).round().clamp(0, 255).to(torch.uint8)
            img = img.permute(0, 2, 3, 1).numpy()
            if i >= 20 and img.size:
                ms.append((time.perf_counter() - t0) * 1000)
        out["grid16"] = statistics.median(ms)
    return out


def main():
    if os.environ.get("GLIBC_TUNABLES") != TUNABLES:
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, GLIBC_TUNABLES=TUNABLES))
    exe = sys.argv[1]
    path = sys.argv[2] if len(sys.argv) > 2 else "resources/generators/fashion-cgan.pt"
    lines = subprocess.run([exe, path], check=True, capture_output=True, text=True).stdout.splitlines()
    cpp = [json.loads(line) for line in lines]
    ref = python_reference(path, cpp[-1]["threads"])
    print(f"generator: {path}, {cpp[-1]['threads']} threads")
    print(f"{'measure':<28}{'C++':>12}{'Python':>12}{'C++/Python':>12}")
    for row in cpp[:-1]:
        b = row["batch"]
        print(f"{'images/s, batch ' + str(b):<28}{row['images_per_s']:>12.0f}{ref[b]:>12.0f}"
              f"{row['images_per_s'] / ref[b]:>11.2f}x")
    g = cpp[-1]
    print(f"{'16-image grid, median ms':<28}{g['median_ms']:>12.2f}{ref['grid16']:>12.2f}"
          f"{ref['grid16'] / g['median_ms']:>11.2f}x (speed-up)")
    print(f"{'16-image grid, p95 ms':<28}{g['p95_ms']:>12.2f}")
    verdict = "meets" if g["median_ms"] < 16 else "misses"
    print(f"target: grid median under 16 ms -> {verdict} ({g['median_ms']:.2f} ms)")


if __name__ == "__main__":
    main()
