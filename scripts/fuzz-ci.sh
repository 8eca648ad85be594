#!/usr/bin/env bash
# CI's fuzzing step: installs clang and libFuzzer (install-fuzz-deps.sh),
# builds the targets (fuzz.sh), replays every kept crash regression
# (tests/data/regressions/<target>/*) one by one, then fuzzes each target
# for a short budget from the seeds, the regressions and the kept corpus:
#   scripts/fuzz-ci.sh [SECONDS]     (default 30 per target)
# FUZZ_CI_TARGETS="idx config ..." picks the targets (default: all four).
# Exits 1 on any crash, sanitizer report, leak, timeout or memory blow-up.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-30}
# FUZZ_CI_TARGETS: which targets (default all four).
read -r -a targets <<< "${FUZZ_CI_TARGETS:-idx config safetensors image}"

bash "$root/scripts/install-fuzz-deps.sh"
# The targets first, so that the regressions are replayed before any fuzzing.
CXX=clang++ "$root/scripts/configure.sh" "$root/fuzz" "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j 2 --target make_fuzz_seeds "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
for target in "${targets[@]}"; do
  shopt -s nullglob
  regressions=("$root/tests/data/regressions/$target"/*)
  shopt -u nullglob
  [ ${#regressions[@]} -gt 0 ] || continue
  echo "fuzz-ci: replaying ${#regressions[@]} regression input(s) of $target"
  "$build/fuzz_$target" -timeout=10 -rss_limit_mb=2048 "${regressions[@]}" \
    >"$build/$target.replay.log" 2>&1 ||
    { tail -20 "$build/$target.replay.log" >&2; echo "fuzz-ci: $target regression failed" >&2; exit 1; }
done

FUZZ_BUILD_DIR=$build bash "$root/scripts/fuzz.sh" "$seconds" "${targets[@]}"
