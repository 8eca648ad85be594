"""Writes tests/data/pytorch_reference.json: PyTorch's float64 results for
float32-exact inputs, which the C++ tests compare minima with (the tests
themselves never need PyTorch). BatchNorm's options that PyTorch has not
("normalize": "mean" | "variance", "running_var": "biased"; issue #31) come
from FormulaBatchNorm: torch autograd over the explicit formulas in float64
("batchnorm_formula"; its "full" cases hold the formulas to PyTorch's own).

Run: $(bash scripts/torch-python.sh) scripts/pytorch_reference.py [OUT]
Every input comes from torch.manual_seed(case seed) and torch.randn in a
fixed order, so running it again rewrites the same file.
"""

import functools
import json
import sys

import torch

F32, F64 = torch.float32, torch.float64


def randn(*shape, scale=1.0, offset=0.0):
    """Float32 normal draws (so the C++ tests read them exactly), as float64."""
    return (torch.randn(*shape) * scale + offset).to(F64)


def values(t):
    return t.detach().tolist()


class FormulaBatchNorm(torch.nn.Module):
    """BatchNorm as its formulas, per feature (or channel of [N, C, H, W]) over
    its m values; autograd differentiates them. Train: mu = mean x, var =
    mean (x - mu)^2 (biased); Eval: running_mean, running_var. normalize
    "full": y = gamma (x - mu) / sqrt(var + eps) + beta, "mean": y = gamma
    (x - mu) + beta, "variance": y = gamma x / sqrt(var + eps) + beta.
    running = (1 - momentum) running + momentum stat, running_var from
    m/(m-1) var ("unbiased", PyTorch) or var ("biased")."""

    def __init__(self, n, eps, momentum, normalize, running_var):
        super().__init__()
        self.eps, self.momentum, self.normalize = eps, momentum, normalize
        self.unbiased = running_var == "unbiased"
        self.weight = torch.nn.Parameter(torch.ones(n))
        self.bias = torch.nn.Parameter(torch.zeros(n))
        self.register_buffer("running_mean", torch.zeros(n))
        self.register_buffer("running_var", torch.ones(n))

    def forward(self, x):
        dims = (0,) if x.dim() == 2 else (0, 2, 3)
        per_channel = (1, -1) + (1,) * (x.dim() - 2)  # [C] -> broadcast over x
        if self.training:
            m = x.numel() // x.shape[1]
            mu = x.mean(dims)
            var = ((x - mu.view(per_channel)) ** 2).mean(dims)
            with torch.no_grad():
                unbias = m / (m - 1) if self.unbiased else 1.0
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mu)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * unbias * var)
        else:
            mu, var = self.running_mean, self.running_var
        xhat = x
        if self.normalize != "variance":
            xhat = xhat - mu.view(per_channel)
        if self.normalize != "mean":
            xhat = xhat / torch.sqrt(var.view(per_channel) + self.eps)
        return self.weight.view(per_channel) * xhat + self.bias.view(per_channel)


def batchnorm_case(name, seed, shape, scale=1.0, offset=0.0, eps=1e-5, momentum=0.1,
                   module=None):
    """BatchNorm1d on shape [m, n], or BatchNorm2d on an image batch [N, C, H, W]
    (statistics per channel over N H W values); `module` (n, eps=, momentum=)
    in their place."""
    torch.manual_seed(seed)
    n = shape[1]
    x = randn(*shape, scale=scale, offset=offset)
    gamma = (1.0 + 0.5 * torch.randn(n)).to(F64)
    beta = (0.5 * torch.randn(n)).to(F64)
    dy = randn(*shape)
    train = [x, randn(*shape, scale=scale, offset=offset), randn(*shape, scale=scale, offset=offset)]
    eval_x = randn(*shape, scale=scale, offset=offset)
    module = module or (torch.nn.BatchNorm1d if len(shape) == 2 else torch.nn.BatchNorm2d)
    dims = (0,) if len(shape) == 2 else (0, 2, 3)
    m = x.numel() // n  # values per feature

    def make(dtype):
        bn = module(n, eps=eps, momentum=momentum).to(dtype)
        with torch.no_grad():
            bn.weight.copy_(gamma)
            bn.bias.copy_(beta)
        return bn

    def train_step(dtype):
        bn = make(dtype)
        xd = x.to(dtype).clone().requires_grad_(True)
        y = bn(xd)
        y.backward(dy.to(dtype))
        return bn, xd, y

    bn, xd, y = train_step(F64)
    squares = (x - x.mean(dims, keepdim=True)) ** 2  # two passes, around the mean
    size = {"m": shape[0], "n": n} if len(shape) == 2 else {"shape": list(shape)}
    case = {
        "name": name, "seed": seed, **size, "eps": eps, "momentum": momentum,
        "x": values(x), "gamma": values(gamma), "beta": values(beta), "y": values(y),
        "batch_mean": values(x.mean(dims)),
        "batch_var": values(squares.sum(dims) / m),
        "batch_var_unbiased": values(squares.sum(dims) / (m - 1)),
        "dy": values(dy), "dx": values(xd.grad),
        "dgamma": values(bn.weight.grad), "dbeta": values(bn.bias.grad),
        "running_mean_1": values(bn.running_mean), "running_var_1": values(bn.running_var),
        "train_inputs": [values(t) for t in train],
    }
    bn3 = make(F64)
    for t in train:
        bn3(t)
    bn3.eval()
    case["running_mean_3"] = values(bn3.running_mean)
    case["running_var_3"] = values(bn3.running_var)
    case["eval_input"] = values(eval_x)
    case["eval_output"] = values(bn3(eval_x))
    bn32, x32, y32 = train_step(F32)
    case["float32_torch_max_abs_err"] = {
        "y": (y32.to(F64) - y).abs().max().item(),
        "dx": (x32.grad.to(F64) - xd.grad).abs().max().item(),
        "dgamma": (bn32.weight.grad.to(F64) - bn.weight.grad).abs().max().item(),
        "dbeta": (bn32.bias.grad.to(F64) - bn.bias.grad).abs().max().item(),
    }
    return case


def batchnorm_formula_case(name, seed, shape, normalize="full", running_var="unbiased", **kw):
    """batchnorm_case by FormulaBatchNorm, with its options in the case."""
    module = functools.partial(FormulaBatchNorm, normalize=normalize, running_var=running_var)
    case = batchnorm_case(name, seed, shape, module=module, **kw)
    return {**case, "normalize": normalize, "running_var": running_var}


def softmax_cross_entropy_case(seed=131, m=5, classes=10):
    torch.manual_seed(seed)
    logits = randn(m, classes, scale=2.0)
    logits[1] = randn(classes, scale=3.0, offset=1000.0)
    logits[3] = randn(classes, scale=3.0, offset=-1000.0)
    labels = torch.randint(0, classes, (m,))
    z = logits.clone().requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(z, labels)
    loss.backward()
    return {
        "seed": seed, "logits": values(logits), "labels": values(labels), "loss": loss.item(),
        "dlogits": values(z.grad),
        "note": "loss = mean over rows of logsumexp(row) - row[label]; row 1 ~ +1000, "
        "row 3 ~ -1000 (use the max-subtracted form)",
    }


def linear_case(seed=231, m=5, d=9, h=3):
    torch.manual_seed(seed)
    x = randn(m, d).requires_grad_(True)
    weight = randn(h, d, scale=0.5).requires_grad_(True)
    bias = randn(h, scale=0.5).requires_grad_(True)
    dy = randn(m, h)
    y = torch.nn.functional.linear(x, weight, bias)
    y.backward(dy)
    return {
        "seed": seed, "x": values(x), "weight": values(weight), "bias": values(bias),
        "y": values(y), "dy": values(dy), "dx": values(x.grad), "dweight": values(weight.grad),
        "dbias": values(bias.grad),
    }


def conv2d_case(name, seed, n, c, hw, out, kernel, stride, padding, bias=True):
    """Conv2d forward and backward on [n, c, hw[0], hw[1]]."""
    torch.manual_seed(seed)
    x = randn(n, c, *hw).requires_grad_(True)
    weight = randn(out, c, kernel, kernel, scale=0.5).requires_grad_(True)
    b = randn(out, scale=0.5).requires_grad_(True) if bias else None
    y = torch.nn.functional.conv2d(x, weight, b, stride=stride, padding=padding)
    dy = randn(*y.shape)
    y.backward(dy)
    case = {
        "name": name, "seed": seed, "out_channels": out, "kernel": kernel, "stride": stride,
        "padding": padding, "x": values(x), "weight": values(weight),
        "bias": values(b) if bias else None,
        "y": values(y), "dy": values(dy), "dx": values(x.grad), "dweight": values(weight.grad),
    }
    if bias:
        case["dbias"] = values(b.grad)
    return case


def pool2d_case(kind, name, seed, n, c, hw, kernel, stride, padding):
    """MaxPool2d / AvgPool2d (count_include_pad) forward and backward."""
    torch.manual_seed(seed)
    x = randn(n, c, *hw).requires_grad_(True)
    pool = torch.nn.functional.max_pool2d if kind == "max" else torch.nn.functional.avg_pool2d
    y = pool(x, kernel, stride, padding)
    dy = randn(*y.shape)
    y.backward(dy)
    return {
        "name": name, "seed": seed, "kernel": kernel, "stride": stride, "padding": padding,
        "x": values(x), "y": values(y), "dy": values(dy), "dx": values(x.grad),
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/pytorch_reference.json"
    data = {
        "generator": "PyTorch float64 references for float32-exact inputs",
        "torch_version": torch.__version__,
        "batchnorm": [
            batchnorm_case("5x4", 31, (5, 4)),
            batchnorm_case("16x8", 32, (16, 8)),
            batchnorm_case("3x6_small_batch", 33, (3, 6), scale=0.01),
            batchnorm_case("48x12_offset", 34, (48, 12), scale=0.05, offset=300.0),
        ],
        "batchnorm2d": [
            batchnorm_case("4x3x5x5", 71, (4, 3, 5, 5)),
            batchnorm_case("2x4x3x6", 72, (2, 4, 3, 6)),
            batchnorm_case("1x2x3x3_one_sample", 73, (1, 2, 3, 3)),
            batchnorm_case("8x3x6x6_offset", 74, (8, 3, 6, 6), scale=0.05, offset=300.0),
        ],
        "batchnorm_formula": [
            batchnorm_formula_case("5x4_full", 31, (5, 4)),
            batchnorm_formula_case("4x3_mean", 35, (4, 3), normalize="mean"),
            batchnorm_formula_case("4x3_variance", 36, (4, 3), normalize="variance"),
            batchnorm_formula_case("4x3_biased", 37, (4, 3), running_var="biased"),
            batchnorm_formula_case("32x6_mean", 38, (32, 6), normalize="mean"),
            batchnorm_formula_case("32x6_variance", 39, (32, 6), normalize="variance", offset=2.0),
            batchnorm_formula_case("32x6_variance_biased", 40, (32, 6), normalize="variance",
                                   running_var="biased"),
            batchnorm_formula_case("2x3x4x4_full", 75, (2, 3, 4, 4)),
            batchnorm_formula_case("2x3x4x4_mean", 76, (2, 3, 4, 4), normalize="mean"),
            batchnorm_formula_case("2x3x4x4_variance_biased", 77, (2, 3, 4, 4),
                                   normalize="variance", running_var="biased"),
        ],
        "softmax_cross_entropy": softmax_cross_entropy_case(),
        "linear": linear_case(),
        "conv2d": [
            conv2d_case("3x5x5_k3", 41, 2, 3, (5, 5), 4, 3, 1, 0),
            conv2d_case("2x7x6_k3_s2_p1", 42, 3, 2, (7, 6), 3, 3, 2, 1),
            conv2d_case("1x8x8_k5_p2_nobias", 43, 2, 1, (8, 8), 6, 5, 1, 2, bias=False),
            conv2d_case("4x6x6_k2_s2", 44, 2, 4, (6, 6), 5, 2, 2, 0),
        ],
        "maxpool2d": [
            pool2d_case("max", "2x6x6_k2", 51, 2, 2, (6, 6), 2, 2, 0),
            pool2d_case("max", "3x7x5_k3_s2_p1", 52, 2, 3, (7, 5), 3, 2, 1),
            pool2d_case("max", "2x5x5_k3_s1", 53, 3, 2, (5, 5), 3, 1, 0),
        ],
        "avgpool2d": [
            pool2d_case("avg", "2x6x6_k2", 61, 2, 2, (6, 6), 2, 2, 0),
            pool2d_case("avg", "3x7x5_k2_odd", 64, 2, 3, (7, 5), 2, 2, 0),
            pool2d_case("avg", "3x7x5_k3_s2_p1", 62, 2, 3, (7, 5), 3, 2, 1),
            pool2d_case("avg", "2x5x5_k3_s1", 63, 3, 2, (5, 5), 3, 1, 0),
        ],
    }
    with open(out, "w") as f:
        json.dump(data, f, indent=1)


if __name__ == "__main__":
    main()
