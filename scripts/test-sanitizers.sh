#!/usr/bin/env bash
# Builds minima with AddressSanitizer + UndefinedBehaviorSanitizer into
# build-asan/ (or $ASAN_BUILD_DIR) and runs the whole test suite there. Any
# sanitizer report fails the run: every UB check aborts (-fno-sanitize-recover=all,
# set by MINIMA_SANITIZE) and both runtimes halt on the first error.
# -O1 keeps the run fast while stack traces stay readable. gcc's sanitizer
# runtimes come with build-essential, so install-deps.sh (with chromium for
# the page check) is all it needs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ASAN_BUILD_DIR:-$root/build-asan}
"$root/scripts/install-deps.sh" chromium
"$root/scripts/configure.sh" "$root" "$build" -DMINIMA_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g"
cmake --build "$build" -j "$(nproc)"
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
cd "$build"
ctest --output-on-failure -j "$(nproc)"
