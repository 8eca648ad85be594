"""What the scripts that train minima without MNIST share: a small synthetic
MNIST-shaped IDX set, and a reader of the safetensors files minima writes
(scripts/training_parity.py, scripts/onnx_check.py)."""
import json
import os
import struct

import numpy as np

SIDE, CLASSES = 28, 10


def write_idx(directory, prefix, count, rng):
    """A synthetic MNIST-like set: dark images whose bright pixels (about a
    fifth) are a fixed random pattern per class, each pixel of it kept with
    probability 0.7."""
    patterns = np.random.default_rng(12345).random((CLASSES, SIDE * SIDE)) < 0.2
    labels = rng.integers(0, CLASSES, count).astype(np.uint8)
    kept = rng.random((count, SIDE * SIDE)) < 0.7
    pixels = (patterns[labels] & kept) * rng.integers(128, 256, (count, SIDE * SIDE))
    pixels = pixels.astype(np.uint8)
    with open(os.path.join(directory, prefix + "-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, count, SIDE, SIDE) + pixels.tobytes())
    with open(os.path.join(directory, prefix + "-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, count) + labels.tobytes())
    return pixels, labels


def read_safetensors(path):
    """name -> numpy array (F32 and I64, the dtypes minima writes)."""
    data = open(path, "rb").read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = {"F32": np.float32, "I64": np.int64}[info["dtype"]]
        tensors[name] = np.frombuffer(body[begin:end], dtype=dtype).reshape(info["shape"])
    return tensors
