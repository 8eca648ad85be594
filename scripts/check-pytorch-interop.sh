#!/usr/bin/env bash
# Checks that minima models (a BN MLP and a BNLeNet) load in PyTorch with the code of
# docs/pytorch-interop.md (its python block is run as written) and compute
# the same logits as `minima predict`, within 1e-5; that a BatchNorm-folded
# export does too; and that weights written back from PyTorch evaluate in
# minima (`minima eval --weights`) with the same accuracy.
#
# Not part of CI: it needs PyTorch (Debian: apt-get install python3-torch)
# and MNIST (scripts/fetch-data.sh mnist). Usage:
#   scripts/check-pytorch-interop.sh [MNIST_DIR]     (default: data/mnist)
# Environment: MINIMA (the CLI, default build/minima), PYTHON (a python3 with torch).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
minima="${MINIMA:-$root/build/minima}"
mnist="${1:-$root/data/mnist}"

python="$("$root/scripts/torch-python.sh" check-pytorch-interop)"
[ -x "$minima" ] || { echo "check-pytorch-interop: no minima CLI at $minima (build first or set MINIMA)" >&2; exit 2; }
[ -f "$mnist/t10k-images-idx3-ubyte" ] || [ -f "$mnist/t10k-images-idx3-ubyte.gz" ] ||
  { echo "check-pytorch-interop: no MNIST in $mnist (scripts/fetch-data.sh mnist)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

runs=(mlp cnn mlp_folded cnn_folded)
echo "== training a small BatchNorm MLP and a BNLeNet (300 steps each)"
for model in mlp:mnist_mlp_bn cnn:mnist_lenet_bn; do
  "$minima" train "$root/configs/${model#*:}.json" --quiet --set data.dir="$mnist" --set train.epochs=0 \
    --set train.steps=300 --set output.dir="$work/${model%%:*}"
  "$minima" export "$work/${model%%:*}" --fold-bn "$work/${model%%:*}_folded"
done

echo "== writing 20 test digits as dark-on-light PNG files"
"$python" - "$mnist" "$work" <<'EOF'
import gzip, os, struct, sys, zlib
mnist, work = sys.argv[1], sys.argv[2]
path = os.path.join(mnist, "t10k-images-idx3-ubyte")
images = open(path, "rb").read() if os.path.exists(path) else gzip.open(path + ".gz").read()
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
for i in range(20):
    pixels = images[16 + 784 * i:16 + 784 * (i + 1)]
    rows = b"".join(b"\0" + bytes(255 - p for p in pixels[28 * r:28 * (r + 1)]) for r in range(28))
    with open(f"{work}/digit{i:02d}.png", "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
EOF
for run in "${runs[@]}"; do
  "$minima" predict "$work/$run" "$work"/digit*.png --json > "$work/$run.json"
done

echo "== loading the models in PyTorch with docs/pytorch-interop.md's code"
"$python" - "$root/docs/pytorch-interop.md" "$work" <<'EOF'
import json, re, sys
doc, work = sys.argv[1], sys.argv[2]
code = re.search(r"```python\n(.*?)```", open(doc).read(), re.S).group(1)
exec(code)

worst = 0.0
for run in ("mlp", "cnn", "mlp_folded", "cnn_folded"):
    model, prepare = load_minima_model(f"{work}/{run}")
    predictions = json.load(open(f"{work}/{run}.json"))["predictions"]
    pixels = [p["input"]["pixels"] for p in predictions]
    with torch.no_grad():
        logits = model(prepare(pixels)).double()
    minima_logits = torch.tensor([p["logits"] for p in predictions], dtype=torch.float64)
    # relative to each sample's largest logit
    difference = ((logits - minima_logits).abs().amax(dim=1) / minima_logits.abs().amax(dim=1)).max().item()
    agree = (logits.argmax(dim=1) == minima_logits.argmax(dim=1)).all().item()
    norms = sum(isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)) for m in model)
    convs = sum(isinstance(m, torch.nn.Conv2d) for m in model)
    print(f"{run:10s} {convs} Conv2d, {norms} BatchNorm, {len(pixels)} images:"
          f" max relative logit difference {difference:.2e}, same classes: {agree}")
    worst = max(worst, difference)
    assert agree

# PyTorch -> minima: write the state_dicts back and evaluate them with minima.
for run in ("mlp", "cnn"):
    model, _ = load_minima_model(f"{work}/{run}")
    save_safetensors(model.state_dict(), f"{work}/{run}_from_pytorch.safetensors")
if worst > 1e-5:
    sys.exit(f"FAIL: PyTorch and minima differ by {worst:.2e} > 1e-5")
EOF

echo "== PyTorch's state_dicts back into minima"
for run in mlp cnn; do
  expected="$("$minima" eval "$work/$run" | grep '^accuracy')"
  got="$("$minima" eval --weights "$work/${run}_from_pytorch.safetensors" --config "$work/$run/config.json" | grep '^accuracy')"
  echo "$run minima run:        $expected"
  echo "$run from PyTorch file: $got"
  [ "$expected" = "$got" ] || { echo "FAIL: $run accuracies differ" >&2; exit 1; }
done
echo "OK: minima MLP and CNN models load in PyTorch with equal outputs (<= 1e-5), and back"
