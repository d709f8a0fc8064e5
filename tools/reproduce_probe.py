#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Measure an encoder exported by Latent Studio (a run's encoder.pt) with the
protocol its run reported, from the file alone: the encoder's protocol()
method names the real data, the input shape, the validation part and the
probe settings; this script reads the data (IDX, or CIFAR's binary or Python version), carves
the same validation part, encodes every image with probe_features (and
forward, for the global-pool probe), and fits the same linear probes and kNN.

    python3 tools/reproduce_probe.py runs/my-run/encoder.pt
    python3 tools/reproduce_probe.py encoder.pt --data /elsewhere/fashion-mnist --json

Needs only PyTorch (Debian: python3-torch). Images that fit the encoder's
input are centred on black exactly as the studio does; images that must be
resized go through torch's interpolation instead of OpenCV's, so results may
then differ slightly from the run's.
"""

import argparse
import gzip
import json
import os
import pickle
import struct
import sys

import torch


def fail(message):
    print("reproduce_probe: " + message, file=sys.stderr)
    sys.exit(2)


def read_bytes(path):
    for candidate in (path + ".gz", path):
        if os.path.exists(candidate):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(candidate, "rb") as f:
                return f.read()
    fail(f"{path} (or {path}.gz) does not exist")


def read_idx(folder, split):
    """(images uint8 [N, H, W, 1], labels int64 [N]) of an IDX split."""
    images = read_bytes(os.path.join(folder, split + "-images-idx3-ubyte"))
    labels = read_bytes(os.path.join(folder, split + "-labels-idx1-ubyte"))
    magic, n, h, w = struct.unpack(">IIII", images[:16])
    if magic != 0x803 or len(images) != 16 + n * h * w:
        fail(f"{folder}: {split} images are not an IDX file of {n} {h}x{w} images")
    magic, m = struct.unpack(">II", labels[:8])
    if magic != 0x801 or m != n or len(labels) != 8 + n:
        fail(f"{folder}: {split} labels do not match its {n} images")
    x = torch.frombuffer(bytearray(images[16:]), dtype=torch.uint8).view(n, h, w, 1)
    y = torch.frombuffer(bytearray(labels[8:]), dtype=torch.uint8).to(torch.int64)
    return x, y


def read_cifar(paths, label_bytes):
    """(images uint8 [N, 32, 32, 3], labels int64 [N]) of CIFAR binary batches."""
    xs, ys = [], []
    record = label_bytes + 3072
    for path in paths:
        raw = read_bytes(path)
        if len(raw) % record:
            fail(f"{path} is not a CIFAR binary batch ({len(raw)} bytes)")
        t = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(-1, record)
        ys.append(t[:, label_bytes - 1].to(torch.int64))  # CIFAR-100: the fine label
        xs.append(t[:, label_bytes:].reshape(-1, 3, 32, 32).permute(0, 2, 3, 1))
    return torch.cat(xs), torch.cat(ys)


class ArraysOnly(pickle.Unpickler):
    """Unpickles NumPy arrays and plain values; any other class a file names is
    refused, as the studio's own reader does (a pickle can run code)."""
    ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
               ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
               ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode")}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"it names {module}.{name}; only NumPy arrays are read")
        return super().find_class(module, name)


def read_cifar_python(paths, label_key):
    """The same as read_cifar, from the Python version's pickled batches."""
    import numpy
    xs, ys = [], []
    for path in paths:
        try:
            with open(path, "rb") as f:
                batch = ArraysOnly(f, encoding="bytes").load()
            batch = {k.decode() if isinstance(k, bytes) else k: v for k, v in batch.items()}
            data = numpy.ascontiguousarray(batch["data"], dtype=numpy.uint8)
            labels = numpy.asarray(batch[label_key], dtype=numpy.int64)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, ValueError) as e:
            fail(f"{path} is not a CIFAR Python batch ({e!r})")
        xs.append(torch.from_numpy(data).reshape(-1, 3, 32, 32).permute(0, 2, 3, 1))
        ys.append(torch.from_numpy(labels))
    return torch.cat(xs), torch.cat(ys)


def open_dataset(fmt, folder, num_classes):
    if fmt == "idx":
        return read_idx(folder, "train"), read_idx(folder, "t10k")
    if fmt in ("cifar10", "cifar100"):
        # The binary version's files end in .bin; the Python version's are the same names without.
        train, test = (["train"], "test") if fmt == "cifar100" else \
            ([f"data_batch_{i}" for i in range(1, 6)], "test_batch")
        python = not os.path.isfile(os.path.join(folder, test + ".bin"))
        ext = "" if python else ".bin"
        train = [os.path.join(folder, b + ext) for b in train]
        train = [b for b in train if os.path.isfile(b)]
        test = os.path.join(folder, test + ext)
        if not train or not os.path.isfile(test):
            fail(f"{folder} holds no {fmt} batches (expected the binary version's .bin files or "
                 "the Python version's pickles)")
        if python:
            key = "fine_labels" if fmt == "cifar100" else "labels"
            return read_cifar_python(train, key), read_cifar_python([test], key)
        label_bytes = 2 if fmt == "cifar100" else 1
        return read_cifar(train, label_bytes), read_cifar([test], label_bytes)
    fail(f"the run's data is in format '{fmt}'; this script reads idx, cifar10 and cifar100 "
         "(image folders: measure with `latent-cli evaluate` instead)")


def shape(images, channels, side):
    """uint8 [N, H, W, C] -> float32 [N, channels, side, side] in [0, 1], as the
    studio shapes images: small ones centred on black, larger ones resized so
    the shorter side fits and centre-cropped; grey <-> RGB converted."""
    x = images.permute(0, 3, 1, 2).to(torch.float32)
    if x.shape[1] != channels:
        if channels == 3:
            x = x.repeat(1, 3, 1, 1)
        else:  # BT.601 luminance in OpenCV's fixed point (14 bits)
            r, g, b = images.permute(0, 3, 1, 2).to(torch.int64).unbind(1)
            x = ((r * 4899 + g * 9617 + b * 1868 + 8192) >> 14).unsqueeze(1).to(torch.float32)
    h, w = x.shape[2], x.shape[3]
    if h <= side and w <= side and 4 * min(h, w) >= 3 * side:
        top, left = (side - h) // 2, (side - w) // 2
        x = torch.nn.functional.pad(x, (left, side - w - left, top, side - h - top))
    else:
        scale = side / min(h, w)
        nh, nw = max(side, round(h * scale)), max(side, round(w * scale))
        mode = "area" if scale < 1 else "bilinear"
        x = torch.nn.functional.interpolate(x, size=(nh, nw), mode=mode,
                                            **({} if mode == "area" else {"align_corners": False}))
        x = x.round().clamp(0, 255)
        top, left = (nh - side) // 2, (nw - side) // 2
        x = x[:, :, top:top + side, left:left + side]
    return x / 255.0


def carve_validation(labels, num_classes, fraction, seed):
    """The studio's stratified validation part: for each class in order, its
    members shuffled by one CPU generator seeded with `seed`; the first
    round(fraction * n) (at most n - 1) are validation. Sorted indices."""
    g = torch.Generator().manual_seed(seed)
    fit, val = [], []
    for c in range(num_classes):
        members = (labels == c).nonzero().flatten()
        n = members.numel()
        take = min(int(fraction * n + 0.5), n - 1)
        shuffled = members[torch.randperm(n, generator=g)]
        if take > 0:
            val.append(shuffled[:take])
        fit.append(shuffled[max(take, 0):])
    return torch.cat(fit).sort().values, torch.cat(val).sort().values


def encode(encoder, images, channels, side, batch=512):
    """(probe_features [N, 4F], forward's globally pooled features [N, F])."""
    probe, pooled = [], []
    with torch.no_grad():
        for i in range(0, images.shape[0], batch):
            x = shape(images[i:i + batch], channels, side)
            probe.append(encoder.probe_features(x).to(torch.float32))
            pooled.append(encoder(x).to(torch.float32))
    return torch.cat(probe), torch.cat(pooled)


class LinearProbe:
    """Multinomial logistic regression on standardised features, full-batch
    L-BFGS with a strong Wolfe line search and an L2 penalty on the weights."""

    def __init__(self, x, y, num_classes, iterations, l2, history):
        self.mean = x.mean(0, keepdim=True)
        self.std = x.std(0, unbiased=True, keepdim=True).clamp_min(1e-6)
        xs = (x - self.mean) / self.std
        self.w = torch.zeros(x.shape[1], num_classes, requires_grad=True)
        self.b = torch.zeros(num_classes, requires_grad=True)
        opt = torch.optim.LBFGS([self.w, self.b], lr=1.0, max_iter=iterations,
                                history_size=history, line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(xs @ self.w + self.b, y) \
                + 0.5 * l2 * self.w.pow(2).sum()
            loss.backward()
            return loss

        opt.step(closure)

    def accuracy(self, x, y):
        with torch.no_grad():
            predicted = (((x - self.mean) / self.std) @ self.w + self.b).argmax(1)
            return predicted.eq(y).double().mean().item()


def knn_accuracy(train_x, train_y, x, y, num_classes, k, temperature):
    train = torch.nn.functional.normalize(train_x, dim=1)
    query = torch.nn.functional.normalize(x, dim=1)
    k = min(k, train.shape[0])
    correct = 0
    for i in range(0, query.shape[0], 1024):
        top, idx = (query[i:i + 1024] @ train.t()).topk(k, dim=1)
        votes = torch.zeros(top.shape[0], num_classes)
        votes.scatter_add_(1, train_y[idx], (top / temperature).exp())
        correct += votes.argmax(1).eq(y[i:i + 1024]).sum().item()
    return correct / query.shape[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("encoder", help="encoder.pt exported by a run")
    parser.add_argument("--data", help="the dataset folder, when it is not where the run read it")
    parser.add_argument("--json", action="store_true", help="print the accuracies as JSON")
    args = parser.parse_args()

    torch.set_num_threads(max(1, torch.get_num_threads()))
    try:
        encoder = torch.jit.load(args.encoder, map_location="cpu").eval()
    except Exception as e:  # noqa: BLE001 - any load failure is the user's file
        fail(f"{args.encoder} is not a TorchScript module: {e}")
    if not hasattr(encoder, "protocol"):
        fail(f"{args.encoder} has no protocol(); export it again with this version of "
             "Latent Studio")
    p = json.loads(encoder.protocol())
    folder = args.data or p["data_path"]
    (train_x, train_y), (test_x, test_y) = open_dataset(p["data_format"], folder, p["num_classes"])
    classes, channels, side = p["num_classes"], p["channels"], p["resolution"]
    fit, val = carve_validation(train_y, classes, p["validation_fraction"], p["validation_seed"])

    features, pooled = encode(encoder, train_x, channels, side)
    test_features, test_pooled = encode(encoder, test_x, channels, side)
    fit_x, fit_y = features[fit], train_y[fit]
    val_x, val_y = features[val], train_y[val]
    settings = (p["probe_iterations"], p["probe_l2"], p["probe_history"])
    probe = LinearProbe(fit_x, fit_y, classes, *settings)
    probe_global = LinearProbe(pooled[fit], fit_y, classes, *settings)
    knn = (p["knn_k"], p["knn_temperature"])
    result = {
        "validation": {
            "probe": probe.accuracy(val_x, val_y),
            "probe_global": probe_global.accuracy(pooled[val], val_y),
            "knn": knn_accuracy(fit_x, fit_y, val_x, val_y, classes, *knn),
        },
        "test": {
            "probe": probe.accuracy(test_features, test_y),
            "probe_global": probe_global.accuracy(test_pooled, test_y),
            "knn": knn_accuracy(fit_x, fit_y, test_features, test_y, classes, *knn),
        },
        "images": {"fit": int(fit.numel()), "validation": int(val.numel()),
                   "test": int(test_y.numel())},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for split in ("validation", "test"):
        r = result[split]
        print(f"{split:10}: linear probe {100 * r['probe']:.2f}% (global pool "
              f"{100 * r['probe_global']:.2f}%), kNN {100 * r['knn']:.2f}%")


if __name__ == "__main__":
    main()
