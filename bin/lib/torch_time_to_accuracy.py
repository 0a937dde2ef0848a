"""Single-node PyTorch reference for bin/benchmark-steps: time to a test accuracy on a directory's
train.csv and test.csv (header, one column "label", the rest inputs), with what sparkprop's
TimeToAccuracy uses: inputs standardised by the training rows' mean and population std (1 for
a constant column), the same layers (he_uniform weights, zero biases), float32, Adam with
PyTorch's defaults but the learning rate, cross-entropy averaged over the batch, and batches of
--batch-rows rows from a fresh seeded permutation of the training rows each epoch. Test
accuracy is checked after every epoch; the checks are not timed. Prints a line per epoch to
stderr and `result contestant=pytorch ...` lines to stdout. Runs under /usr/bin/python3, where
Debian's python3-torch installs.

--threads N is the cores PyTorch gets, as OpenBLAS threads: Debian's torch does its matrix
products in OpenBLAS (BLAS_INFO=generic), whose thread count is read from OPENBLAS_NUM_THREADS
once, when numpy or torch first loads it, so the script starts itself again with it set. Torch's own intra-op pool
stays at one thread: on 2 cores its OpenMP threads and OpenBLAS's contend. Measured here on
Fashion-MNIST's network, seconds per epoch: OpenBLAS 2 and torch 1 thread 0.30; OpenBLAS 1 and
torch 2 (this script's setting before 2026-12-04, under bin/benchmark-steps, which exports
OPENBLAS_NUM_THREADS=1) 0.43; both 2 0.92, 0.33 with OMP_WAIT_POLICY=passive."""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}


def network(layers):
    """784,256:relu,10:softmax -> Linear+ReLU, Linear (softmax is in the loss)."""
    parts = layers.split(",")
    width = int(parts[0])
    modules = []
    for i, part in enumerate(parts[1:]):
        units, activation = part.split(":")
        linear = torch.nn.Linear(width, int(units))
        torch.nn.init.kaiming_uniform_(linear.weight, nonlinearity="relu")  # he_uniform: sqrt(6 / fan_in)
        torch.nn.init.zeros_(linear.bias)
        modules.append(linear)
        if activation == "softmax":
            if i != len(parts) - 2:
                raise SystemExit(f"softmax only on the last layer: {layers}")
        else:
            modules.append(ACTIVATIONS[activation]())
        width = int(units)
    return torch.nn.Sequential(*modules)


def load(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    values = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    label = header.index("label")
    y = values[:, label].astype(np.int64)
    x = np.delete(values, label, axis=1)
    return x, y


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).double().mean().item()


def race(args, seed, x, y, xt, yt):
    torch.manual_seed(seed)
    model = network(args.layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    loss_fn = torch.nn.CrossEntropyLoss()
    order = torch.Generator().manual_seed(seed)
    trained, checks = 0.0, []
    for epoch in range(1, args.max_epochs + 1):
        t0 = time.perf_counter()
        for batch in torch.randperm(len(y), generator=order).split(args.batch_rows):
            optimizer.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            optimizer.step()
        trained += time.perf_counter() - t0
        acc = accuracy(model, xt, yt)
        checks.append((trained, acc))
        print(f"pytorch seed {seed} epoch {epoch}: {trained:.1f} s training, test accuracy {acc:.4f}",
              file=sys.stderr)
        if acc >= args.target:
            break
    reached = checks[-1][1] >= args.target
    lower = checks[-2][0] if reached and len(checks) > 1 else (0.0 if reached else float("nan"))
    return reached, checks[-1][0], lower, len(checks), checks[-1][1], max(a for _, a in checks)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--layers", default="784,256:relu,10:softmax")
    p.add_argument("--learning-rate", type=float, default=0.004)
    p.add_argument("--batch-rows", type=int, default=1024)
    p.add_argument("--max-epochs", type=int, default=30)
    p.add_argument("--target", type=float, default=0.88)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--rows", type=float, default=1.0, help="fraction of the training rows, sampled by --seed")
    p.add_argument("--threads", type=int, default=2, help="OpenBLAS threads for the matrix products")
    args = p.parse_args()
    if os.environ.get("OPENBLAS_NUM_THREADS") != str(args.threads):
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
        os.execv(sys.executable, [sys.executable] + sys.argv)
    torch.set_num_threads(1)
    t0 = time.perf_counter()
    x, y = load(f"{args.data}/train.csv")
    if args.rows < 1:
        keep = np.random.default_rng(args.seed).random(len(y)) < args.rows
        x, y = x[keep], y[keep]
    xt, yt = load(f"{args.data}/test.csv")
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1
    x, xt = (torch.from_numpy(((a - mean) / std).astype(np.float32)) for a in (x, xt))
    y, yt = torch.from_numpy(y), torch.from_numpy(yt)
    load_s = time.perf_counter() - t0
    times = []
    for seed in range(args.seed, args.seed + args.seeds):
        reached, seconds, lower, epochs, acc, best = race(args, seed, x, y, xt, yt)
        times.append(seconds if reached else float("inf"))
        print(f"result contestant=pytorch seed={seed} reached={str(reached).lower()} seconds={seconds:.6g}"
              f" lower_bound_s={lower:.6g} epochs={epochs} accuracy={acc:.4f} best_accuracy={best:.4f}")
    print(f"result contestant=pytorch phase=median seeds={args.seeds} median_seconds={statistics.median(times):.6g}"
          f" target={args.target:.4f} load_s={load_s:.3f} threads={args.threads} torch={torch.__version__}"
          f" train_rows={len(y)} test_rows={len(yt)}")


if __name__ == "__main__":
    main()
