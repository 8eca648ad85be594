#!/usr/bin/env bash
# The main demo on a fresh Debian machine: installs dependencies, builds,
# fetches MNIST, and runs the paper's BN-vs-no-BN comparison in its short
# classroom form. Ends by printing where report.html is.
# Extra arguments go to `minima compare` (e.g. --set train.steps=50000 for the full run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
"$root/scripts/fetch-data.sh" mnist "$root/data/mnist"
cd "$root"
./build/minima compare configs/compare_paper_fig1.json --set train.steps=5000 "$@"
