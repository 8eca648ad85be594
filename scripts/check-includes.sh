#!/usr/bin/env bash
# Every source compiles on its own. The other builds compile sources in
# batches (unity builds) over precompiled headers, where a missing #include
# can hide behind another file's; this check configures a build with
# neither (into build-includes/, or $INCLUDES_BUILD_DIR: compile commands
# only, nothing is built) and runs each source's compile with -fsyntax-only,
# one per core. Prints the failures and exits 1 on any.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${INCLUDES_BUILD_DIR:-$root/build-includes}
"$root/scripts/configure.sh" "$root" "$build" -DCMAKE_BUILD_TYPE=Release -DMINIMA_UNITY_BUILD=OFF \
  -DMINIMA_PRECOMPILE_HEADERS=OFF -DMINIMA_CCACHE=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
python3 "$root/scripts/syntax_check.py" "$build/compile_commands.json" "$(nproc)"
