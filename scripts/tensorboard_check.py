"""TensorBoard event files check (scripts/check-tensorboard.sh runs this).

On a small synthetic MNIST-shaped set (synthetic_mnist.write_idx), minima
trains the paper's BN net (`minima train --tensorboard`) and runs a short
`minima compare configs/compare_paper_fig1.json --tensorboard`. Every event
file is read back with an independent parser: protoc's Python code for
tensorboard_event.proto (TensorBoard's published field numbers) and
crcmod's CRC-32C. Checked:
- the layout DIR/<run or variant>/seed-<s>/events.out.tfevents.<time>.<host>,
  one directory per variant and seed;
- every record's framing: uint64 length, masked CRC-32C of the length,
  data, masked CRC-32C of the data (mask: ((c >> 15) | (c << 17)) + 0xa282ead8);
- the first event is file_version "brain.Event:2";
- one event per metrics.csv row, at its step, whose scalars equal the
  row's values (float32, within the CSV's 6 decimals);
- the last histogram of sigmoid1's input (bn1's output) against the same
  values computed in numpy from the run's model.safetensors over the probe
  batch (the first 1000 test samples): count, min, max, sum, sum of
  squares and bucket counts.
"""
import csv
import glob
import importlib
import json
import os
import struct
import subprocess
import sys

import crcmod.predefined
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthetic_mnist import read_safetensors, write_idx  # noqa: E402

STEPS, EVAL_EVERY = 60, 20
SCALARS = {"train/loss": "train_loss", "train/accuracy": "train_acc", "eval/loss": "eval_loss",
           "eval/accuracy": "eval_acc", "learning_rate": "lr"}
crc32c = crcmod.predefined.mkCrcFun("crc-32c")


def masked(data):
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def read_events(path, proto):
    """The Event messages of a file, each record's CRCs checked."""
    data, events, at = open(path, "rb").read(), [], 0
    while at < len(data):
        header = data[at:at + 8]
        (length,), (length_crc,) = struct.unpack("<Q", header), struct.unpack("<I", data[at + 8:at + 12])
        assert length_crc == masked(header), "%s: record at byte %d: length CRC" % (path, at)
        body = data[at + 12:at + 12 + length]
        (body_crc,) = struct.unpack("<I", data[at + 12 + length:at + 16 + length])
        assert len(body) == length and body_crc == masked(body), "%s: record at byte %d: data CRC" % (path, at)
        event = proto.Event()
        event.ParseFromString(body)
        events.append(event)
        at += 16 + length
    assert events and events[0].file_version == "brain.Event:2", path + ": no file_version event first"
    return events[1:]


def check_run_log(log_dir, run_dir, proto):
    """The event file of one run against its metrics.csv; returns its events."""
    files = glob.glob(os.path.join(log_dir, "events.out.tfevents.*.*"))
    assert len(files) == 1, "%s: expected one event file, found %s" % (log_dir, files)
    events = read_events(files[0], proto)
    rows = list(csv.DictReader(open(os.path.join(run_dir, "metrics.csv"))))
    assert [e.step for e in events] == [int(r["step"]) for r in rows], files[0] + ": steps"
    for event, row in zip(events, rows):
        values = {v.tag: v.simple_value for v in event.summary.value if v.WhichOneof("value") == "simple_value"}
        for tag, column in SCALARS.items():
            expected = float(row[column])
            assert abs(values[tag] - expected) <= 1e-6 * max(1, abs(expected)), \
                "%s: step %d: %s %r, metrics.csv %r" % (files[0], event.step, tag, values[tag], expected)
    return events


def hidden_input(run_dir, x):
    """bn1's output (sigmoid1's input) of the paper's BN net for inputs x [n, 784]."""
    state = read_safetensors(os.path.join(run_dir, "model.safetensors"))
    z = x @ state["fc1.weight"].T + state.get("fc1.bias", np.float32(0))
    eps = json.load(open(os.path.join(run_dir, "config.json")))["model"]["layers"][1]["eps"]
    return (state["bn1.weight"] * (z - state["bn1.running_mean"])
            / np.sqrt(state["bn1.running_var"] + np.float32(eps)) + state["bn1.bias"])


def check_histogram(events, run_dir, test_pixels):
    (histo,) = [v.histo for v in events[-1].summary.value if v.tag == "hidden/sigmoid1_input"]
    values = hidden_input(run_dir, test_pixels[:1000].astype(np.float32) / np.float32(255)).ravel()
    assert histo.num == values.size, "histogram count %d, expected %d" % (histo.num, values.size)
    for name, expected in [("min", values.min()), ("max", values.max()), ("sum", values.sum(dtype=np.float64)),
                           ("sum_squares", np.square(values, dtype=np.float64).sum())]:
        got = getattr(histo, name)
        assert abs(got - expected) <= 1e-4 * max(1, abs(expected)), "histogram %s %r, expected %r" % (name, got, expected)
    # bucket k counts (limit[k-1], limit[k]]; values within rounding of an edge may move
    edges = np.array(histo.bucket_limit)
    counts = np.bincount(np.clip(np.searchsorted(edges, values, side="left"), 0, len(edges) - 1),
                         minlength=len(edges))
    moved = np.abs(counts - np.array(histo.bucket)).sum()
    assert moved <= 4, "histogram buckets %s, expected %s" % (list(histo.bucket), list(counts))
    print("histogram hidden/sigmoid1_input at step %d: %d values in %d buckets, min %.4f max %.4f "
          "match numpy (%d moved by rounding)" % (events[-1].step, histo.num, len(edges), histo.min, histo.max, moved))


def main():
    minima, root, work = sys.argv[1:4]
    subprocess.run(["protoc", "--proto_path", os.path.join(root, "scripts"), "--python_out", work,
                    "tensorboard_event.proto"], check=True)
    sys.path.insert(0, work)
    proto = importlib.import_module("tensorboard_event_pb2")
    data = os.path.join(work, "data")
    os.makedirs(data, exist_ok=True)
    rng = np.random.default_rng(7)
    write_idx(data, "train", 600, rng)
    test_pixels, _ = write_idx(data, "t10k", 100, rng)
    sets = ["--set", "data.dir=" + data, "--set", "train.epochs=0", "--set", "train.steps=%d" % STEPS,
            "--set", "train.eval_every=%d" % EVAL_EVERY]
    logs = os.path.join(work, "logs")

    run_dir = os.path.join(work, "paper_bn")
    subprocess.run([minima, "train", os.path.join(root, "configs", "paper_fig1_bn.json"), "--quiet",
                    "--tensorboard", logs, "--set", "output.dir=" + run_dir] + sets,
                   check=True, stdout=subprocess.DEVNULL)
    events = check_run_log(os.path.join(logs, "paper_bn", "seed-0"), run_dir, proto)
    print("train: %d events match metrics.csv" % len(events))
    check_histogram(events, run_dir, test_pixels)

    compare_dir, compare_logs = os.path.join(work, "compare"), os.path.join(work, "compare_logs")
    subprocess.run([minima, "compare", os.path.join(root, "configs", "compare_paper_fig1.json"), "--quiet",
                    "--out", compare_dir, "--tensorboard", compare_logs] + sets,
                   check=True, stdout=subprocess.DEVNULL)
    runs = sorted(os.path.relpath(d, compare_dir) for d in glob.glob(os.path.join(compare_dir, "*", "seed-*")))
    logged = sorted(os.path.relpath(d, compare_logs) for d in glob.glob(os.path.join(compare_logs, "*", "seed-*")))
    assert runs and runs == logged, "compare runs %s, TensorBoard runs %s" % (runs, logged)
    for run in runs:
        check_run_log(os.path.join(compare_logs, run), os.path.join(compare_dir, run), proto)
    print("compare: %d runs (%s), each event file matches its metrics.csv" % (len(runs), ", ".join(runs)))
    print("tensorboard check: OK")


if __name__ == "__main__":
    main()
