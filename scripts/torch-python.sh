#!/usr/bin/env bash
# Prints the first python3 that imports torch (and numpy): $PYTHON if set,
# then Debian's /usr/bin/python3 (python3-torch installs there), then the
# python3 on PATH. Exits 2 with a message naming $1 (the calling script)
# when there is none. Usage: python=$(scripts/torch-python.sh NAME)
set -euo pipefail
for candidate in ${PYTHON:-} /usr/bin/python3 python3; do
  if "$candidate" -c "import torch, numpy" 2>/dev/null; then echo "$candidate"; exit 0; fi
done
echo "${1:-torch-python}: no python3 with torch and numpy (apt-get install python3-torch)" >&2
exit 2
