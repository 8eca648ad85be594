#!/usr/bin/env bash
# Installs what scripts/fuzz.sh needs: minima's packages (install-deps.sh),
# clang, and clang's runtime libraries (libFuzzer, ASan, UBSan:
# libclang_rt.fuzzer-*.a come with libclang-rt-dev). Idempotent.
set -euo pipefail
exec "$(dirname "$0")/install-deps.sh" clang libclang-rt-dev
