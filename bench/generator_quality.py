#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Quality of a class-conditional Fashion-MNIST generator, measured with a
small classifier trained here on real data (no timing, no test):

  fidelity  share of 10,000 generated samples (classes in turn, truncation 1)
            that the real-trained classifier assigns to their conditioning class
  CAS       classification accuracy score: the same architecture trained only
            on 60,000 generated samples, accuracy on the real test set; the
            real-trained classifier's test accuracy is the reference
  FD        Frechet distance between generated and real test images in the
            real classifier's penultimate features; real train vs real test is
            the reference value

    /usr/bin/python3 bench/generator_quality.py [resources/generators/fashion-cgan.pt] \
        [--epochs 3] [--json out.json]

Latents use the studio's sampling: N(0, 1) truncated to [-t, t] by inverse CDF.
"""
import argparse
import gzip
import json
import math
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

FASHION = "/usr/share/datasets/fashion-mnist"


def read_split(prefix):
    with gzip.open(f"{FASHION}/{prefix}-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(f"{FASHION}/{prefix}-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    x = torch.from_numpy(x.copy()).float().div(127.5).sub(1)
    return F.pad(x, (2, 2, 2, 2), value=-1.0), torch.from_numpy(y.astype(np.int64))


def truncated_normal(n, d, t, gen):
    if t <= 0:
        return torch.randn(n, d, generator=gen)
    lo = 0.5 * math.erfc(t / math.sqrt(2))
    u = torch.rand(n, d, generator=gen, dtype=torch.float64) * (1 - 2 * lo) + lo
    return (torch.erfinv(u * 2 - 1) * math.sqrt(2)).clamp(-t, t).float()


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.c3 = nn.Conv2d(64, 128, 3, padding=1)
        self.fc = nn.Linear(128 * 4 * 4, 256)
        self.out = nn.Linear(256, 10)

    def features(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        return F.relu(self.fc(x.flatten(1)))  # [N, 256] penultimate features

    def forward(self, x):
        return self.out(self.features(x))


def train_classifier(x, y, epochs, seed):
    torch.manual_seed(seed)
    net = Classifier()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    steps = epochs * (len(x) // 128)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=steps)
    for _ in range(epochs):
        perm = torch.randperm(len(x))
        for i in range(len(x) // 128):
            idx = perm[i * 128:(i + 1) * 128]
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    return net.eval()


@torch.no_grad()
def predict(net, x, feats=False):
    out = [(net.features if feats else net)(x[i:i + 1000]) for i in range(0, len(x), 1000)]
    return torch.cat(out)


@torch.no_grad()
def generate(g, n, t, seed):
    gen = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 10
    xs = [g(truncated_normal(min(1000, n - i), 64, t, gen), y[i:i + 1000]) for i in range(0, n, 1000)]
    return torch.cat(xs), y


def frechet(a, b):
    a, b = a.double(), b.double()
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = torch.cov(a.T), torch.cov(b.T)
    # tr(sqrt(s1 s2)) from the eigenvalues of sqrt(s1) s2 sqrt(s1), which is symmetric.
    e1, v1 = torch.linalg.eigh(s1)
    r1 = v1 @ torch.diag(e1.clamp(min=0).sqrt()) @ v1.T
    m = r1 @ s2 @ r1
    tr_sqrt = torch.linalg.eigvalsh((m + m.T) / 2).clamp(min=0).sqrt().sum()
    return float(((mu1 - mu2) ** 2).sum() + torch.trace(s1) + torch.trace(s2) - 2 * tr_sqrt)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("generator", nargs="?", default="resources/generators/fashion-cgan.pt")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args()
    torch.set_num_threads(os.cpu_count())
    t0 = time.time()
    xtr, ytr = read_split("train")
    xte, yte = read_split("t10k")
    g = torch.jit.load(args.generator).eval()

    real = train_classifier(xtr, ytr, args.epochs, seed=0)
    real_acc = (predict(real, xte).argmax(1) == yte).float().mean().item()

    xf, yf = generate(g, 10000, 1.0, seed=1)
    fidelity = (predict(real, xf).argmax(1) == yf).float().mean().item()

    xu, yu = generate(g, 10000, 0.0, seed=3)
    fidelity_untruncated = (predict(real, xu).argmax(1) == yu).float().mean().item()

    xg, yg = generate(g, 60000, 0.0, seed=2)
    cas_net = train_classifier(xg, yg, args.epochs, seed=0)
    cas = (predict(cas_net, xte).argmax(1) == yte).float().mean().item()

    f_test = predict(real, xte, feats=True)
    fd_gen = frechet(predict(real, xg[:10000], feats=True), f_test)
    fd_ref = frechet(predict(real, xtr[:10000], feats=True), f_test)

    result = {"generator": args.generator, "classifier_epochs": args.epochs,
              "real_test_accuracy": real_acc, "fidelity_t1": fidelity,
              "fidelity_untruncated": fidelity_untruncated, "cas": cas,
              "fd_generated_vs_test": fd_gen, "fd_real_train_vs_test": fd_ref,
              "seconds": round(time.time() - t0)}
    print(f"classifier trained on real data, test accuracy: {real_acc:.2%} (reference for CAS)")
    print(f"fidelity (10k samples, truncation 1):  {fidelity:.2%}   target >= 88%")
    print(f"fidelity (10k samples, untruncated):   {fidelity_untruncated:.2%}")
    print(f"CAS (trained on 60k generated, untruncated): {cas:.2%}   target >= 82%; "
          f"ratio to real {cas / real_acc:.3f}")
    print(f"FD generated vs real test: {fd_gen:.2f}; reference real train vs real test: {fd_ref:.2f} "
          f"(ratio {fd_gen / max(fd_ref, 1e-9):.1f}x)")
    print(f"took {result['seconds']} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
