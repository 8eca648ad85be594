#!/usr/bin/env bash
# Builds minima's libFuzzer targets with clang (ASan + UBSan) into build-fuzz/
# (or $FUZZ_BUILD_DIR) and fuzzes each for SECONDS (default 60; 0 = until Ctrl-C):
#   scripts/fuzz.sh [SECONDS] [TARGET...]      targets: idx config safetensors image
# Each target starts from valid files (written by make_fuzz_seeds, plus
# configs/*.json), the inputs kept under tests/data/regressions/<target>/ and
# its own corpus from earlier runs (build-fuzz/corpus/<target>/, grows).
# A crash, sanitizer report, leak, timeout (10 s) or memory blow-up (2 GB)
# stops that target and leaves the input in build-fuzz/crashes/<target>/;
# the script then exits 1. Needs scripts/install-fuzz-deps.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
all_targets=(idx config safetensors image)
targets=("${@:-${all_targets[@]}}")
case $seconds in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac

command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing; run scripts/install-fuzz-deps.sh" >&2; exit 1; }
CXX=clang++ "$root/scripts/configure.sh" "$root/fuzz" "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
# Only the targets and the seed writer (not the CLI and the report library).
cmake --build "$build" -j "$(nproc)" --target make_fuzz_seeds "${targets[@]/#/fuzz_}"
rm -rf "$build/seeds"
"$build/make_fuzz_seeds" "$build/seeds"
cp "$root"/configs/*.json "$build/seeds/config/"

export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
failed=()
summary=()
for target in "${targets[@]}"; do
  binary=$build/fuzz_$target
  [ -x "$binary" ] || { echo "fuzz: unknown target '$target' (known: ${all_targets[*]})" >&2; exit 2; }
  corpus=$build/corpus/$target
  crashes=$build/crashes/$target
  mkdir -p "$corpus" "$crashes"
  inputs=("$corpus" "$build/seeds/$target")
  [ -d "$root/tests/data/regressions/$target" ] && inputs+=("$root/tests/data/regressions/$target")
  options=(-max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="$crashes/")
  [ -f "$root/fuzz/$target.dict" ] && options+=(-dict="$root/fuzz/$target.dict")
  echo "fuzz: $target for ${seconds}s"
  log=$build/$target.log
  status=0
  (cd "$build" && "$binary" "${options[@]}" "${inputs[@]}") >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    summary+=("$target: FAILED after ${runs:-?} executions (see $log; input in $crashes/)")
    grep -E "ERROR|SUMMARY|runtime error|terminate|what\(\)" "$log" | head -5 >&2 || true
  else
    summary+=("$target: ${runs:-?} executions, no crash")
  fi
done
printf 'fuzz: %s\n' "${summary[@]}"
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: crashes in ${failed[*]}" >&2; exit 1; }
