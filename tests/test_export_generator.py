#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tools/export_generator.py on small modules built here, checked by latent-cli.

usage: test_export_generator.py LATENT_CLI TOOLS_DIR
"""
import os
import subprocess
import sys
import tempfile
import unittest

import torch
import torch.nn as nn

CLI, TOOLS = sys.argv[1], sys.argv[2]
sys.path.insert(0, TOOLS)
from export_generator import export_denoiser, export_generator  # noqa: E402

FACTORY = '''
import torch, torch.nn as nn
class Deconv(nn.Module):
    def __init__(self, latent=32, width=16):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent, width, 4, 1, 0), nn.ReLU(),
            nn.ConvTranspose2d(width, 3, 4, 2, 1), nn.Sigmoid())
    def forward(self, z):
        return self.net(z.view(z.shape[0], -1, 1, 1))
def build(latent=32, width=16):
    return Deconv(latent, width)
'''


class ConditionalMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(4, 8)
        self.fc = nn.Linear(24, 16 * 16)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.fc(torch.cat([z, self.embed(y)], 1))).view(-1, 1, 16, 16)


class ReturnsNaN(nn.Module):
    def forward(self, z):
        return torch.full((z.shape[0], 1, 8, 8), float("nan"))


class TinyDenoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.time = nn.Embedding(100, 8)
        self.label = nn.Embedding(5, 8)  # index 4: no class
        self.conv = nn.Conv2d(1, 8, 3, padding=1)
        self.out = nn.Conv2d(8, 1, 3, padding=1)

    def forward(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.out(torch.tanh(self.conv(x) + (self.time(t) + self.label(y))[:, :, None, None]))


class WrongShapeDenoiser(nn.Module):
    def forward(self, x, t):
        return x[:, :, :4, :4]


def cli(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)


class ExportTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.base = os.path.join(self.dir.name, "gen")

    def tearDown(self):
        self.dir.cleanup()

    def test_conditional_script_and_trace(self):
        torch.manual_seed(0)
        for method in ("script", "trace"):
            sidecar = export_generator(ConditionalMLP(), self.base, latent_size=16, num_classes=4,
                                       method=method, class_names=["a", "b", "c", "d"])
            self.assertEqual(sidecar["resolution"], 16)
            self.assertEqual(sidecar["output_range"], [-1.0, 1.0])
            r = cli("info", self.base + ".pt")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("classes:      4", r.stdout)
            self.assertIn("call:         forward(z, y)", r.stdout)
            self.assertNotIn("assumed", r.stdout)  # the sidecar said it all

    def test_command_line_with_factory_file(self):
        factory = os.path.join(self.dir.name, "models.py")
        with open(factory, "w") as f:
            f.write(FACTORY)
        r = subprocess.run([sys.executable, os.path.join(TOOLS, "export_generator.py"),
                            "--factory", factory + ":build", "--factory-args", '{"width": 8}',
                            "--latent-size", "32", "--method", "trace", "--out", self.base],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        info = cli("info", self.base + ".pt")
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn("images:       3 x 8 x 8", info.stdout)
        self.assertIn("output range: [0, 1]", info.stdout)
        out = os.path.join(self.dir.name, "grid.png")
        self.assertEqual(cli("sample", self.base + ".pt", "--n", "4", "--out", out).returncode, 0)
        self.assertTrue(os.path.getsize(out) > 0)

    def test_diffusion_denoiser(self):
        torch.manual_seed(0)
        sidecar = export_denoiser(TinyDenoiser(), self.base, channels=1, resolution=12,
                                  num_classes=4, timesteps=100, null_class=4,
                                  schedule={"type": "cosine"},
                                  sampler={"steps": 6, "guidance": 1.5})
        self.assertEqual(sidecar["schema_version"], 2)
        self.assertEqual(sidecar["call"], "x,t,y")
        r = cli("info", self.base + ".pt")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("kind:         diffusion", r.stdout)
        self.assertIn("call:         forward(x_t, t, y)", r.stdout)
        self.assertIn("latent size:  144", r.stdout)
        self.assertIn("sampler:      DDIM, 6 steps, guidance 1.5, eta 0", r.stdout)
        out = os.path.join(self.dir.name, "grid.png")
        r = cli("sample", self.base + ".pt", "--n", "8", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.getsize(out) > 0)
        with self.assertRaisesRegex(ValueError, r"returned shape \[4, 1, 4, 4\] for x_t \[4, 1, 12, 12\]"):
            export_denoiser(WrongShapeDenoiser(), self.dir.name + "/bad", channels=1,
                            resolution=12, timesteps=100)
        self.assertFalse(os.path.exists(self.dir.name + "/bad.pt"))
        # A null class among the classes would be sampled as one.
        with self.assertRaisesRegex(ValueError, r"null_class 0: expected num_classes \(4\)"):
            export_denoiser(TinyDenoiser(), self.dir.name + "/nullfirst", channels=1,
                            resolution=12, num_classes=4, timesteps=100, null_class=0)
        self.assertFalse(os.path.exists(self.dir.name + "/nullfirst.pt"))
        # An embedding without the null slot fails at export, not at the first guided sample.
        noslot = TinyDenoiser()
        noslot.label = nn.Embedding(4, 8)
        with self.assertRaisesRegex(ValueError, r"fails on y = null_class \(4\)"):
            export_denoiser(noslot, self.dir.name + "/noslot", channels=1, resolution=12,
                            num_classes=4, timesteps=100, null_class=4)
        self.assertFalse(os.path.exists(self.dir.name + "/noslot.pt"))
        # What the studio's loader refuses is refused here, naming it.
        for kwargs, message in (
                (dict(num_classes=0, null_class=0), r"null_class 0 is set but the model is unconditional"),
                (dict(num_classes=4, sampler={"guidance": 2}), r"guidance 2 needs null_class"),
                (dict(num_classes=4, null_class=4, sampler={"steps": 101}), r"steps 101: expected 1 to timesteps \(100\)"),
                (dict(num_classes=4, null_class=4, sampler={"step": 5}), r"sampler has \['step'\]"),
                (dict(sampler={"steps": 2.5}), r"sampler steps 2.5: expected an integer"),
                (dict(schedule={"type": "sigmoid"}), r"diffusion.schedule.type is 'sigmoid'"),
                (dict(schedule={"type": "linear", "beta_start": 0.02, "beta_end": 1e-4}),
                 r"diffusion.schedule.beta_end is not above beta_start"),
                (dict(schedule={"type": "linear", "beta_start": 1e-4}),
                 r"diffusion.schedule.beta_end is None, expected a number"),
                (dict(schedule={"type": "cosine", "beta_end": 0.02}),
                 r"diffusion.schedule has \['beta_end'\]; a cosine schedule takes only \['s'\]"),
                (dict(schedule={"type": "alphas_cumprod", "values": [0.9] * 100}),
                 r"diffusion.schedule.values holds 0.9 at index 1, expected values in \(0, 1\) "
                 r"that decrease"),
                (dict(schedule={"type": "alphas_cumprod", "values": [0.5, 0.4]}),
                 r"diffusion.schedule.values must be a list of 100 numbers"),
                (dict(output_range=(1, -1)), r"output_range is \[1, -1\], expected \[min, max\]"),
                (dict(output_range=(-1, float("inf"))), r"output_range is \[-1, inf\]"),
                (dict(timesteps=1), r"diffusion.timesteps is 1, expected an integer from 2")):
            kwargs = {"timesteps": 100, **kwargs}
            with self.assertRaisesRegex(ValueError, message):
                export_denoiser(TinyDenoiser(), self.dir.name + "/refused", channels=1,
                                resolution=12, **kwargs)
        self.assertFalse(os.path.exists(self.dir.name + "/refused.pt"))

    def test_bad_module_is_refused_and_writes_nothing(self):
        with self.assertRaisesRegex(ValueError, "NaN or Inf"):
            export_generator(ReturnsNaN(), self.base, latent_size=8)
        self.assertFalse(os.path.exists(self.base + ".pt"))
        self.assertFalse(os.path.exists(self.base + ".json"))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
