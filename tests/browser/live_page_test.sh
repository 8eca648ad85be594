#!/usr/bin/env bash
# The live page of `minima compare --serve` in headless Chromium
# (live_page_test.js says what it checks). Installs the pinned
# puppeteer-core into the npm folder scripts/check-onnx.sh uses, unless
# there. MINIMA_SKIP_BROWSER=1 skips it; without chromium it fails.
#   tests/browser/live_page_test.sh MINIMA WRITE_BLOBS WORK_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
npm_dir="${MINIMA_NPM_DIR:-${HOME:-/root}/.cache/minima-npm}"
puppeteer_version=24.22.0  # engines: node >= 18 (Debian bookworm's is 18, NodeSource's 20)
if [ "${MINIMA_SKIP_BROWSER:-0}" = 1 ]; then
  echo "browser check skipped: MINIMA_SKIP_BROWSER=1"
  exit 0
fi
command -v node >/dev/null && command -v npm >/dev/null ||
  bash "$here/../../scripts/install-deps.sh" nodejs npm
if [ "$(node -p "try { require('$npm_dir/node_modules/puppeteer-core/package.json').version } catch (e) { '' }")" != "$puppeteer_version" ]; then
  echo "live page test: installing puppeteer-core@$puppeteer_version into $npm_dir"
  mkdir -p "$npm_dir"
  npm install --prefix "$npm_dir" --no-audit --no-fund --ignore-scripts "puppeteer-core@$puppeteer_version"
fi
rm -rf "$3"
NODE_PATH="$npm_dir/node_modules" exec node "$here/live_page_test.js" "$@"
