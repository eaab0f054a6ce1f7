"""Where a training step's time goes: `aelab bench` under `perf record`, its
samples sorted into what limits the step.

    python3 bench/profile.py [--workload ae-784-256] [--epochs 6] [--threads 2]

Needs `perf` (linux-tools) and a release build. Samples taken while the data
loads are left out: a sample counts as loading when its call stack passes
through the loaders or `Trainer::new`. The rest is sorted by the innermost
frame that names it: faer's products (kernels and packing), the two
products that read a mostly-zero X̃ by its nonzeros (model/sparse.rs: on
MNIST, Z1 and ∂W1), the optimiser's update, the fused elementwise passes and sums, the minibatch gather, and
waiting (a core idle at a join, or spinning for the next step's work).

The last lines turn the shares into what they bound: the products' speed
while they run (GFLOP/s a core, from the workload's FLOPs and the samples
in the products), how many cores' worth of time the process had while it
trained (below the thread count when other processes took the cores), and
the samples/s the step would reach, with its cores as busy, if everything
but its products took no time.
"""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LAST = re.compile(r"samples_per_s=([\d.]+) final_loss=([\d.naN]+)")

# Samples an epoch, and FLOPs a sample: five products the size of W1 for an
# untied autoencoder (the forward pass's two, dH, ∂W2, ∂W1), two FLOPs a
# multiply-add.
WORKLOADS = {"ae-784-256": (10_000, 2 * 5 * 784 * 256), "digits-64-25": (1_797, 2 * 5 * 64 * 25)}
HZ = 2000

LOADING = ("Trainer::new", "data::idx", "data::file", "data::csv", "data::bundle",
           "Dataset::split", "Dataset::take", "Dataset::shuffle", "miniz_oxide", "_dl_start",
           "cli::bench::workload")
CATEGORIES = [
    ("products (faer kernels, packing)", ("gemm_", "private_gemm", "millikernel", "faer::")),
    ("sparse products of X̃ (nonzeros listed, W1 transposed)", ("model::sparse",)),
    ("optimiser update (Adam)", ("optim::stretch", "optim::adam", "optim::sgd", "optim::momentum")),
    ("elementwise passes and sums", ("model::kernels", "model::forward", "model::backward",
                                     "model::stripes", "model::penalty")),
    ("minibatch gather", ("dataset::gather", "rows_into")),
    ("waiting (idle core at a join, spinning)", ("partner::", "__schedule", "sched_yield",
                                                 "clock_gettime", "wait_until", "do_syscall",
                                                 "finish_task_switch", "raw_spin")),
]


def samples(script):
    """(frames innermost first) for each sample of `perf script`'s text."""
    for block in script.split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines()]
        if len(lines) < 2:
            continue
        yield [line.split(" ", 1)[1] if " " in line else line for line in lines[1:]]


def category(frames):
    if any(any(key in f for key in LOADING) for f in frames):
        return None
    for f in frames:
        for name, keys in CATEGORIES:
            if any(key in f for key in keys):
                return name
    return "other"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", default="ae-784-256")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "perf.data")
        cmd = ["perf", "record", "-q", "-e", "cpu-clock", "-F", str(HZ), "--call-graph", "dwarf,16384",
               "-o", data, "target/release/aelab", "bench", "--workload", args.workload,
               "--epochs", str(args.epochs), "--threads", str(args.threads)]
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        match = LAST.search(out.stdout)
        if out.returncode != 0 or not match:
            sys.exit(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")
        out = subprocess.run(["perf", "script", "-i", data], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"perf script failed:\n{out.stderr}")
        script = out.stdout
    rate = float(match.group(1))
    counts = collections.Counter(category(f) for f in samples(script))
    loading = counts.pop(None, 0)
    total = sum(counts.values())
    print(f"{args.workload}, {args.epochs} epochs, {args.threads} threads: "
          f"samples_per_s={rate:.0f} final_loss={match.group(2)}")
    print(f"{total} samples while training ({loading} more while loading, left out)")
    for name, _ in CATEGORIES + [("other", ())]:
        print(f"  {100 * counts[name] / max(total, 1):5.1f} %  {name}")
    products, sparse = counts[CATEGORIES[0][0]], counts[CATEGORIES[1][0]]
    if args.workload in WORKLOADS and products > 0:
        size, flops = WORKLOADS[args.workload]
        if sparse > 0:
            flops = flops * 3 // 5  # faer runs three of the five products
        seconds = products / HZ  # a core's seconds in faer's products
        print(f"faer's products run at {args.epochs * size * flops / seconds / 1e9:.1f} "
              f"GFLOP/s a core while they run")
        wall = args.epochs * size / rate
        print(f"cores busy while training: {total / HZ / wall:.2f} of {args.threads} "
              f"(less when the host gives the time to other processes)")
        share = (products + sparse) / total
        print(f"with nothing but the products, as busy: {rate / share:.0f} samples/s "
              f"({1 / share:.2f}x this run)")


if __name__ == "__main__":
    main()
