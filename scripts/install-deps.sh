#!/usr/bin/env bash
# Installs exactly the Debian packages minima needs to build, test and fetch data,
# plus any packages given as arguments (install-fuzz-deps.sh adds clang, the
# test scripts chromium for the page check).
# Idempotent; uses sudo only when not already root.
set -euo pipefail
packages=(build-essential cmake ninja-build ccache pkg-config git ca-certificates
          libopenblas-dev nlohmann-json3-dev doctest-dev libstb-dev libturbojpeg0-dev zlib1g-dev
          libcli11-dev libmicrohttpd-dev fonts-dejavu-core libxml2-utils libopenmpi-dev openmpi-bin "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
