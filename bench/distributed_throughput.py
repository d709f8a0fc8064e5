#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Data-parallel throughput on this machine: the same default training run
(global batch 256, fp32) as one process with all cores and as N ranks of
latent-cli launch sharing them, then the ratio. Also the time one step's
collectives take in a two-rank job (from the ranks' own log of them, see
LATENT_COMM_SECONDS) as a share of the step.
    /usr/bin/python3 bench/distributed_throughput.py build/app/latent-cli [--steps 40]
"""
import argparse, csv, os, statistics, subprocess, sys, tempfile


def rate(run):
    rows = [r for r in csv.DictReader(open(os.path.join(run, "metrics.csv")))
            if r["kind"] == "train" and r["images_per_s"]]
    rows = rows[len(rows) // 4:]  # past the start-up steps
    return statistics.median(float(r["images_per_s"]) for r in rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--nproc", type=int, default=2)
    a = ap.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    common = ["--steps", str(a.steps), "--batch", "256", "--probe-every", "0",
              "--precision", "fp32", "--eval", "fashion-mnist"]
    with tempfile.TemporaryDirectory() as tmp:
        one = os.path.join(tmp, "one")
        subprocess.run([a.cli, "train", "--out", one] + common, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        many = os.path.join(tmp, "many")
        comm = os.path.join(tmp, "comm.txt")
        subprocess.run([a.cli, "launch", "--nproc", str(a.nproc), "--", "train", "--out", many]
                       + common, env=dict(env, LATENT_COMM_SECONDS=comm), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        r1, rn = rate(one), rate(many)
        print(f"one process, {os.cpu_count()} threads: {r1:.0f} images/s")
        print(f"{a.nproc} ranks sharing the cores: {rn:.0f} images/s")
        print(f"ratio: {rn / r1:.2f}")
        shares = [float(line.split()[1]) / float(line.split()[2])
                  for line in open(comm) if len(line.split()) == 3]
        shares = shares[len(shares) // 4:]
        if shares:
            print(f"collectives (feature all-gather, batch-norm statistics, gradient all-reduce): "
                  f"{100 * statistics.median(shares):.1f}% of a step (median)")


if __name__ == "__main__":
    sys.exit(main())
