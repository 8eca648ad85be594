#!/usr/bin/env bash
# Checks that every tracked C++ file is formatted as .clang-format says
# (Debian bookworm's clang-format 14). Fix with:
#   git ls-files '*.cpp' '*.hpp' | xargs clang-format -i
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" clang-format
cd "$root"
git ls-files -z '*.cpp' '*.hpp' | xargs -0 clang-format --dry-run --Werror
echo "check-format: $(git ls-files '*.cpp' '*.hpp' | wc -l) files formatted as .clang-format says"
