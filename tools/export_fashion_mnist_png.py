#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes Fashion-MNIST (Debian's dataset-fashion-mnist) as an image folder:
OUT/train/CLASS/00000.png and OUT/test/CLASS/00000.png, grey 28x28 PNG files,
optionally upscaled and tinted to RGB, so that the "bring your own data" path
can be tried with files anyone can make. Standard library only.

  tools/export_fashion_mnist_png.py OUT [--per-class N] [--scale K] [--rgb]
"""
import argparse
import gzip
import os
import struct
import sys
import zlib

SOURCE = "/usr/share/datasets/fashion-mnist"
# The shipped generators' class names as folder names ("T-shirt/top" has a
# slash): the report card matches classes by these names, letters and digits.
CLASSES = ["t-shirt-top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker",
           "bag", "ankle-boot"]


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = struct.unpack(">" + "I" * (magic & 0xFF), data[4:4 + 4 * (magic & 0xFF)])
    return dims, data[4 + 4 * len(dims):]


def png(width, height, channels, rows):
    """rows: list of bytes, one per row, `channels` bytes per pixel."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    colour = 0 if channels == 1 else 2
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    raw = b"".join(b"\0" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) +
            chunk(b"IEND", b""))


def image_rows(pixels, scale, rgb, label):
    tint = [(1.0, 0.6, 0.6), (0.6, 1.0, 0.6), (0.6, 0.6, 1.0)][label % 3]
    rows = []
    for y in range(28):
        line = pixels[y * 28:(y + 1) * 28]
        out = bytearray()
        for v in line:
            px = bytes(int(v * t) for t in tint) if rgb else bytes([v])
            out += px * scale
        rows.extend([bytes(out)] * scale)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--per-class", type=int, default=0, help="images per class and split (0: all)")
    ap.add_argument("--scale", type=int, default=1, help="upscale by this factor (nearest)")
    ap.add_argument("--rgb", action="store_true", help="tint each class to make RGB files")
    args = ap.parse_args()
    for split, prefix in (("train", "train"), ("test", "t10k")):
        (n, h, w), pixels = read_idx(f"{SOURCE}/{prefix}-images-idx3-ubyte.gz")
        _, labels = read_idx(f"{SOURCE}/{prefix}-labels-idx1-ubyte.gz")
        written = [0] * len(CLASSES)
        for i in range(n):
            c = labels[i]
            if args.per_class and written[c] >= args.per_class:
                continue
            folder = os.path.join(args.out, split, CLASSES[c])
            os.makedirs(folder, exist_ok=True)
            rows = image_rows(pixels[i * h * w:(i + 1) * h * w], args.scale, args.rgb, c)
            path = os.path.join(folder, f"{written[c]:05d}.png")
            with open(path + ".tmp", "wb") as f:  # a killed export leaves no torn PNG
                f.write(png(w * args.scale, h * args.scale, 3 if args.rgb else 1, rows))
            os.replace(path + ".tmp", path)
            written[c] += 1
        print(f"{split}: {sum(written)} images in {args.out}/{split}", file=sys.stderr)


if __name__ == "__main__":
    main()
