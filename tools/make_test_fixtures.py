#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the small TorchScript modules under tests/data that the tests load.

    /usr/bin/python3 tools/make_test_fixtures.py tests/data

Each is a few KB; they are committed so that the C++ tests need no Python.
"""
import os
import shutil
import sys
import tempfile
from typing import Tuple

import torch
import torch.nn as nn


class Unconditional(nn.Module):
    """forward(z [N, 16]) -> [N, 3, 8, 8] in [-1, 1]; shipped without a sidecar."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 3 * 8 * 8)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.fc(z)).view(-1, 3, 8, 8)


class Conditional(nn.Module):
    """forward(z [N, 8], y [N]) -> [N, 1, 8, 8] in [0, 1], 5 classes; no sidecar."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(5, 4)
        self.fc = nn.Linear(12, 64)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.fc(torch.cat([z, self.embed(y)], 1))).view(-1, 1, 8, 8)


class KnownProjection(nn.Module):
    """forward(z [N, 2]) -> [N, 1, 4, 4]; the first projection has unit columns
    [[1, cos 60deg], [0, sin 60deg]], so SeFa's A^T A = [[1, .5], [.5, 1]] with
    eigenvectors (1, 1)/sqrt 2 (eigenvalue 1.5) and (1, -1)/sqrt 2 (0.5)."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(2, 2, bias=False)
        with torch.no_grad():
            self.proj.weight.copy_(torch.tensor([[1.0, 0.5], [0.0, 3.0 ** 0.5 / 2]]))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.proj(z)).repeat(1, 8).view(-1, 1, 4, 4)


class ReturnsNaN(nn.Module):
    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = torch.zeros(z.shape[0], 1, 8, 8)
        x[:, :, 0, 0] = float("nan")
        return x


class ReturnsInf(nn.Module):
    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.full((z.shape[0], 1, 8, 8), float("inf"))


class ReturnsTuple(nn.Module):
    def forward(self, z: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return z, z


class ThreeInputs(nn.Module):
    def forward(self, z: torch.Tensor, y: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        return z


class WrongShape(nn.Module):
    """forward(z [N, 16]) -> [N, 3, 64, 64] (its sidecar claims 1 x 32 x 32)."""

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.zeros(z.shape[0], 3, 64, 64)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    for name, module in [("unconditional", Unconditional()), ("conditional", Conditional()),
                         ("returns_nan", ReturnsNaN()), ("returns_inf", ReturnsInf()),
                         ("returns_tuple", ReturnsTuple()), ("three_inputs", ThreeInputs()),
                         ("wrong_shape", WrongShape()), ("known_projection", KnownProjection())]:
        torch.jit.script(module.eval()).save(os.path.join(out, name + ".pt"))
    sidecar = ('{"schema_version": 1, "name": "%s", "latent_size": 16, "num_classes": 0, '
               '"channels": 1, "resolution": %d, "output_range": [-1, 1], "call": "z"}\n')
    for name, res in [("returns_nan", 8), ("returns_inf", 8), ("wrong_shape", 32)]:
        with open(os.path.join(out, name + ".json"), "w") as f:
            f.write(sidecar % (name, res))
    # diffusion.pt + .json: tests/diffusion_fixture.py's tiny class-conditional
    # denoiser (1x8x8, eps prediction, 50 timesteps, guidance 2), for the
    # studio's tests.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
    import diffusion_fixture
    with tempfile.TemporaryDirectory() as tmp:
        diffusion_fixture.write(tmp)
        for ext in (".pt", ".json"):
            shutil.copy(os.path.join(tmp, "tiny-eps" + ext), os.path.join(out, "diffusion" + ext))


if __name__ == "__main__":
    main()
