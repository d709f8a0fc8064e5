#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A synthetic dataset exported by latent-cli reads with tools/synthetic_views.py
alone (Debian's python3-torch, python3-numpy, python3-pil): both formats give
the same positive groups, with the manifest's classes; a row regenerates
identically; a stopped export continues; bad requests fail with a message.

Usage: test_export_loader.py LATENT_CLI TOOLS_DIR
"""

import json
import os
import subprocess
import sys
import tempfile

import torch


def run(cli, *args, ok=True):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([cli, *args], env=env, capture_output=True, text=True)
    if ok:
        assert done.returncode == 0, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def main():
    cli, tools = sys.argv[1], sys.argv[2]
    sys.path.insert(0, tools)
    from synthetic_views import SyntheticViews

    with tempfile.TemporaryDirectory() as tmp:
        recipe = os.path.join(tmp, "default.recipe.json")
        run(cli, "new-recipe", "default", "--out", recipe)
        exports = {}
        for fmt in ("png", "npy"):
            out = os.path.join(tmp, fmt)
            done = run(cli, "export-dataset", recipe, "--anchors", "12", "--views", "3",
                       "--chunk", "5", "--format", fmt, "--out", out)
            assert "export complete: 36 images" in done.stdout, done.stdout
            exports[fmt] = SyntheticViews(out)

        png, npy = exports["png"], exports["npy"]
        assert len(png) == len(npy) == 12, (len(png), len(npy))
        with open(os.path.join(tmp, "npy", "manifest.jsonl")) as f:
            manifest = [json.loads(line) for line in f]
        for i in range(12):
            views, label = npy[i]
            assert views.shape == (3, 1, 32, 32) and views.dtype == torch.float32, views.shape
            assert 0.0 <= float(views.min()) and float(views.max()) <= 1.0
            assert label == manifest[3 * i]["class"] and 0 <= label < 10, label
            assert all(row["anchor"] == i for row in manifest[3 * i:3 * i + 3])
            # The two formats hold the same images; the views of a group differ.
            same, png_label = png[i]
            assert png_label == label and torch.equal(same, views), i
            assert not torch.equal(views[0], views[1]), i

        loader = torch.utils.data.DataLoader(npy, batch_size=4, shuffle=False)
        views, labels = next(iter(loader))
        assert views.shape == (4, 3, 1, 32, 32) and labels.tolist() == [npy[i][1] for i in range(4)]

        done = run(cli, "regenerate", os.path.join(tmp, "png"), "35", "--out",
                   os.path.join(tmp, "row35.png"))
        assert "identical" in done.stdout and os.path.getsize(os.path.join(tmp, "row35.png")) > 0

        # Refusals name the problem and leave the export as it was.
        before = open(os.path.join(tmp, "npy", "manifest.jsonl")).read()
        done = run(cli, "export-dataset", recipe, "--anchors", "12", "--views", "2",
                   "--chunk", "5", "--format", "npy", "--out", os.path.join(tmp, "npy"), ok=False)
        assert done.returncode == 1 and "views is 3 there, 2 here" in done.stderr, done.stderr
        assert open(os.path.join(tmp, "npy", "manifest.jsonl")).read() == before
        done = run(cli, "regenerate", os.path.join(tmp, "npy"), "36", ok=False)
        assert done.returncode == 1 and "has 36 rows; row 36 asked for" in done.stderr, done.stderr

        # An export killed inside a chunk: rows past progress.json's manifest_bytes,
        # the last one torn, are not read (they were a JSONDecodeError).
        with open(os.path.join(tmp, "npy", "manifest.jsonl"), "a") as f:
            f.write(json.dumps(dict(manifest[0], anchor=12)) + '\n{"anchor": 12, "vi')
        assert len(SyntheticViews(os.path.join(tmp, "npy"))) == 12
        # Killed inside its first chunk: no progress.json yet, so no row is
        # finished (the whole manifest, torn line included, was read).
        os.remove(os.path.join(tmp, "npy", "progress.json"))
        assert len(SyntheticViews(os.path.join(tmp, "npy"))) == 0
    print("export loader: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
