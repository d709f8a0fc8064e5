#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Training throughput: the C++ engine (bench_training) against a Python
reference of the same step (same generator file, truncated-normal anchors,
Gaussian views, the same batched pixel augmentations, the same small ResNet,
SupCon/SimCLR loss and SGD), run by this one script on the same machine
state. Also the peak RSS of a default `latent-cli train` run.

    /usr/bin/python3 bench/training_throughput.py build/bench/bench_training \
        build/app/latent-cli [resources/generators/fashion-cgan.pt]

The reference runs twice: as a researcher would write it (float32, NCHW),
and with the C++ engine's CPU settings (channels-last, bfloat16 autocast
where the CPU has it), so the gain from the engine and the gain from the
numeric format can be told apart. Targets: end to end >= 1.5x the plain
reference; peak RSS of a default run < 2 GiB.
"""
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

BATCH, VIEWS, LATENT, SIGMA, TRUNC = 256, 2, 64, 0.2, 2.0


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        h = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(h + (x if self.shortcut is None else self.shortcut(x)))


class SmallResNet(nn.Module):
    """The engine's "small" preset: width 16, one basic block per stage."""

    def __init__(self, width=16):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        blocks, cin = [], width
        for stage in range(4):
            cout = width << stage
            blocks.append(Block(cin, cout, 1 if stage == 0 else 2))
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.Linear(cin, cin), nn.ReLU(), nn.Linear(cin, 128))

    def forward(self, x):
        h = self.blocks(self.stem(x * 2 - 1)).mean((2, 3))
        return F.normalize(self.head(h).float(), dim=1)


def supcon(f, tau=0.1, base=0.07):
    b, v, _ = f.shape
    f = f.reshape(b * v, -1)
    ids = torch.arange(b).repeat_interleave(v)
    eye = torch.eye(b * v, dtype=torch.bool)
    logits = f @ f.t() / tau
    logits = logits - logits.max(1, keepdim=True).values.detach()
    denom = logits.masked_fill(eye, -math.inf).logsumexp(1, keepdim=True)
    pos = (ids[None] == ids[:, None]) & ~eye
    mean_log_prob = (pos * (logits - denom)).sum(1) / pos.sum(1).clamp_min(1)
    return (-(tau / base) * mean_log_prob).mean()


def augment(x, gen):
    """The engine's default pixel augmentations, batched: crop + flip as one
    affine resampling, brightness and contrast jitter (grey images)."""
    n = x.shape[0]
    coin = lambda p: (torch.rand(n, generator=gen) < p).float()  # noqa: E731
    uni = lambda lo, hi: torch.rand(n, generator=gen) * (hi - lo) + lo  # noqa: E731
    apply = coin(1.0)
    area = uni(0.2, 1.0)
    log_ratio = uni(math.log(0.75), math.log(4 / 3))
    w = (area * log_ratio.exp()).sqrt().clamp_max(1)
    h = (area / log_ratio.exp()).sqrt().clamp_max(1)
    w, h = apply * w + 1 - apply, apply * h + 1 - apply
    cx = (torch.rand(n, generator=gen) * 2 - 1) * (1 - w)
    cy = (torch.rand(n, generator=gen) * 2 - 1) * (1 - h)
    flip = 1 - 2 * coin(0.5)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 0, 2], theta[:, 1, 1], theta[:, 1, 2] = w * flip, cx, h, cy
    x = F.grid_sample(x, F.affine_grid(theta, list(x.shape), align_corners=False),
                      mode="bilinear", padding_mode="border", align_corners=False)
    on = coin(0.8).view(n, 1, 1, 1)
    factor = lambda s: (uni(max(0, 1 - s), 1 + s).view(n, 1, 1, 1) - 1) * on + 1  # noqa: E731
    b, c = factor(0.4), factor(0.4)
    uni(1 - 0.4, 1 + 0.4), uni(-0.1, 0.1)  # saturation and hue draws (no-ops on grey)
    x = (x * b).clamp(0, 1)
    m = x.mean((1, 2, 3), keepdim=True)
    return ((x - m) * c + m).clamp(0, 1)


def python_reference(path, tuned, steps):
    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(1)
    g = torch.jit.load(path).eval()
    for p in g.parameters():
        p.requires_grad_(False)
    model = SmallResNet()
    if tuned:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.06, momentum=0.9, weight_decay=5e-4)
    bf16 = tuned and "avx512_bf16" in open("/proc/cpuinfo").read()
    gen = torch.Generator().manual_seed(1)
    times = {k: [] for k in ("generation", "augmentation", "forward", "backward", "optimizer", "step")}
    lo = 0.5 * math.erfc(TRUNC / math.sqrt(2))
    for s in range(steps + 2):
        t0 = time.perf_counter()
        with torch.inference_mode():
            u = torch.rand(BATCH, LATENT, generator=gen, dtype=torch.float64) * (1 - 2 * lo) + lo
            z = (torch.erfinv(u * 2 - 1) * math.sqrt(2)).float()
            y = torch.randint(0, 10, (BATCH,), generator=gen)
            z = z.repeat_interleave(VIEWS, 0)
            u = torch.rand(z.shape, generator=gen, dtype=torch.float64) * (1 - 2 * lo) + lo
            z = z + SIGMA * (torch.erfinv(u * 2 - 1) * math.sqrt(2)).float()
            img = ((g(z, y.repeat_interleave(VIEWS)) + 1) / 2).clamp(0, 1)
        img = img.clone()
        t1 = time.perf_counter()
        x = augment(img, gen)
        if tuned:
            x = x.contiguous(memory_format=torch.channels_last)
        t2 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            f = model(x)
        t3 = time.perf_counter()
        loss = supcon(f.view(BATCH, VIEWS, -1))
        opt.zero_grad()
        loss.backward()
        t4 = time.perf_counter()
        opt.step()
        t5 = time.perf_counter()
        if s >= 2:
            for k, (a, b) in zip(times, ((t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t0, t5))):
                times[k].append(b - a)
    med = {k: statistics.median(v) for k, v in times.items()}
    med["images_per_s"] = BATCH * VIEWS / med["step"]
    med["precision"] = "bf16" if bf16 else "fp32"
    return med


def peak_rss_of_default_run(cli):
    """A default `latent-cli train` (batch 256, online probes, final
    evaluation on all of Fashion-MNIST), shortened to 30 steps."""
    out = tempfile.mkdtemp(prefix="rss_run_")
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run([cli, "train", "--out", out + "/run", "--steps", "30", "--probe-every", "10"],
                       check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return max(before, after) / 1024.0  # MiB
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main():
    bench, cli = sys.argv[1], sys.argv[2]
    path = sys.argv[3] if len(sys.argv) > 3 else "resources/generators/fashion-cgan.pt"
    steps = 10
    lines = subprocess.run([bench, path, "--steps", str(steps)], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    cpp = {row["measure"]: row for row in map(json.loads, lines)}
    plain = python_reference(path, tuned=False, steps=steps)
    tuned = python_reference(path, tuned=True, steps=steps)
    rss = peak_rss_of_default_run(cli)
    split = cpp["split"]
    print(f"batch {BATCH} anchors x {VIEWS} views, 32x32, small ResNet, {split['threads']} threads")
    print(f"{'phase (median s)':<22}{'C++ ' + split['precision']:>12}{'Py fp32':>12}{'Py ' + tuned['precision'] + ' NHWC':>14}")
    for k in ("generation", "augmentation", "forward", "backward", "optimizer"):
        print(f"{k:<22}{split[k + '_s']:>12.4f}{plain[k]:>12.4f}{tuned[k]:>14.4f}")
    e2e = cpp["end_to_end"]["images_per_s"]
    print(f"{'images/s end to end':<22}{e2e:>12.0f}{plain['images_per_s']:>12.0f}{tuned['images_per_s']:>14.0f}")
    print(f"ratio C++ / Python fp32 (the plain reference): {e2e / plain['images_per_s']:.2f}x (target >= 1.5x)")
    print(f"ratio C++ / Python with the same precision:    {e2e / tuned['images_per_s']:.2f}x")
    print(f"C++ serial (phases summed) {split['serial_images_per_s']:.0f} img/s; prefetch gain "
          f"{e2e / split['serial_images_per_s']:.2f}x")
    print(f"peak RSS of a default run (30 steps, probes, final evaluation): {rss:.0f} MiB (target < 2048)")


if __name__ == "__main__":
    main()
