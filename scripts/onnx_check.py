"""ONNX export check (scripts/check-onnx.sh runs this).

For every shipped architecture (CONFIGS), minima trains STEPS steps on a
small synthetic MNIST-shaped IDX set (training_parity.write_idx), writes
the model as ONNX (`minima export RUN --onnx`) and, BatchNorm folded, as a
folded run directory and ONNX file (`--fold-bn OUT --onnx F --onnx-fold-bn`).
`minima predict --json` on INPUTS test digits gives minima's logits and
the pixels it fed (x = (pixel / 255 - mean) / std). Each ONNX file must:
- pass onnx.checker.check_model(full_check=True) and shape inference, with
  the input "input" [N, ...] and the output "logits" [N, 10];
- hold every tensor of minima's model.safetensors under its own name
  (unfolded) and give, run by the numpy interpreter below (float32) and by
  ONNX Runtime, logits within TOLERANCE * max(1, |logit|) of minima's
  (folded files against minima's folded model).
"""
import json
import os
import subprocess
import sys
import zlib
import struct

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthetic_mnist import read_safetensors, write_idx  # noqa: E402

CONFIGS = ["paper_fig1_plain", "paper_fig1_bn", "mnist_mlp_bn", "mnist_resmlp_bn",
           "mnist_lenet", "mnist_lenet_bn"]
STEPS = 30
INPUTS = 100
TOLERANCE = 1e-5


# --- a numpy interpreter of the operators minima writes (float32) --------

def conv_windows(x, kernel, stride, pads, fill):
    """[N, C, H, W] -> [N, C, H', W', k, k]: every window, padding `fill`."""
    p = pads[0]
    x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
    n, c, h, w = x.shape
    out_h, out_w = (h - kernel) // stride + 1, (w - kernel) // stride + 1
    windows = np.empty((n, c, out_h, out_w, kernel, kernel), np.float32)
    for i in range(kernel):
        for j in range(kernel):
            windows[..., i, j] = x[:, :, i:i + stride * out_h:stride, j:j + stride * out_w:stride]
    return windows


def run_node(node, values):
    """The outputs of one node, from `values` (name -> array)."""
    a = {attr.name: onnx.helper.get_attribute_value(attr) for attr in node.attribute}
    x = [values[name] for name in node.input]
    op = node.op_type
    if op == "Gemm":  # x W^T + b (transB = 1)
        w = x[1].T if a.get("transB", 0) else x[1]
        return x[0] @ w + (x[2] if len(x) > 2 else np.float32(0))
    if op == "BatchNormalization":  # per channel, axis 1
        shape = (1, -1) + (1,) * (x[0].ndim - 2)
        scale, bias, mean, var = (t.reshape(shape) for t in x[1:])
        eps = np.float32(a.get("epsilon", 1e-5))
        return scale * (x[0] - mean) / np.sqrt(var + eps) + bias
    if op == "Relu":
        return np.maximum(x[0], np.float32(0))
    if op == "Sigmoid":
        return np.float32(1) / (np.float32(1) + np.exp(-x[0]))
    if op == "Tanh":
        return np.tanh(x[0])
    if op in ("Identity", "Dropout"):
        return x[0]
    if op == "Flatten":
        return x[0].reshape(x[0].shape[0], -1)
    if op == "Add":
        return x[0] + x[1]
    if op == "Concat":
        return np.concatenate(x, axis=a["axis"])
    if op == "Conv":  # cross-correlation: sum over C, k, k of W * window, + b
        k, s = a["kernel_shape"][0], a.get("strides", [1, 1])[0]
        windows = conv_windows(x[0], k, s, a.get("pads", [0] * 4), 0)
        y = np.einsum("nchwij,ocij->nohw", windows, x[1], optimize=True)
        return y + (x[2].reshape(1, -1, 1, 1) if len(x) > 2 else np.float32(0))
    if op in ("MaxPool", "AveragePool"):
        k, s = a["kernel_shape"][0], a.get("strides", a["kernel_shape"])[0]
        fill = -np.inf if op == "MaxPool" else 0
        windows = conv_windows(x[0], k, s, a.get("pads", [0] * 4), fill)
        if op == "MaxPool":
            return windows.max(axis=(4, 5))
        assert a.get("count_include_pad", 0) == 1 or a.get("pads", [0])[0] == 0
        return windows.sum(axis=(4, 5)) / np.float32(k * k)
    raise ValueError("the interpreter has no operator " + op)


def interpret(model, x):
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    values[model.graph.input[0].name] = x
    for node in model.graph.node:
        values[node.output[0]] = np.asarray(run_node(node, values), dtype=np.float32)
    return values[model.graph.output[0].name]


# --- the checks ----------------------------------------------------------

def run(*args):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def write_pngs(work, pixels):
    """Dark-on-light 8-bit gray PNG files of the digits (as a user's photos)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    paths = []
    for i, image in enumerate(pixels):
        rows = b"".join(b"\0" + bytes(255 - int(p) for p in image[28 * r:28 * (r + 1)])
                        for r in range(28))
        path = os.path.join(work, "digit%03d.png" % i)
        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0))
                    + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
        paths.append(path)
    return paths


def minima_logits(minima, run_dir, pngs):
    """minima's logits [INPUTS, 10] and the inputs it fed them [INPUTS, 1, 28, 28]."""
    out = json.loads(run(minima, "predict", run_dir, *pngs, "--json"))
    mean, std = out["normalization"]["mean"], out["normalization"]["std"]
    preds = out["predictions"]
    logits = np.array([p["logits"] for p in preds], np.float32)
    pixels = np.array([p["input"]["pixels"] for p in preds], np.float32).reshape(-1, 1, 28, 28)
    return logits, ((pixels / np.float32(255) - np.float32(mean)) / np.float32(std)).astype(np.float32)


def onnx_runtime(root, modules, work, path, x):
    np.ascontiguousarray(x, np.float32).tofile(os.path.join(work, "x.bin"))
    run("node", os.path.join(root, "scripts", "onnx_runtime.js"), modules, path,
        os.path.join(work, "x.bin"), ",".join(str(d) for d in x.shape), os.path.join(work, "y.bin"))
    return np.fromfile(os.path.join(work, "y.bin"), np.float32).reshape(x.shape[0], -1)


def worst_difference(got, expected):
    """max |got - expected| / max(1, |expected|), elementwise."""
    return float((np.abs(got.astype(np.float64) - expected) / np.maximum(1, np.abs(expected))).max())


def check_file(root, modules, work, path, expected, x, state):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    (graph_in,), (graph_out,) = inferred.graph.input, inferred.graph.output
    assert graph_in.name == "input" and graph_out.name == "logits", (graph_in.name, graph_out.name)
    assert dims(graph_out) == ["N", 10], dims(graph_out)
    feed = x if len(dims(graph_in)) == 4 else x.reshape(len(x), -1)
    assert dims(graph_in) == ["N"] + list(feed.shape[1:]), dims(graph_in)
    stored = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for name, value in (state or {}).items():
        if name.endswith("num_batches_tracked"):
            continue
        assert name in stored and np.array_equal(stored[name], value), "initializer " + name
    numpy_diff = worst_difference(interpret(model, feed), expected)
    ort_diff = worst_difference(onnx_runtime(root, modules, work, path, feed), expected)
    ops = sorted({n.op_type for n in model.graph.node})
    print("  %-28s %2d nodes (%s): numpy %.1e, onnxruntime %.1e" % (
        os.path.basename(path), len(model.graph.node), " ".join(ops), numpy_diff, ort_diff))
    return numpy_diff <= TOLERANCE and ort_diff <= TOLERANCE


def check_config(minima, root, work, modules, name, pngs):
    run_dir, folded_dir = os.path.join(work, name), os.path.join(work, name + "_folded")
    plain_file, folded_file = run_dir + ".onnx", run_dir + "_folded.onnx"
    run(minima, "train", os.path.join(root, "configs", name + ".json"), "--quiet",
        "--set", "data.dir=" + os.path.join(work, "data"), "--set", "train.epochs=0",
        "--set", "train.steps=%d" % STEPS, "--set", "output.dir=" + run_dir)
    run(minima, "export", run_dir, "--onnx", plain_file)
    run(minima, "export", run_dir, "--fold-bn", folded_dir, "--onnx", folded_file, "--onnx-fold-bn")
    print(name)
    logits, x = minima_logits(minima, run_dir, pngs)
    folded_logits, _ = minima_logits(minima, folded_dir, pngs)
    state = read_safetensors(os.path.join(run_dir, "model.safetensors"))
    return (check_file(root, modules, work, plain_file, logits, x, state)
            and check_file(root, modules, work, folded_file, folded_logits, x, None))


def main():
    minima, root, work, modules = sys.argv[1:5]
    os.makedirs(os.path.join(work, "data"), exist_ok=True)
    rng = np.random.default_rng(7)
    write_idx(os.path.join(work, "data"), "train", 600, rng)
    test_pixels, _ = write_idx(os.path.join(work, "data"), "t10k", INPUTS, rng)
    pngs = write_pngs(work, test_pixels)
    ok = [check_config(minima, root, work, modules, name, pngs) for name in CONFIGS]
    if not all(ok):
        print("onnx check: FAILED (tolerance %.0e * max(1, |logit|))" % TOLERANCE)
        sys.exit(1)
    print("onnx check: OK (%d architectures, unfolded and folded, %d inputs)" % (len(CONFIGS), INPUTS))


if __name__ == "__main__":
    main()
