#!/usr/bin/env bash
# TensorBoard event files of `minima train` and `minima compare`
# (--tensorboard DIR), read back by an independent parser and checked
# against metrics.csv and the model (scripts/tensorboard_check.py says
# how). Trains on a small synthetic MNIST-shaped set for seconds; CI runs
# it (.ci/run). It installs Debian's python3-protobuf, protobuf-compiler
# and python3-crcmod.
#   scripts/check-tensorboard.sh
# Environment: MINIMA (the CLI, default build/minima).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minima="${MINIMA:-${BUILD_DIR:-$root/build}/minima}"

bash "$root/scripts/install-deps.sh" python3-numpy python3-protobuf protobuf-compiler python3-crcmod
[ -x "$minima" ] || { echo "check-tensorboard: no minima CLI at $minima (build first or set MINIMA)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$root/scripts/tensorboard_check.py" "$minima" "$root" "$work"
