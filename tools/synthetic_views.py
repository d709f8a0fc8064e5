#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Read a synthetic dataset written by `latent-cli export-dataset` (or the
studio's File > Export Dataset) as a PyTorch dataset of positive groups: item
i is the V views of anchor i, a float tensor [V, C, H, W] in [0, 1], and the
anchor's class (-1 for an unconditional generator). This is the input a
multi-positive contrastive loss (SupCon, StableRep) takes.

    from synthetic_views import SyntheticViews
    data = SyntheticViews("exports/fashion")
    loader = torch.utils.data.DataLoader(data, batch_size=256, shuffle=True)
    for views, labels in loader:          # views [B, V, C, H, W]
        features = encoder(views.flatten(0, 1)).view(len(views), views.shape[1], -1)

Needs PyTorch and NumPy; PNG exports also need Pillow (Debian: python3-pil).
`python3 tools/synthetic_views.py DIR` prints a summary of an export.
"""

import json
import os
import sys

import numpy as np
import torch


class SyntheticViews(torch.utils.data.Dataset):
    def __init__(self, folder, transform=None):
        """`transform`, if given, is applied to each view tensor [C, H, W]."""
        self.folder = folder
        self.transform = transform
        with open(os.path.join(folder, "export.json")) as f:
            self.settings = json.load(f)
        self.views = self.settings["views"]
        self.classes = self.settings["classes"]
        self.format = self.settings["format"]
        # The manifest's rows of the finished chunks, anchor by anchor: the
        # first progress.json["manifest_bytes"] bytes (a killed export may
        # have appended part of a chunk after them, a torn last line too).
        limit = 0  # no chunk finished yet
        progress = os.path.join(folder, "progress.json")
        if os.path.exists(progress):
            with open(progress) as f:
                limit = json.load(f)["manifest_bytes"]
        groups = {}
        with open(os.path.join(folder, "manifest.jsonl"), "rb") as f:
            for line in f.read(limit).decode().splitlines():
                row = json.loads(line)
                groups.setdefault(row["anchor"], []).append(row)
        self.anchors = [groups[a] for a in sorted(groups) if len(groups[a]) == self.views]
        for group in self.anchors:
            group.sort(key=lambda row: row["view"])
        self._shards = {}

    def __len__(self):
        return len(self.anchors)

    def _pixels(self, row):
        """One view as uint8 [H, W, C]."""
        path = os.path.join(self.folder, row["file"])
        if self.format == "npy":
            if path not in self._shards:
                self._shards[path] = np.load(path, mmap_mode="r")
            return np.array(self._shards[path][row["row"], row["view"]])  # a writable copy
        from PIL import Image  # only PNG exports need Pillow

        with Image.open(path) as image:
            pixels = np.array(image)
        return pixels[:, :, None] if pixels.ndim == 2 else pixels

    def __getitem__(self, index):
        group = self.anchors[index]
        views = []
        for row in group:
            view = torch.from_numpy(self._pixels(row))
            view = view.permute(2, 0, 1).float() / 255.0
            views.append(self.transform(view) if self.transform else view)
        return torch.stack(views), group[0]["class"]


def main():
    if len(sys.argv) != 2:
        print("usage: synthetic_views.py EXPORT_DIR", file=sys.stderr)
        return 2
    data = SyntheticViews(sys.argv[1])
    views, label = data[0]
    counts = {}
    for group in data.anchors:
        counts[group[0]["class"]] = counts.get(group[0]["class"], 0) + 1
    print(f"{len(data)} anchors x {data.views} views, {data.format}; "
          f"item 0: views {list(views.shape)}, class {label}")
    for k in sorted(counts):
        name = data.classes[k] if 0 <= k < len(data.classes) else "unlabelled"
        print(f"  {name}: {counts[k]} anchors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
