#!/usr/bin/env bash
# What `minima compare --serve` costs the runs, and how fast the live page
# hears of an evaluation (docs/serve.md has the figures):
#   - wall time of `minima compare CONFIG --set train.steps=STEPS` without
#     --serve, with --serve and 1 event-stream watcher, and with 200 (from
#     the start until the report is written; median of REPEAT runs each),
#     and the CPU time (user + system) of the minima process, which a busy
#     host disturbs far less than the wall time;
#   - latency of the first accuracy point: when the first watcher received
#     it minus the wall time its evaluation finished (the event's "t").
# Watchers are scripts/serve_watchers.py (Python's standard library).
# Not part of CI: it trains MNIST for minutes (scripts/fetch-data.sh mnist).
# Usage: scripts/bench-serve.sh [CONFIG [STEPS [REPEAT]]]
#   default configs/compare_paper_fig1.json 5000 3. Environment: MINIMA (the CLI).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minima="${MINIMA:-$root/build/minima}"
config="${1:-$root/configs/compare_paper_fig1.json}"
steps="${2:-5000}"
repeat="${3:-3}"
[ -x "$minima" ] || { echo "bench-serve: no minima CLI at $minima (build first or set MINIMA)" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

now() { date +%s.%N; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a - b }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cpu() { awk '{ printf "%.2f\n", $1 + $2 }' "$out/cpu"; }

# One run without --serve: prints its wall and CPU seconds.
plain() {
  local start; start=$(now)
  /usr/bin/time -f "%U %S" -o "$out/cpu" \
    "$minima" compare "$config" --set train.steps="$steps" --quiet --out "$out/plain" >/dev/null
  echo "$(minus "$(now)" "$start") $(cpu)"
}

# One run with --serve and $1 watchers: prints its wall seconds (until the
# watchers saw "done") and CPU seconds, and appends the watchers' latency
# line to $out/latency.
served() {
  local port start pid
  port=$(free_port)
  start=$(now)
  /usr/bin/time -f "%U %S" -o "$out/cpu" "$minima" compare "$config" --set train.steps="$steps" \
    --quiet --out "$out/served" --serve --port "$port" >/dev/null &
  pid=$!
  python3 "$root/scripts/serve_watchers.py" "$port" "$1" >>"$out/latency"
  local end; end=$(now)
  pkill -INT -P "$pid"; wait "$pid" || true  # Ctrl-C to minima, the child of time
  echo "$(minus "$end" "$start") $(cpu)"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

"$minima" info | grep -iE "cpu|blas|kernel" >&2 || true
# The modes take turns (plain, 1, 200, plain, ...), so that a busy spell of
# the host weighs on all three alike.
declare -A wall cpus
for _ in $(seq "$repeat"); do
  for mode in plain 1 200; do
    if [ "$mode" = plain ]; then read -r w c < <(plain); else read -r w c < <(served "$mode"); fi
    wall[$mode]+="$w "
    cpus[$mode]+="$c "
  done
done
percent() { awk -v m="$1" -v b="$2" 'BEGIN { printf "%+.1f %%", (m - b) * 100 / b }'; }
base_wall=$(printf '%s\n' ${wall[plain]} | median)
base_cpu=$(printf '%s\n' ${cpus[plain]} | median)
for mode in plain 1 200; do
  w=$(printf '%s\n' ${wall[$mode]} | median)
  c=$(printf '%s\n' ${cpus[$mode]} | median)
  label="with $mode watcher(s)"
  [ "$mode" = plain ] && label="without --serve"
  printf '%-22s wall median %6.2f s %-9s (%s)  CPU median %6.2f s %-9s (%s)\n' "$label:" \
    "$w" "$(percent "$w" "$base_wall")" "${wall[$mode]% }" "$c" "$(percent "$c" "$base_cpu")" \
    "${cpus[$mode]% }"
  [ "$mode" = plain ] || grep -h "^watchers $mode:" "$out/latency" | sed 's/^/    /'
done
