#!/usr/bin/env bash
# minima's training step beside PyTorch's on the same networks, the same
# OpenBLAS and the same OpenBLAS kernel: `minima bench --json` (default
# threads), then scripts/bench_pytorch.py in three thread settings (PyTorch's
# best is compared), and a side-by-side table of median step times.
#
# Same kernel on both sides: PyTorch runs with the kernel minima reports
# (OPENBLAS_CORETYPE set to it for the PyTorch processes when minima chose
# it; a kernel you set yourself is used by both). The script stops if the
# two kernels still differ.
#
# Not part of CI: it needs PyTorch (Debian: apt-get install python3-torch).
# Usage: scripts/bench-pytorch.sh [NETWORK...]   (default: all eight)
# Environment: MINIMA (the CLI, default build/minima), PYTHON (a python3 with
# torch; default /usr/bin/python3, then python3), TORCH_SECONDS (per PyTorch
# network and thread count, default 1).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
minima="${MINIMA:-$root/build/minima}"

python="$("$root/scripts/torch-python.sh" bench-pytorch)"
[ -x "$minima" ] || { echo "bench-pytorch: no minima CLI at $minima (build first or set MINIMA)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== minima bench --json $*" >&2
"$minima" bench --json "$@" > "$work/minima.json"
kernel="$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["system"]["blas_corename"])' "$work/minima.json")"

# PyTorch on the kernel minima ran with (unless the user chose one for both),
# in three thread settings (PyTorch's OpenMP threads : OpenBLAS's threads);
# its best is compared. On 2 cores both pools at 2 threads spin against each
# other, so 1:2 (one OpenMP thread, GEMMs on two) is tried too.
coretype="${OPENBLAS_CORETYPE:-$kernel}"
settings="1:1 2:2 1:2"
for setting in $settings; do
  omp=${setting%:*} blas=${setting#*:}
  echo "== PyTorch, $omp OpenMP : $blas OpenBLAS thread(s), OPENBLAS_CORETYPE=$coretype" >&2
  OPENBLAS_CORETYPE="$coretype" OPENBLAS_NUM_THREADS=$blas OMP_NUM_THREADS=$omp \
    "$python" "$root/scripts/bench_pytorch.py" "$omp" "${TORCH_SECONDS:-1}" \
    > "$work/torch-$omp-$blas.json"
done

"$python" - "$work" $settings <<'EOF'
import json, sys
work, settings = sys.argv[1], sys.argv[2:]
m = json.load(open(f"{work}/minima.json"))
torch_runs = [json.load(open(f"{work}/torch-{s.replace(':', '-')}.json")) for s in settings]
system = m["system"]
kernel = system["blas_kernel"]
print(f"cpu: {system['cpu_model']} ({system['cpu_isa']}), {m['available_cpus']} CPUs available")
print(f"minima:  OpenBLAS kernel {system['blas_corename']} (chosen by {kernel['source']}: "
      f"{kernel['reason']}), OPENBLAS_CORETYPE={system['openblas_coretype'] or '(unset)'}")
print(f"PyTorch {torch_runs[0]['torch']}: OpenBLAS kernel "
      f"{', '.join(sorted({r['openblas_kernel'] for r in torch_runs}))}")
for run in torch_runs:
    if run["openblas_kernel"] != system["blas_corename"]:
        sys.exit(f"bench-pytorch: PyTorch ran with kernel {run['openblas_kernel']}, minima with "
                 f"{system['blas_corename']}: not comparable")
print()
columns = " | ".join(f"PyTorch {s} ms" for s in settings)
print(f"| network | batch | minima threads | minima step ms | {columns} | PyTorch best ms | "
      "minima / PyTorch best |")
print("| --- " * (6 + len(settings)) + "|")
for r in m["results"]:
    name = r["network"]
    t = [next((x for x in run["results"] if x["network"] == name), None) for run in torch_runs]
    if None in t:
        continue
    best = min(x["step_ms"] for x in t)
    ms = r["step_ms"]["median"]
    cells = " | ".join(f"{x['step_ms']:.3f}" for x in t)
    print(f"| {name} | {r['batch']} | {r['threads']} | {ms:.3f} | {cells} | {best:.3f} | "
          f"{ms / best:.2f}x |")
print()
print("PyTorch a:b = a OpenMP threads (torch.set_num_threads), b OpenBLAS threads.")
EOF
