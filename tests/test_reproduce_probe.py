#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The exported encoder is the measured one: a short run on a small IDX
dataset, then tools/reproduce_probe.py measures its encoder.pt alone (Debian's
python3-torch) and must find the accuracies the run reported, on validation
and test, for both probes and the kNN.

Usage: test_reproduce_probe.py LATENT_CLI TOOLS_DIR
"""

import json
import os
import struct
import subprocess
import sys
import tempfile

import torch


def write_idx(folder, split, images, labels):
    n, h, w = images.shape
    with open(os.path.join(folder, split + "-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, h, w) + images.numpy().tobytes())
    with open(os.path.join(folder, split + "-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + labels.to(torch.uint8).numpy().tobytes())


def noisy_classes(n, classes, generator):
    """28x28 grey images: a bar whose position is the class, under strong
    noise, so that probes are neither perfect nor at chance (a wrong
    validation part or other features would change the accuracies)."""
    labels = torch.arange(n) % classes
    x = torch.rand(n, 28, 28, generator=generator) * 230
    for i in range(n):
        c = int(labels[i])
        x[i, 4 + 5 * c:7 + 5 * c, 6:22] += 60
    return x.clamp(0, 255).to(torch.uint8), labels


def main():
    cli, tools = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(5)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        os.makedirs(data)
        write_idx(data, "train", *noisy_classes(480, 4, g))
        write_idx(data, "t10k", *noisy_classes(160, 4, g))
        run = os.path.join(tmp, "run")
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
        trained = subprocess.run([cli, "train", "--real", "idx:" + data, "--eval", "idx:" + data,
                                  "--steps", "12", "--batch", "32", "--probe-every", "0",
                                  "--precision", "fp32", "--out", run], env=env,
                                 capture_output=True, text=True)
        assert trained.returncode == 0, trained.stderr
        final = None
        with open(os.path.join(run, "metrics.jsonl")) as f:
            for line in f:
                row = json.loads(line)
                if row.get("kind") == "final":
                    final = row
        assert final, "the run wrote no final evaluation"

        out = subprocess.run([sys.executable, os.path.join(tools, "reproduce_probe.py"),
                              os.path.join(run, "encoder.pt"), "--json"], check=True, env=env,
                             capture_output=True, text=True)
        got = json.loads(out.stdout)
        assert got["images"] == {"fit": 432, "validation": 48, "test": 160}, got["images"]
        reported = {("validation", "probe"): final["val_probe"],
                    ("validation", "probe_global"): final["val_probe_global"],
                    ("validation", "knn"): final["val_knn"],
                    ("test", "probe"): final["probe"],
                    ("test", "probe_global"): final["probe_global"],
                    ("test", "knn"): final["knn"]}
        failures = []
        for (split, what), value in reported.items():
            n = got["images"][split]
            # The same features and the same L-BFGS: at most one image apart.
            if abs(got[split][what] - value) > 1.0 / n + 1e-9:
                failures.append(f"{split} {what}: reported {value:.4f}, "
                                f"from encoder.pt {got[split][what]:.4f}")
            print(f"{split:10} {what:12} run {100 * value:6.2f}%  encoder.pt "
                  f"{100 * got[split][what]:6.2f}%")
        # The data is neither trivial nor noise, so the comparison can fail.
        assert 0.4 < final["probe"] < 0.99, final
        assert not failures, "\n".join(failures)

        # CIFAR's Python version reads as the same images and labels as its
        # binary version (the pickles as Python 2 and today's Python write them).
        sys.path.insert(0, tools)
        import pickle
        import reproduce_probe
        cifar = {"bin": os.path.join(tmp, "c10-bin"), "py": os.path.join(tmp, "c10-py")}
        for folder in cifar.values():
            os.makedirs(folder)
        for name, n in (("data_batch_1", 7), ("data_batch_2", 5), ("test_batch", 3)):
            labels = torch.randint(0, 10, (n,), generator=g, dtype=torch.uint8)
            planes = torch.randint(0, 256, (n, 3072), generator=g, dtype=torch.uint8)
            with open(os.path.join(cifar["bin"], name + ".bin"), "wb") as f:
                f.write(torch.cat([labels.view(n, 1), planes], 1).numpy().tobytes())
            with open(os.path.join(cifar["py"], name), "wb") as f:
                pickle.dump({b"labels": labels.tolist(), b"data": planes.numpy()}, f,
                            protocol=2 if n == 7 else 5)
        (xb, yb), (tb, ub) = reproduce_probe.open_dataset("cifar10", cifar["bin"], 10)
        (xp, yp), (tp, up) = reproduce_probe.open_dataset("cifar10", cifar["py"], 10)
        assert xb.shape == (12, 32, 32, 3) and tb.shape == (3, 32, 32, 3), (xb.shape, tb.shape)
        assert torch.equal(xb, xp) and torch.equal(yb, yp), "CIFAR Python train differs"
        assert torch.equal(tb, tp) and torch.equal(ub, up), "CIFAR Python test differs"
        with open(os.path.join(cifar["py"], "test_batch"), "wb") as f:
            f.write(b"\x80\x02cos\nsystem\n(U\x02lstR.")
        r = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                            "import reproduce_probe as r; r.open_dataset('cifar10', sys.argv[2], 10)",
                            tools, cifar["py"]], capture_output=True, text=True)
        assert r.returncode == 2 and "names os.system" in r.stderr, r.stderr

        # A file that is not an exported encoder gets a clear error.
        bad = os.path.join(tmp, "bad.pt")
        with open(bad, "w") as f:
            f.write("not a module")
        r = subprocess.run([sys.executable, os.path.join(tools, "reproduce_probe.py"), bad],
                           capture_output=True, text=True)
        assert r.returncode == 2 and "bad.pt is not a TorchScript module" in r.stderr, r.stderr
    print("ok")


if __name__ == "__main__":
    main()
