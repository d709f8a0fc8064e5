#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Carries a long experiment's finished runs between machines as results
# (the text files of each finished run: config, recipe, status, metrics,
# floors, provenance; no checkpoint or encoder weights), so that a table
# that takes longer than one machine's lease is committed run by run and
# resumed elsewhere.
#
#   tools/experiment_results.sh save    runs/paper-table-500 docs/results/paper-table-500
#   tools/experiment_results.sh restore docs/results/paper-table-500 runs/paper-table-500
#
# save copies every finished run of the experiment folder (and its walks.json
# and report card text, when present); restore copies saved runs that the
# experiment folder lacks, so `latent-cli experiment ... --out` skips them.
# Unfinished runs are never copied: they resume from their own checkpoint.
set -euo pipefail

usage() { echo "usage: $0 save|restore FROM TO" >&2; exit 2; }
[ $# -eq 3 ] || usage
mode=$1 from=$2 to=$3
case "$mode" in save|restore) ;; *) usage ;; esac
[ -d "$from/runs" ] || { echo "$0: $from has no runs/ folder: not an experiment folder" >&2; exit 1; }

files=(config.json recipe.json status.json metrics.jsonl floors.json provenance.jsonl)
copied=0
for run in "$from"/runs/*/; do
  run=${run%/}
  id=$(basename "$run")
  grep -q '"state": *"finished"' "$run/status.json" 2>/dev/null || continue
  target="$to/runs/$id"
  if [ "$mode" = restore ] && [ -e "$target" ]; then continue; fi
  mkdir -p "$target.part"
  for f in "${files[@]}"; do
    [ -f "$run/$f" ] && cp "$run/$f" "$target.part/$f"
  done
  rm -rf "$target"
  mv "$target.part" "$target" # a copy cut short leaves only a .part folder
  copied=$((copied + 1))
done
for f in walks.json report-card/report-card.md report-card/report-card.json report-card/nearest.png; do
  if [ -f "$from/$f" ] && { [ "$mode" = save ] || [ ! -e "$to/$f" ]; }; then
    mkdir -p "$(dirname "$to/$f")"
    cp "$from/$f" "$to/$f"
  fi
done
echo "$mode: $copied finished run(s) from $from to $to"
