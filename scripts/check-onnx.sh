#!/usr/bin/env bash
# ONNX export of every shipped architecture, checked three ways
# (scripts/onnx_check.py says how): Debian's python3-onnx accepts each file
# (checker with full_check, shape inference), a small numpy interpreter of
# its operators matches minima's logits on 100 inputs, and ONNX Runtime
# (npm's onnxruntime-node, whose Linux x64 runtime is inside the package)
# runs it with the same logits; each model unfolded and with BatchNorm
# folded. Weights come from a short training run on a small synthetic
# MNIST-shaped set (CI has no MNIST). CI runs it (.ci/run).
#   scripts/check-onnx.sh
# Environment: MINIMA (the CLI, default build/minima), MINIMA_NPM_DIR (where
# onnxruntime-node is installed, default ~/.cache/minima-npm).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minima="${MINIMA:-${BUILD_DIR:-$root/build}/minima}"
npm_dir="${MINIMA_NPM_DIR:-${HOME:-/root}/.cache/minima-npm}"
ort_version=1.22.0  # its prebuilt runtime loads in Debian bookworm's Node.js 20

bash "$root/scripts/install-deps.sh" python3-onnx python3-numpy
command -v npm >/dev/null || bash "$root/scripts/install-deps.sh" nodejs npm
[ -x "$minima" ] || { echo "check-onnx: no minima CLI at $minima (build first or set MINIMA)" >&2; exit 2; }
if [ "$(node -p "try { require('$npm_dir/node_modules/onnxruntime-node/package.json').version } catch (e) { '' }")" != "$ort_version" ]; then
  echo "check-onnx: installing onnxruntime-node@$ort_version into $npm_dir"
  mkdir -p "$npm_dir"
  # The package's install script would only fetch CUDA libraries: skipped.
  ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip \
    npm install --prefix "$npm_dir" --no-audit --no-fund --ignore-scripts "onnxruntime-node@$ort_version"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$root/scripts/onnx_check.py" "$minima" "$root" "$work" "$npm_dir/node_modules"
