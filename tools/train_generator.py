#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train the default class-conditional Fashion-MNIST generator and export it.

Runs on Debian's python3-torch (call /usr/bin/python3). Seeded; checkpoints at
every epoch into --work and resumes from there when started again, so a
session that ends mid-run loses at most one epoch.

    /usr/bin/python3 tools/train_generator.py --epochs 12 \
        --work build/gen-train --out resources/generators/fashion-cgan

Architecture (about 0.5M generator / 0.26M discriminator parameters):
  G: z[64] ++ embed(y)[32] -> linear -> [96, 7, 7]
     -> (nearest x2, 3x3 conv, class-conditional BN, ReLU) 96-48-24
     -> 3x3 conv -> tanh -> [1, 28, 28], padded with background (-1) to 32x32
  D: spectral-normalised 4x4 stride-2 convs 40-80-160, LeakyReLU 0.1,
     sum pooling, linear output plus a class-projection term; hinge loss.
The exported weights are an exponential moving average of G's, with the
batch-norm statistics recomputed from samples of that average.
"""
import argparse
import copy
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

LATENT = 64
CLASSES = 10
EMBED = 32
FASHION = "/usr/share/datasets/fashion-mnist"


def read_idx_images(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    n, h, w = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, h, w)


def read_idx_labels(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=8).astype(np.int64)


class ConditionalBatchNorm(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, affine=False)
        self.gamma = nn.Embedding(CLASSES, channels)
        self.beta = nn.Embedding(CLASSES, channels)
        nn.init.ones_(self.gamma.weight)
        nn.init.zeros_(self.beta.weight)

    def forward(self, x, y):
        g = self.gamma(y).unsqueeze(-1).unsqueeze(-1)
        b = self.beta(y).unsqueeze(-1).unsqueeze(-1)
        return self.bn(x) * g + b


class UpBlock(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm = ConditionalBatchNorm(cout)

    def forward(self, x, y):
        x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return F.relu(self.norm(self.conv(x), y))


class Generator(nn.Module):
    """forward(z [N, 64] float, y [N] int64) -> [N, 1, 32, 32] in [-1, 1]."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(CLASSES, EMBED)
        self.fc = nn.Linear(LATENT + EMBED, 96 * 7 * 7)
        self.norm0 = ConditionalBatchNorm(96)
        self.up1 = UpBlock(96, 48)
        self.up2 = UpBlock(48, 24)
        self.out = nn.Conv2d(24, 1, 3, padding=1)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        h = self.fc(torch.cat([z, self.embed(y)], dim=1)).view(-1, 96, 7, 7)
        h = F.relu(self.norm0(h, y))
        h = self.up2(self.up1(h, y), y)
        img = torch.tanh(self.out(h))
        return F.pad(img, (2, 2, 2, 2), value=-1.0)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        sn = nn.utils.spectral_norm
        self.c1 = sn(nn.Conv2d(1, 40, 4, 2, 1))
        self.c2 = sn(nn.Conv2d(40, 80, 4, 2, 1))
        self.c3 = sn(nn.Conv2d(80, 160, 4, 2, 1))
        self.lin = sn(nn.Linear(160, 1))
        self.proj = sn(nn.Embedding(CLASSES, 160))

    def forward(self, x, y):
        h = F.leaky_relu(self.c1(x), 0.1)
        h = F.leaky_relu(self.c2(h), 0.1)
        h = F.leaky_relu(self.c3(h), 0.1)
        h = h.sum(dim=(2, 3))  # [N, 160]
        return self.lin(h).squeeze(1) + (self.proj(y) * h).sum(1)


@torch.no_grad()
def recompute_bn_stats(g, batches=200, batch=256, seed=1):
    """Cumulative BN statistics of the averaged weights over fresh samples."""
    gen = torch.Generator().manual_seed(seed)
    for m in g.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None
    g.train()
    for _ in range(batches):
        z = torch.randn(batch, LATENT, generator=gen)
        y = torch.randint(0, CLASSES, (batch,), generator=gen)
        g(z, y)
    g.eval()


def export(g, out_base, epochs, seconds):
    g = copy.deepcopy(g).cpu()
    recompute_bn_stats(g)
    for p in g.parameters():
        p.requires_grad_(False)
    scripted = torch.jit.script(g)
    tmp = out_base + ".pt.tmp"
    scripted.save(tmp)
    os.replace(tmp, out_base + ".pt")
    sidecar = {
        "schema_version": 1,
        "name": "Fashion-MNIST conditional GAN",
        "latent_size": LATENT,
        "num_classes": CLASSES,
        "class_names": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        "channels": 1,
        "resolution": 32,
        "output_range": [-1.0, 1.0],
        "call": "z,y",
        "training": {"script": "tools/train_generator.py", "epochs": epochs,
                     "seconds": round(seconds), "dataset": "fashion-mnist"},
    }
    with open(out_base + ".json.tmp", "w") as f:
        json.dump(sidecar, f, indent=2)
        f.write("\n")
    os.replace(out_base + ".json.tmp", out_base + ".json")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--work", default="build/gen-train")
    ap.add_argument("--out", default="resources/generators/fashion-cgan")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    os.makedirs(args.work, exist_ok=True)
    ckpt_path = os.path.join(args.work, "checkpoint.pt")

    images = read_idx_images(f"{FASHION}/train-images-idx3-ubyte.gz")
    labels = read_idx_labels(f"{FASHION}/train-labels-idx1-ubyte.gz")
    x = torch.from_numpy(images.copy()).float().div(127.5).sub(1.0).unsqueeze(1)
    x = F.pad(x, (2, 2, 2, 2), value=-1.0)  # [60000, 1, 32, 32]
    y = torch.from_numpy(labels.copy())

    g, d = Generator(), Discriminator()
    g_ema = copy.deepcopy(g)
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 4e-4, betas=(0.5, 0.999))
    start_epoch, seconds = 0, 0.0
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        for obj, key in ((g, "g"), (d, "d"), (g_ema, "g_ema"), (opt_g, "opt_g"), (opt_d, "opt_d")):
            obj.load_state_dict(ck[key])
        start_epoch, seconds = ck["epoch"], ck["seconds"]
        torch.set_rng_state(ck["rng"])
        print(f"resumed from epoch {start_epoch}", flush=True)
    print(f"G {sum(p.numel() for p in g.parameters())} params, "
          f"D {sum(p.numel() for p in d.parameters())} params", flush=True)

    ema_decay = 0.999
    steps_per_epoch = len(x) // args.batch
    for epoch in range(start_epoch, args.epochs):
        t0 = time.time()
        perm = torch.randperm(len(x))
        for i in range(steps_per_epoch):
            idx = perm[i * args.batch:(i + 1) * args.batch]
            real, cls = x[idx], y[idx]
            z = torch.randn(args.batch, LATENT)
            fake_cls = torch.randint(0, CLASSES, (args.batch,))
            fake = g(z, fake_cls)
            loss_d = F.relu(1 - d(real, cls)).mean() + F.relu(1 + d(fake.detach(), fake_cls)).mean()
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            loss_g = -d(fake, fake_cls).mean()
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            with torch.no_grad():
                for pe, p in zip(g_ema.parameters(), g.parameters()):
                    pe.lerp_(p, 1 - ema_decay)
            if i % 200 == 0:
                rate = (i + 1) / max(time.time() - t0, 1e-9)
                print(f"epoch {epoch + 1}/{args.epochs} step {i}/{steps_per_epoch} "
                      f"D {loss_d.item():.3f} G {loss_g.item():.3f} {rate:.1f} steps/s", flush=True)
        seconds += time.time() - t0
        ck = {"g": g.state_dict(), "d": d.state_dict(), "g_ema": g_ema.state_dict(),
              "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(),
              "epoch": epoch + 1, "seconds": seconds, "rng": torch.get_rng_state()}
        # The export first: a kill between the two leaves it ahead of the
        # checkpoint (redone on resume), never behind it for good.
        export(g_ema, args.out, epoch + 1, seconds)
        torch.save(ck, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)
        print(f"epoch {epoch + 1} done, {seconds / 60:.1f} min total; exported {args.out}.pt", flush=True)


if __name__ == "__main__":
    main()
