#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds the tiny diffusion generators test_diffusion loads, and the
reference DDIM samples they must reproduce.

    diffusion_fixture.py OUTDIR

Writes OUTDIR/tiny-<variant>.pt + .json (one class-conditional denoiser of a
few hundred weights, 1x8x8 images, 50 timesteps, under sidecars that call
its output eps, v or x0), xT.bin (float32 [4, 1, 8, 8]) and
ref-<variant>.bin (float32 [4, 1, 8, 8]): x_0 from this file's own DDIM,
written the way the project documents its sampler (core/generators/diffusion.h), for
classes y = [0, 1, 2, 0].
"""
import json
import math
import os
import sys

import torch

T, C, R, K, NULL = 50, 1, 8, 3, 3
BETA_START, BETA_END = 0.001, 0.2


class TinyDenoiser(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.time = torch.nn.Embedding(T, 8)
        self.label = torch.nn.Embedding(K + 1, 8)  # index K: no class
        self.inp = torch.nn.Conv2d(C, 8, 3, padding=1)
        self.out = torch.nn.Conv2d(8, C, 3, padding=1)

    def forward(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        h = self.inp(x) + (self.time(t) + self.label(y))[:, :, None, None]
        return self.out(torch.tanh(h))


def alphas_cumprod():
    betas = [BETA_START + (t / (T - 1)) * (BETA_END - BETA_START) for t in range(T)]
    out, product = [], 1.0
    for b in betas:
        product *= 1 - b
        out.append(product)
    return out


def ddim(model, prediction, x_t, y, steps, guidance):
    abar = alphas_cumprod()
    ts = [int(math.floor(T - i * T / steps + 0.5)) - 1 for i in range(steps)]
    x, n = x_t.clone(), x_t.shape[0]
    for i, t in enumerate(ts):
        a = abar[t]
        a_prev = abar[ts[i + 1]] if i + 1 < len(ts) else 1.0
        with torch.no_grad():
            if guidance != 1.0:
                both = model(torch.cat([x, x]), torch.full((2 * n,), t, dtype=torch.long),
                             torch.cat([y, torch.full_like(y, NULL)]))
                cond, uncond = both[:n], both[n:]
                out = uncond + guidance * (cond - uncond)
            else:
                out = model(x, torch.full((n,), t, dtype=torch.long), y)
        sa, sb = math.sqrt(a), math.sqrt(1 - a)
        if prediction == "eps":
            x0 = (x - sb * out) / sa
        elif prediction == "v":
            x0 = sa * x - sb * out
        else:
            x0 = out
        x0 = x0.clamp(-1, 1)
        eps = (x - sa * x0) / sb  # derived from the clamped x0, as core/generators/diffusion.cpp does
        x = math.sqrt(a_prev) * x0 + math.sqrt(max(0.0, 1 - a_prev)) * eps
    return x


VARIANTS = {  # name: prediction, steps, guidance
    "eps": ("eps", 5, 2.0),
    "v": ("v", 7, 1.0),
    "x0": ("x0", 4, 1.0),
}


def write(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = torch.jit.script(TinyDenoiser().eval())
    x_t = torch.randn(4, C, R, R, generator=torch.Generator().manual_seed(1))
    y = torch.tensor([0, 1, 2, 0])
    x_t.numpy().astype("<f4").tofile(os.path.join(out, "xT.bin"))
    for name, (prediction, steps, guidance) in VARIANTS.items():
        base = os.path.join(out, "tiny-" + name)
        torch.jit.save(model, base + ".pt")
        sidecar = {
            "schema_version": 2, "kind": "diffusion", "name": "tiny " + name,
            "num_classes": K, "channels": C, "resolution": R, "output_range": [-1, 1],
            "call": "x,t,y",
            "diffusion": {
                "prediction": prediction, "timesteps": T,
                "schedule": {"type": "linear", "beta_start": BETA_START, "beta_end": BETA_END},
                "null_class": NULL,
                "sampler": {"steps": steps, "guidance": guidance, "eta": 0},
            },
        }
        with open(base + ".json", "w") as f:
            json.dump(sidecar, f, indent=2)
        ddim(model, prediction, x_t, y, steps, guidance).numpy().astype("<f4").tofile(
            os.path.join(out, "ref-" + name + ".bin"))


if __name__ == "__main__":
    write(sys.argv[1])
