#!/usr/bin/env bash
# Installs what scripts/fuzz.sh needs on top of scripts/install-deps.sh:
# clang and its runtime libraries (libFuzzer, ASan, UBSan: libclang_rt.fuzzer-*.a
# come with libclang-rt-dev). Idempotent; uses sudo only when not already root.
set -euo pipefail
packages=(clang libclang-rt-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-fuzz-deps: all packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-fuzz-deps: installing ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
