#!/usr/bin/env bash
# Training parity with PyTorch: the paper's 784-100-100-100-10 sigmoid MLP,
# with and without BatchNorm, trained 100 SGD steps by minima and by
# PyTorch from the same initial weights on the same batches of a small
# synthetic IDX set (scripts/training_parity.py says how). Prints the
# largest relative differences of the per-step loss and the final weights;
# fails above 1e-4 on the loss over the first 20 steps or 1e-3 on the
# final weights. CI runs it (.ci/run); it installs Debian's python3-torch.
#   scripts/check-training-parity.sh
# Environment: MINIMA (the CLI, default build/minima), PYTHON (a python3 with torch).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minima="${MINIMA:-${BUILD_DIR:-$root/build}/minima}"

bash "$root/scripts/install-deps.sh" python3-torch
python="$("$root/scripts/torch-python.sh" check-training-parity)"
[ -x "$minima" ] || { echo "check-training-parity: no minima CLI at $minima (build first or set MINIMA)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$root/scripts/training_parity.py" "$minima" "$root" "$work"
