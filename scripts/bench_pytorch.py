"""Times the training step of `minima bench`'s networks in PyTorch (float32, CPU).

One process per thread setting (scripts/bench-pytorch.sh runs it with
OMP_NUM_THREADS = THREADS and OPENBLAS_NUM_THREADS of its own): the same layers as
minima's "mlp" builder (Linear without bias before BatchNorm1d, eps 1e-5,
momentum 0.1), sigmoid or ReLU, and its "cnn" builder for lenet (LeNet-5:
Conv2d 6 and 16 channels 5x5, the first padded by 2, BatchNorm2d, sigmoid,
AvgPool2d 2, then as the mlp; no conv/dense bias before BN), softmax
cross-entropy, SGD lr 0.1, synthetic inputs in [0, 1) with random labels. A step is zero_grad + forward + loss +
backward + optimizer step, as minima's. Prints one JSON object: the OpenBLAS
kernel this process runs with and the median step time per network.

Usage: python3 bench_pytorch.py THREADS [SECONDS_PER_NETWORK]
"""
import ctypes
import json
import statistics
import sys
import time

import torch

NETWORKS = [  # name, hidden sizes, activation, batch (cli/bench/bench.cpp)
    ("paper", [100, 100, 100], torch.nn.Sigmoid, 60),
    ("relu", [256, 256], torch.nn.ReLU, 128),
    ("wide", [1024, 1024], torch.nn.ReLU, 256),
]


def mlp(hidden, activation, batchnorm, features=784, classes=10):
    layers, width = [], features
    for units in hidden:
        layers.append(torch.nn.Linear(width, units, bias=not batchnorm))
        if batchnorm:
            layers.append(torch.nn.BatchNorm1d(units, eps=1e-5, momentum=0.1))
        layers.append(activation())
        width = units
    layers.append(torch.nn.Linear(width, classes))
    return torch.nn.Sequential(*layers)


def lenet(batchnorm):
    def block(layer, norm, width):
        return [layer] + ([norm(width)] if batchnorm else []) + [torch.nn.Sigmoid()]

    return torch.nn.Sequential(
        *block(torch.nn.Conv2d(1, 6, 5, padding=2, bias=not batchnorm), torch.nn.BatchNorm2d, 6),
        torch.nn.AvgPool2d(2),
        *block(torch.nn.Conv2d(6, 16, 5, bias=not batchnorm), torch.nn.BatchNorm2d, 16),
        torch.nn.AvgPool2d(2), torch.nn.Flatten(),
        *block(torch.nn.Linear(400, 120, bias=not batchnorm), torch.nn.BatchNorm1d, 120),
        *block(torch.nn.Linear(120, 84, bias=not batchnorm), torch.nn.BatchNorm1d, 84),
        torch.nn.Linear(84, 10))


def openblas_kernel():
    """The kernel of the OpenBLAS torch loaded (Debian's torch links libblas.so.3 -> OpenBLAS)."""
    for name in ("libopenblas.so.0", "libblas.so.3"):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode()
        except (OSError, AttributeError):
            continue
    return "unknown (not OpenBLAS?)"


def step_ms(model, x, labels, seconds):
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

    def step():
        optimizer.zero_grad(set_to_none=False)
        loss_fn(model(x), labels).backward()
        optimizer.step()

    for _ in range(10):
        step()
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 20:
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), len(times)


def main():
    threads = int(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    results = []
    for name, hidden, activation, batch in NETWORKS:
        for batchnorm in (True, False):
            model = mlp(hidden, activation, batchnorm).train()
            x = torch.rand(batch, 784)
            labels = torch.randint(0, 10, (batch,))
            median, count = step_ms(model, x, labels, seconds)
            results.append({"network": name + ("" if batchnorm else "-nobn"), "batch": batch,
                            "step_ms": median, "steps": count})
    for batchnorm in (True, False):
        x = torch.rand(128, 1, 28, 28)
        labels = torch.randint(0, 10, (128,))
        median, count = step_ms(lenet(batchnorm).train(), x, labels, seconds)
        results.append({"network": "lenet" + ("" if batchnorm else "-nobn"), "batch": 128,
                        "step_ms": median, "steps": count})
    print(json.dumps({"torch": torch.__version__, "threads": threads,
                      "openblas_kernel": openblas_kernel(), "results": results}))


if __name__ == "__main__":
    main()
