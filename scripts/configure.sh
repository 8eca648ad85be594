#!/usr/bin/env bash
# Configures a minima build: scripts/configure.sh SOURCE_DIR BUILD_DIR [CMAKE_ARGS...]
# A new build directory gets Ninja; one configured before keeps its generator.
set -euo pipefail
source_dir=$1 build_dir=$2
shift 2
generator=()
[ -f "$build_dir/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S "$source_dir" -B "$build_dir" "${generator[@]}" "$@" >/dev/null
