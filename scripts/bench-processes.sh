#!/usr/bin/env bash
# Data-parallel scaling on this machine: the training step of a config with
# 1 and 2 processes (both started by mpirun), from `minima train`'s own figures (time of
# training steps only, and the share of it in the gradient all-reduce).
# Evaluation runs once, at the end; nothing is written outside a temporary
# folder.
#
# Not part of CI (timings). Usage:
#   scripts/bench-processes.sh [STEPS] [CONFIG...]
# default 1000 steps of configs/paper_fig1_bn.json and configs/mnist_mlp_bn.json
# with 1024-unit hidden layers ("wide"). Environment: MINIMA (default
# build/minima), PROCESSES (default "1 2").
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
minima="${MINIMA:-$root/build/minima}"
steps="${1:-1000}"
shift || true
[ -x "$minima" ] || { echo "bench-processes: no minima CLI at $minima (build first or set MINIMA)" >&2; exit 2; }
command -v mpirun >/dev/null || { echo "bench-processes: no mpirun (scripts/install-deps.sh installs Open MPI)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
as_root=()
[ "$(id -u)" -ne 0 ] || as_root=(--allow-run-as-root)

# name|config|extra --set arguments
runs=()
if [ $# -eq 0 ]; then
  runs=("paper|$root/configs/paper_fig1_bn.json|"
        "relu|$root/configs/mnist_mlp_bn.json|"
        "wide|$root/configs/mnist_mlp_bn.json|--set model.hidden=[1024,1024] --set train.batch_size=256")
else
  for config in "$@"; do runs+=("$(basename "$config" .json)|$config|"); done
fi

"$minima" info | head -3
printf '%-8s %-10s %14s %22s\n' network processes "ms per step" "all-reduce share"
for run in "${runs[@]}"; do
  IFS='|' read -r name config extra <<< "$run"
  for p in ${PROCESSES:-1 2}; do
    out="$work/$name-$p"
    # shellcheck disable=SC2086  # extra holds several --set arguments
    args=(train "$config" --quiet --set train.epochs=0 --set "train.steps=$steps"
          --set "train.eval_every=$steps" --set "output.dir=$out" $extra)
    mpirun -np "$p" "${as_root[@]}" "$minima" "${args[@]}" > "$out.log"
    line=$(grep '^data parallel:' "$out.log" || true)
    ms=$(sed -n 's/.*, \([0-9.]*\) ms per training step.*/\1/p' <<< "$line")
    share=$(sed -n 's/.*, \([0-9]*%\) of it.*/\1/p' <<< "$line")
    printf '%-8s %-10s %14s %22s\n' "$name" "$p" "${ms:--}" "${share:--}"
  done
done
