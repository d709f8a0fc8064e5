#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Images/s of the project's DDIM sampler (`latent-cli sample` on a diffusion
generator) against a Python implementation of the same sampler (python_ddim
below: the eps, no-guidance, eta-0 branch of tests/diffusion_fixture.py's
ddim, which test_diffusion matches to 1e-4) on the same TorchScript
denoiser, at 10, 25 and 50 steps, the same threads and precision (float32),
the two sides interleaved over rounds; prints the median of each and their
ratio (min-max over rounds). Each side batches its own way, which is part
of what is measured: the Python side samples chunks of 64 images with
torch's intra-op threads, as a user's script does; the engine samples
sub-batches of 16 side by side, one thread each.

    /usr/bin/python3 bench/diffusion_sampler.py build/app/latent-cli [--images 256] [--rounds 3]

The denoiser is a small UNet-like net (1x32x32, 10 classes, 1,000 timesteps,
about 0.15 M weights, random weights: speed only), exported with
tools/export_generator.py. The CLI's time is its run for N images minus its
run for one image (process start, loading, the load-time check).

Both sides run with the same glibc allocator settings: the engine sets the
mmap and trim thresholds to 1 GiB and its top pad to 64 MiB at start
(core/runtime.cpp), so the script
re-executes itself with the same thresholds (GLIBC_TUNABLES) before timing.
Under glibc's defaults every denoiser call maps, faults in and unmaps its
activations, which made the Python side about 3x slower with the same model.
Pass --default-malloc to time the Python side with glibc's defaults.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from export_generator import export_denoiser  # noqa: E402

T, CLASSES = 1000, 10
from engine_malloc import TUNABLES  # noqa: E402


class SmallUNet(nn.Module):
    def __init__(self, width=32):
        super().__init__()
        self.time = nn.Embedding(T, 2 * width)
        self.label = nn.Embedding(CLASSES + 1, 2 * width)
        self.down1 = nn.Conv2d(1, width, 3, padding=1)
        self.down2 = nn.Conv2d(width, 2 * width, 3, stride=2, padding=1)
        self.mid = nn.Conv2d(2 * width, 2 * width, 3, padding=1)
        self.up = nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1)
        self.out = nn.Conv2d(2 * width, 1, 3, padding=1)

    def forward(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        h1 = torch.relu(self.down1(x))
        h2 = torch.relu(self.down2(h1)) + (self.time(t) + self.label(y))[:, :, None, None]
        h2 = torch.relu(self.mid(h2))
        return self.out(torch.cat([torch.relu(self.up(h2)), h1], 1))


def python_ddim(model, x_t, y, steps, abar):
    """The sampler of core/generators/diffusion.h (eps prediction, no guidance, eta 0)."""
    import math
    ts = [int(math.floor(T - i * T / steps + 0.5)) - 1 for i in range(steps)]
    x = x_t
    for i, t in enumerate(ts):
        a = abar[t]
        a_prev = abar[ts[i + 1]] if i + 1 < len(ts) else 1.0
        eps = model(x, torch.full((x.shape[0],), t, dtype=torch.long), y)
        x0 = ((x - math.sqrt(1 - a) * eps) / math.sqrt(a)).clamp(-1, 1)
        eps = (x - math.sqrt(a) * x0) / math.sqrt(1 - a)
        x = math.sqrt(a_prev) * x0 + math.sqrt(max(0.0, 1 - a_prev)) * eps
    return x


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("--images", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--default-malloc", action="store_true",
                        help="time the Python side with glibc's default allocator thresholds")
    args = parser.parse_args()
    if not args.default_malloc and os.environ.get("GLIBC_TUNABLES") != TUNABLES:
        os.execve(sys.executable, [sys.executable] + sys.argv,
                  dict(os.environ, GLIBC_TUNABLES=TUNABLES))
    torch.set_num_threads(args.threads)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    betas = [1e-4 + (t / (T - 1)) * (0.02 - 1e-4) for t in range(T)]
    abar, product = [], 1.0
    for b in betas:
        product *= 1 - b
        abar.append(product)
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "unet")
        torch.manual_seed(0)
        export_denoiser(SmallUNet(), base, channels=1, resolution=32, num_classes=CLASSES,
                        timesteps=T, null_class=CLASSES)
        model = torch.jit.load(base + ".pt")
        weights = sum(p.numel() for p in model.parameters())
        print(f"denoiser: {weights} weights, 1x32x32, {args.images} images, "
              f"{args.threads} threads, chunks of 64, {args.rounds} rounds, Python allocator: "
              f"{'glibc defaults' if args.default_malloc else 'as the engine (1 GiB thresholds, 64 MiB top pad)'}")
        print(f"{'steps':>5} {'C++ images/s':>13} {'Python images/s':>16} {'ratio':>6} {'(min-max)':>12}")
        for steps in (10, 25, 50):
            cpp, py = [], []
            for _ in range(args.rounds):
                times = []
                for n in (args.images, 1):
                    start = time.perf_counter()
                    subprocess.run([args.cli, "--threads", str(args.threads), "sample", base + ".pt",
                                    "--n", str(n), "--sampler-steps", str(steps), "--guidance", "1",
                                    "--eta", "0", "--out", os.path.join(tmp, "grid.png")],
                                   env=env, check=True, capture_output=True)
                    times.append(time.perf_counter() - start)
                cpp.append((args.images - 1) / (times[0] - times[1]))
                gen = torch.Generator().manual_seed(1)
                x_t = torch.randn(args.images, 1, 32, 32, generator=gen)
                y = torch.arange(args.images) % CLASSES
                start = time.perf_counter()
                with torch.no_grad():
                    for i in range(0, args.images, 64):
                        python_ddim(model, x_t[i:i + 64], y[i:i + 64], steps, abar)
                py.append(args.images / (time.perf_counter() - start))
            ratios = [c / p for c, p in zip(cpp, py)]
            print(f"{steps:>5} {statistics.median(cpp):>13.1f} {statistics.median(py):>16.1f} "
                  f"{statistics.median(ratios):>6.2f} {min(ratios):>5.2f}-{max(ratios):.2f}")


if __name__ == "__main__":
    main()
