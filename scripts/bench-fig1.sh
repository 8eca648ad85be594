#!/usr/bin/env bash
# The full Figure 1 reproduction against PyTorch's training steps alone, one
# after the other on the same machine: the wall time of
# `minima compare configs/compare_paper_fig1.json` (every variant and seed,
# with its evaluations and probes, default settings), then PyTorch's step on
# the same network (scripts/bench-pytorch.sh paper: its best thread setting,
# the same OpenBLAS kernel), and
#   ratio = compare wall time / (PyTorch ms per step x the steps trained).
#
# Not part of CI: it takes minutes and needs PyTorch (apt-get install python3-torch).
# Usage: scripts/bench-fig1.sh [COMPARE OPTION...]   e.g. --set data.dir=DIR
# Environment: MINIMA (the CLI, default build/minima), PYTHON and
# TORCH_SECONDS as for scripts/bench-pytorch.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minima="${MINIMA:-$root/build/minima}"
[ -x "$minima" ] || { echo "bench-fig1: no minima CLI at $minima (build first or set MINIMA)" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "== minima compare configs/compare_paper_fig1.json $*" >&2
start=$(date +%s.%N)
"$minima" compare "$root/configs/compare_paper_fig1.json" --quiet --out "$out/compare" "$@" >&2
end=$(date +%s.%N)
# Steps trained: the last step of every run's metrics.csv.
steps=$(for f in "$out"/compare/*/seed-*/metrics.csv; do tail -n 1 "$f" | cut -d, -f1; done |
  awk '{ s += $1 } END { print s }')

torch_table="$(MINIMA="$minima" bash "$root/scripts/bench-pytorch.sh" paper)"
echo "$torch_table" >&2
# The paper row's "PyTorch best ms" column (the table's next-to-last).
torch_ms=$(echo "$torch_table" | awk -F'|' '$2 ~ /^ paper $/ { print $(NF - 2) }')
[ -n "$torch_ms" ] || { echo "bench-fig1: no paper row in bench-pytorch's table" >&2; exit 1; }

awk -v start="$start" -v end="$end" -v steps="$steps" -v ms="$torch_ms" 'BEGIN {
  wall = end - start; torch = steps * ms / 1000
  printf "Figure 1 comparison: %.1f s wall for %d training steps\n", wall, steps
  printf "PyTorch, the same steps alone: %d x %.3f ms = %.1f s\n", steps, ms, torch
  printf "ratio: %.2fx\n", wall / torch
}'
