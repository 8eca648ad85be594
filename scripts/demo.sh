#!/usr/bin/env bash
# The main demo on a fresh Debian machine: installs dependencies, builds the
# command-line tool (only it: the test suite is scripts/test.sh's job),
# fetches MNIST, and runs the paper's BN-vs-no-BN comparison in its short
# classroom form. Prints each phase and how long it took, and ends by
# printing where report.html is.
# Extra arguments go to `minima compare` (e.g. --set train.steps=50000 for the full run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
jobs=$(nproc)
demo_start=$SECONDS
phase_start=$SECONDS

phase() {
  phase_start=$SECONDS
  printf '\n== demo: %s\n' "$1"
}
phase_done() {
  printf '== demo: done in %ds (%ds so far)\n' $((SECONDS - phase_start)) $((SECONDS - demo_start))
}

echo "demo: install dependencies, build the minima CLI on $jobs cores, fetch MNIST,"
echo "demo: then train both variants (three seeds each) for 5000 steps; a first run takes a few minutes"
echo "demo: (most of it compiling; see the README for a 2-core figure), later runs far less."

phase "installing dependencies (apt, skipped when present)"
"$root/scripts/install-deps.sh"
phase_done

phase "building the minima CLI (target minima_cli, -j$jobs)"
"$root/scripts/configure.sh" "$root" "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" --target minima_cli -j "$jobs"
phase_done

phase "fetching MNIST into data/mnist"
"$root/scripts/fetch-data.sh" mnist "$root/data/mnist"
phase_done

phase "training with and without BN (minima compare)"
cd "$root"
"$build/minima" compare configs/compare_paper_fig1.json --set train.steps=5000 "$@"
phase_done
printf 'demo: finished in %ds\n' $((SECONDS - demo_start))
