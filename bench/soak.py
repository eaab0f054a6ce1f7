#!/usr/bin/env python3
"""Soak test of the lab: trains in tmux for a long stretch while random keys
arrive every few hundred milliseconds, and checks that memory stays flat and
the frame keeps changing. Not part of `cargo test` (it takes minutes).

    cargo build --release && python3 bench/soak.py [--minutes 10] [--preset demo]

Every 10 s it records the lab's resident memory (VmRSS) and whether the
screen changed since the last look. It fails (exit 1) if the lab exits, if
the screen froze for a whole window, or if memory in the last quarter of the
run is more than 20 % above memory at the end of the first quarter (after
warm-up: the loss history grows by design, a few bytes a step).
"""

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

# Every key of the lab but q (quit), weighted towards the ones that change
# what trains; w, S and R write files (into a scratch folder).
KEYS = (["Space"] + list("svV+-c[]rmnplzxyo?")) * 4 + ["Tab", "Enter", "Left", "Right", "Up", "Down"] * 2 + list("wSRP")
SESSION = "aelab-soak"


def tmux(*args, check=True):
    return subprocess.run(["tmux", *args], check=check, capture_output=True, text=True).stdout


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--preset", default="demo")
    ap.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "aelab"))
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    if not os.path.exists(binary):
        sys.exit(f"{binary}: not built (cargo build --release)")
    if not shutil.which("tmux"):
        sys.exit("tmux is not installed")
    scratch = tempfile.mkdtemp(prefix="aelab-soak-")
    rng = random.Random(a.seed)
    tmux("kill-session", "-t", SESSION, check=False)
    # tmux starts the lab with the server's environment: pass the allocator's knobs on.
    passed = " ".join(f"{k}={v}" for k, v in os.environ.items() if k.startswith("MALLOC_"))
    env = f"XDG_STATE_HOME={scratch}/state {passed}"
    tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40",
         f"cd {scratch} && {env} {binary} {a.preset}; sleep 3600")
    time.sleep(3)
    pids = subprocess.run(["pgrep", "-f", f"^{binary} {a.preset}$"], capture_output=True, text=True).stdout.split()
    if not pids:
        sys.exit("the lab did not start")
    pid = int(pids[0])
    end = time.time() + a.minutes * 60
    samples, frozen, keys_sent = [], 0, 0
    last_hash, next_look = None, time.time() + 10
    changed_in_window = False
    # A preset pauses at its last epoch: space every so often keeps it training.
    while time.time() < end:
        if not os.path.exists(f"/proc/{pid}"):
            print(f"FAIL: the lab exited after {len(samples) * 10} s", file=sys.stderr)
            sys.exit(1)
        tmux("send-keys", "-t", SESSION, rng.choice(KEYS))
        keys_sent += 1
        time.sleep(rng.uniform(0.15, 0.5))
        screen = tmux("capture-pane", "-p", "-t", SESSION)
        h = hashlib.sha1(screen.encode()).hexdigest()
        changed_in_window |= h != last_hash
        last_hash = h
        if time.time() >= next_look:
            samples.append(rss_kib(pid))
            frozen += not changed_in_window
            changed_in_window = False
            next_look += 10
            print(f"{len(samples) * 10:>5} s  rss {samples[-1] / 1024:7.1f} MiB  keys {keys_sent}", flush=True)
    tmux("send-keys", "-t", SESSION, "q")
    time.sleep(1)
    tmux("kill-session", "-t", SESSION, check=False)
    q = max(1, len(samples) // 4)
    early, late = samples[q - 1], max(samples[-q:])
    growth = late / max(early, 1)
    print(f"minutes={a.minutes} keys={keys_sent} rss_start_mib={samples[0] / 1024:.1f} "
          f"rss_after_warmup_mib={early / 1024:.1f} rss_last_quarter_max_mib={late / 1024:.1f} "
          f"growth={growth:.3f} frozen_windows={frozen}")
    shutil.rmtree(scratch, ignore_errors=True)
    if frozen or growth > 1.2:
        sys.exit(1)


if __name__ == "__main__":
    main()
