#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Training throughput: the C++ engine (bench_training) against a Python
reference of the same step (same generator file, truncated-normal anchors,
Gaussian views, the same batched pixel augmentations, the same ResNet,
SupCon/SimCLR loss and SGD) at equal settings: the same precision (bfloat16
autocast only where the CPU has it, on both sides), channels-last on both,
the same number of threads.

    /usr/bin/python3 bench/training_throughput.py build/bench/bench_training \\
        build/app/latent-cli [--rounds 5] [--steps 4] [--threads N] \\
        [--cases default,colour64,resnet18]

Cases: `default` is the shipped 1x32x32 generator with the small encoder
(batch 256); `colour64` a 3x64x64 conditional generator exported from a
small PyTorch model (random weights: speed does not depend on them) with the
small encoder (batch 64); `resnet18` the shipped generator with the resnet18
preset (batch 64). Each case runs C++ and Python as separate processes,
interleaved (C++ Python C++ Python ...), each process warming up 2 steps
first; it prints per-phase medians, the median C++/Python ratio of the end
to end rate with its min-max over rounds, the encoder's achieved GFLOP/s
(forward + backward, counted as 3x the forward's multiply-adds x 2) against
a 3x3 convolution's GFLOP/s measured in this run, and each process's own
peak RSS. The default case also prints the plain Python reference (float32,
NCHW, as a researcher would write it) as a second line.

Targets (issue 17): end to end >= 1.5x the equal-settings reference on the
default case; encoder forward + backward >= 50% of the measured conv peak;
peak RSS of a default `latent-cli train` run < 2 GiB.

Equal settings include the allocator: the engine keeps freed blocks in the
heap (core/runtime.cpp: glibc's mmap and trim thresholds at 1 GiB, a 64 MiB
top pad), so the equal-settings Python reference runs with the same three
settings (GLIBC_TUNABLES); the plain reference keeps glibc's defaults. The C++
end-to-end rate is the trainer's views over its own wall clock between steps,
waits for the batch thread included.
"""
import argparse
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

LATENT_SIGMA, TRUNC, VIEWS = 0.2, 2.0, 2
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_GENERATOR = os.path.join(HERE, "..", "resources", "generators", "fashion-cgan.pt")
from engine_malloc import TUNABLES  # noqa: E402
CASES = {  # name: (encoder preset, batch of anchors)
    "default": ("small", 256),
    "colour64": ("small", 64),
    "resnet18": ("resnet18", 64),
}
PRESETS = {"small": (16, [1, 1, 1, 1]), "resnet18": (64, [2, 2, 2, 2])}


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


class ResNet(nn.Module):
    """The engine's basic-block presets (core/train/encoder.cpp): a 3x3 stem, four
    stages of `blocks` (stride 2 from the second), a 2-layer projection head."""

    def __init__(self, channels, width, blocks):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(channels, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        layers, cin = [], width
        for stage, count in enumerate(blocks):
            cout = width << stage
            for i in range(count):
                layers.append(Block(cin, cout, 2 if stage > 0 and i == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Linear(cin, cin), nn.ReLU(), nn.Linear(cin, 128))

    def forward(self, x):
        h = self.blocks(self.stem(x * 2 - 1)).mean((2, 3))
        return F.normalize(self.head(h).float(), dim=1)


class ColourGenerator(nn.Module):
    """A small conditional DCGAN-style generator: z [N, 128], y [N] -> [N, 3, 64, 64] in [-1, 1]."""

    def __init__(self, latent=128, classes=10, width=64):
        super().__init__()
        self.embed = nn.Embedding(classes, latent)
        self.fc = nn.Linear(latent, width * 8 * 4 * 4)
        ups, c = [], width * 8
        for _ in range(4):  # 4 -> 64
            ups += [nn.ConvTranspose2d(c, c // 2, 4, 2, 1), nn.BatchNorm2d(c // 2), nn.ReLU()]
            c //= 2
        self.ups = nn.Sequential(*ups)
        self.out = nn.Conv2d(c, 3, 3, 1, 1)
        self.width = width

    def forward(self, z, y):
        h = self.fc(z * self.embed(y)).view(-1, self.width * 8, 4, 4)
        return torch.tanh(self.out(self.ups(h)))


def export_colour_generator(folder):
    sys.path.insert(0, os.path.join(HERE, "..", "tools"))
    from export_generator import export_generator

    torch.manual_seed(0)
    base = os.path.join(folder, "colour64")
    export_generator(ColourGenerator(), base, latent_size=128, num_classes=10, name="colour64 (benchmark)")
    return base + ".pt"


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


def luminance(x):
    return x[:, 0:1] * 0.299 + x[:, 1:2] * 0.587 + x[:, 2:3] * 0.114


TO_YIQ = torch.tensor([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])
TO_RGB = torch.linalg.inv(TO_YIQ.double()).float()


def augment(x, gen):
    """The engine's default pixel augmentations, batched (core/views/augment.cpp):
    crop + flip as one affine resampling, brightness, contrast, and for
    colour saturation, hue (a YIQ rotation) and random grayscale."""
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
    b, c, s = factor(0.4), factor(0.4), factor(0.4)
    hue = (uni(-0.1, 0.1) * on.view(n)).view(n, 1, 1)
    x = (x * b).clamp(0, 1)
    m = (luminance(x) if x.shape[1] == 3 else x).mean((1, 2, 3), keepdim=True)
    x = ((x - m) * c + m).clamp(0, 1)
    if x.shape[1] == 3:
        g = luminance(x)
        x = ((x - g) * s + g).clamp(0, 1)
        yiq = torch.einsum("ij,njhw->nihw", TO_YIQ, x)
        a = hue * 2 * math.pi
        i, q = yiq[:, 1], yiq[:, 2]
        rotated = torch.stack((yiq[:, 0], i * a.cos() - q * a.sin(), i * a.sin() + q * a.cos()), 1)
        x = torch.einsum("ij,njhw->nihw", TO_RGB, rotated).clamp(0, 1)
        grey = coin(0.2).view(n, 1, 1, 1)
        x = grey * luminance(x).expand_as(x) + (1 - grey) * x
    return x.clamp(0, 1)


def forward_flops(model, x):
    """Multiply-adds x 2 of the convolutions and linear layers of one forward."""
    total = [0]

    def conv(m, _, out):
        total[0] += 2 * out.numel() * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]

    def linear(m, _, out):
        total[0] += 2 * out.numel() * m.in_features

    hooks = [m.register_forward_hook(conv if isinstance(m, nn.Conv2d) else linear)
             for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    return total[0]


def has_bf16():
    return "avx512_bf16" in open("/proc/cpuinfo").read() or "amx_bf16" in open("/proc/cpuinfo").read()


def conv_peak_gflops(threads, bf16):
    """A 3x3 convolution, 128 -> 128 channels at 32x32, batch 32, channels-last,
    forward, at the precision the encoders train in: the CPU's practical
    convolution limit on `threads`."""
    torch.set_num_threads(threads)
    conv = nn.Conv2d(128, 128, 3, 1, 1, bias=False).to(memory_format=torch.channels_last)
    x = torch.rand(32, 128, 32, 32).contiguous(memory_format=torch.channels_last)
    flops = 2 * 32 * 128 * 32 * 32 * 128 * 9
    times = []
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        for i in range(8):
            t = time.perf_counter()
            conv(x)
            if i >= 2:
                times.append(time.perf_counter() - t)
    return flops / statistics.median(times) / 1e9


def python_reference(path, preset, batch, tuned, steps, threads):
    """One process's run of the Python step; returns per-phase medians."""
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    g = torch.jit.load(path).eval()
    info = json.load(open(path[:-3] + ".json"))
    latent, classes = info["latent_size"], info.get("num_classes", 0)
    channels, res = info["channels"], info["resolution"]
    for p in g.parameters():
        p.requires_grad_(False)
    width, blocks = PRESETS[preset]
    model = ResNet(channels, width, blocks)
    if tuned:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.06, momentum=0.9, weight_decay=5e-4)
    bf16 = tuned and has_bf16()
    gen = torch.Generator().manual_seed(1)
    times = {k: [] for k in ("generation", "augmentation", "forward", "backward", "optimizer", "step")}
    lo = 0.5 * math.erfc(TRUNC / math.sqrt(2))
    lo_, hi_ = info.get("output_range", [-1.0, 1.0])
    for s in range(steps + 2):
        t0 = time.perf_counter()
        with torch.inference_mode():
            u = torch.rand(batch, latent, generator=gen, dtype=torch.float64) * (1 - 2 * lo) + lo
            z = (torch.erfinv(u * 2 - 1) * math.sqrt(2)).float().repeat_interleave(VIEWS, 0)
            u = torch.rand(z.shape, generator=gen, dtype=torch.float64) * (1 - 2 * lo) + lo
            z = z + LATENT_SIGMA * (torch.erfinv(u * 2 - 1) * math.sqrt(2)).float()
            if classes:
                y = torch.randint(0, classes, (batch,), generator=gen).repeat_interleave(VIEWS)
                out = g(z, y)
            else:
                out = g(z)
            img = ((out - lo_) / (hi_ - lo_)).clamp(0, 1)
        img = img.clone()
        t1 = time.perf_counter()
        x = augment(img, gen)
        if tuned:
            x = x.contiguous(memory_format=torch.channels_last)
        t2 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            f = model(x)
        t3 = time.perf_counter()
        loss = supcon(f.view(batch, VIEWS, -1))
        opt.zero_grad()
        loss.backward()
        t4 = time.perf_counter()
        opt.step()
        t5 = time.perf_counter()
        if s >= 2:
            for k, (a, b) in zip(times, ((t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t0, t5))):
                times[k].append(b - a)
    med = {k: statistics.median(v) for k, v in times.items()}
    med["images_per_s"] = batch * VIEWS / med["step"]
    med["precision"] = "bf16" if bf16 else "fp32"
    med["flops"] = forward_flops(model, x[:1].float()) * batch * VIEWS
    med["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return med


def run_cpp(bench, path, preset, batch, steps, threads):
    lines = subprocess.run([bench, path, "--steps", str(steps), "--batch", str(batch), "--encoder", preset,
                            "--threads", str(threads)], check=True, capture_output=True, text=True).stdout
    return {row["measure"]: row for row in map(json.loads, lines.splitlines())}


def run_python(path, preset, batch, tuned, steps, threads):
    # The tuned reference gets the engine's allocator settings (equal
    # settings); the plain one glibc's defaults, as a script runs.
    env = dict(os.environ, GLIBC_TUNABLES=TUNABLES) if tuned else os.environ
    out = subprocess.run([sys.executable, __file__, "--reference", path, preset, str(batch), str(int(tuned)),
                          str(steps), str(threads)], check=True, capture_output=True, text=True,
                         env=env).stdout
    return json.loads(out.splitlines()[-1])


def peak_rss_of_default_run(cli):
    """A default `latent-cli train` (batch 256, online probes, final
    evaluation on all of Fashion-MNIST), shortened to 30 steps, in a fresh
    Python process whose only child it is: RUSAGE_CHILDREN is that run's."""
    out = tempfile.mkdtemp(prefix="rss_run_")
    try:
        code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        kib = subprocess.run([sys.executable, "-c", code, cli, "train", "--out", out + "/run", "--steps", "30",
                              "--probe-every", "10"], check=True, capture_output=True, text=True).stdout
        return int(kib) / 1024.0
    finally:
        shutil.rmtree(out, ignore_errors=True)


def spread(values):
    return f"{statistics.median(values):.2f}x (min {min(values):.2f}, max {max(values):.2f})"


def bench_case(name, path, args, peak):
    preset, batch = CASES[name]
    cpp_rounds, py_rounds, plain_rounds = [], [], []
    for _ in range(args.rounds):
        cpp_rounds.append(run_cpp(args.bench, path, preset, batch, args.steps, args.threads))
        py_rounds.append(run_python(path, preset, batch, True, args.steps, args.threads))
        if name == "default":
            plain_rounds.append(run_python(path, preset, batch, False, args.steps, args.threads))
    med = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
    split = [r["split"] for r in cpp_rounds]
    info = json.load(open(path[:-3] + ".json"))
    print(f"\n== {name}: {info['channels']}x{info['resolution']}x{info['resolution']} generator, {preset} encoder, "
          f"batch {batch} x {VIEWS} views, {args.threads} threads, {split[0]['precision']} both sides, "
          f"channels-last both sides, {args.rounds} interleaved rounds of {args.steps} steps")
    print(f"{'phase (median s)':<24}{'C++':>10}{'Python':>10}")
    for k in ("generation", "augmentation", "forward", "backward", "optimizer"):
        print(f"{k:<24}{med(split, k + '_s'):>10.4f}{med(py_rounds, k):>10.4f}")
    cpp_e2e = [r["end_to_end"]["images_per_s"] for r in cpp_rounds]
    py_e2e = [r["images_per_s"] for r in py_rounds]
    print(f"{'views/s end to end':<24}{statistics.median(cpp_e2e):>10.0f}{statistics.median(py_e2e):>10.0f}"
          f"   (C++ phases run one after another: {med(split, 'serial_images_per_s'):.0f})")
    print("C++ / Python, equal settings, per round: " + spread([c / p for c, p in zip(cpp_e2e, py_e2e)])
          + (" (target >= 1.5x)" if name == "default" else ""))
    if plain_rounds:
        plain = [r["images_per_s"] for r in plain_rounds]
        print("C++ / plain Python (fp32, NCHW), per round: " + spread([c / p for c, p in zip(cpp_e2e, plain)]))
    flops = py_rounds[0]["flops"]
    for side, fwd, bwd in (("C++", med(split, "forward_s"), med(split, "backward_s")),
                           ("Python", med(py_rounds, "forward"), med(py_rounds, "backward"))):
        achieved = 3 * flops / (fwd + bwd) / 1e9
        print(f"encoder forward + backward, {side}: {achieved:.1f} GFLOP/s = {100 * achieved / peak:.0f}% of the "
              f"measured conv peak {peak:.1f} GFLOP/s (target >= 50%)")
    print(f"peak RSS: bench_training process (phases + a {args.steps + 2}-step trainer run) "
          f"{max(r['memory']['peak_rss_mib'] for r in cpp_rounds):.0f} MiB; Python reference process "
          f"{max(r['peak_rss_mib'] for r in py_rounds):.0f} MiB")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--reference":
        path, preset, batch, tuned, steps, threads = sys.argv[2:8]
        print(json.dumps(python_reference(path, preset, int(batch), tuned == "1", int(steps), int(threads))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench")
    parser.add_argument("cli")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--cases", default="default,colour64,resnet18")
    args = parser.parse_args()
    bf16 = has_bf16()
    peak = conv_peak_gflops(args.threads, bf16)
    print(f"3x3 convolution peak on {args.threads} threads ({'bf16 autocast' if bf16 else 'fp32'}, the encoders' "
          f"precision; channels-last; measured now): {peak:.1f} GFLOP/s")
    folder = tempfile.mkdtemp(prefix="throughput_")
    try:
        for name in args.cases.split(","):
            if name not in CASES:
                sys.exit(f"unknown case {name!r}; expected one of {', '.join(CASES)}")
            path = export_colour_generator(folder) if name == "colour64" else DEFAULT_GENERATOR
            bench_case(name, path, args, peak)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\npeak RSS of a default latent-cli train run (30 steps, probes, final evaluation; that process alone): "
          f"{peak_rss_of_default_run(args.cli):.0f} MiB (target < 2048)")


if __name__ == "__main__":
    main()
