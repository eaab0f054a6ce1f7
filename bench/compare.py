"""aelab against its JAX and numpy peers, in one run, as a table.

    python3 bench/compare.py [--runs 3] [--threads 2] [--epochs N] [WORKLOAD ...]

Default workloads: ae-784-256 and digits-64-25. Builds aelab (release), then
for each workload runs aelab, JAX and numpy in turn, `--runs` times,
interleaved so that a drift of the shared machine touches all three alike,
and prints each one's median samples/s (min-max), its final loss, and
aelab's ratio to the fastest peer. Needs only python3; the peers' virtual
environment is made by bench/peers.sh on first use.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LAST = re.compile(r"samples_per_s=([\d.]+) final_loss=([\d.naN]+)")


def run(cmd):
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    match = LAST.search(out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "")
    if out.returncode != 0 or not match:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")
    return float(match.group(1)), float(match.group(2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workloads", nargs="*", default=["ae-784-256", "digits-64-25"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    extra = ["--threads", str(args.threads)] + (["--epochs", str(args.epochs)] if args.epochs else [])
    tools = {
        "aelab": ["target/release/aelab", "bench", "--workload"],
        "jax": [os.path.join(HERE, "peers.sh"), "jax"],
        "numpy": [os.path.join(HERE, "peers.sh"), "numpy"],
    }
    python = os.path.join(HERE, ".venv/bin/python")
    # On a fresh clone the environment does not exist until peers.sh's first run.
    versions = subprocess.run(
        [python, "-c", "import jax, numpy; print(f'jax {jax.__version__}, numpy {numpy.__version__}')"],
        capture_output=True, text=True,
    ).stdout.strip() if os.path.exists(python) else ""
    print(f"threads={args.threads} runs={args.runs} ({versions or 'peers not installed yet'})")
    print(f"{'workload':<24} {'tool':<6} {'samples/s median':>17} {'(min-max)':>19} {'final_loss':>10}  vs fastest peer")
    for workload in args.workloads:
        results = {tool: [] for tool in tools}
        for _ in range(args.runs):
            for tool, cmd in tools.items():
                results[tool].append(run(cmd + [workload] + extra))
        med = {t: statistics.median(s for s, _ in r) for t, r in results.items()}
        fastest = max(med["jax"], med["numpy"])
        for tool, r in results.items():
            speeds = [s for s, _ in r]
            ratio = f"{med[tool] / fastest:.2f}x" if tool == "aelab" else ""
            print(
                f"{workload:<24} {tool:<6} {med[tool]:>17,.0f} {f'({min(speeds):,.0f}-{max(speeds):,.0f})':>19}"
                f" {statistics.median(l for _, l in r):>10.4f}  {ratio}"
            )


if __name__ == "__main__":
    main()
