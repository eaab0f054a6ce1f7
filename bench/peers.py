"""The workloads of `aelab bench` in JAX (jit) and numpy (hand-written backprop).

    python peers.py {jax,numpy} WORKLOAD [--epochs N]

Prints a line per epoch, then `samples_per_s=<v> final_loss=<v>`, the time
being that of the epochs alone (data loading and JAX's compilation excluded),
as aelab's own bench. Threads: set by peers.sh through the environment.
The model, loss, penalties, initialisation and Adam are those of aelab
(src/model, src/optim/adam.rs): see BENCHMARKS.md.
"""

import argparse
import gzip
import os
import sys
import time

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

# name -> (data, hidden, batch, epochs, lr, variant)
WORKLOADS = {
    "ae-784-256": ("mnist", 256, 128, 5, 1e-3, "vanilla"),
    "ae-784-256-denoising": ("mnist", 256, 128, 5, 1e-3, "denoising"),
    "ae-784-256-sparse": ("mnist", 256, 128, 5, 1e-3, "sparse"),
    "ae-784-256-contractive": ("mnist", 256, 128, 5, 1e-3, "contractive"),
    "digits-64-25": ("digits", 25, 32, 20, 1e-3, "vanilla"),
}
Q, RHO, BETA, LAMBDA_C = 0.25, 0.05, 3.0, 0.1
B1, B2, EPS = 0.9, 0.999, 1e-8


def load(name):
    """The bundled data set as float32 in [0, 1], one sample a row."""
    if name == "mnist":
        with gzip.open(os.path.join(ROOT, "data/mnist/t10k-images-idx3-ubyte.gz")) as f:
            raw = f.read()
        return (np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 784) / 255.0).astype(np.float32)
    with gzip.open(os.path.join(ROOT, "data/digits/digits.csv.gz"), "rt") as f:
        rows = np.loadtxt(f, delimiter=",", dtype=np.float32)
    return rows[:, :64] / 16.0


def init(n, h, rng):
    """CS294A's initialisation, as aelab's Params::init: uniform ±r, biases 0."""
    r = np.sqrt(6.0 / (n + h + 1))
    u = lambda *s: rng.uniform(-r, r, s).astype(np.float32)
    return [u(h, n), np.zeros(h, np.float32), u(n, h), np.zeros(n, np.float32)]


def numpy_step(variant):
    """One Adam step with the gradient written out by hand (sigmoid/sigmoid, mse)."""
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))

    def step(params, state, x, x_tilde, lr):
        w1, b1, w2, b2 = params
        m = np.float32(x.shape[0])
        h = sig(x_tilde @ w1.T + b1)
        xh = sig(h @ w2.T + b2)
        diff = xh - x
        loss = 0.5 * np.sum(diff * diff) / m
        dz2 = diff * xh * (1 - xh) / m
        gw2, gb2 = dz2.T @ h, dz2.sum(0)
        dh = dz2 @ w2
        gp = h * (1 - h)
        if variant == "sparse":
            rho_hat = np.clip(h.mean(0), 1e-7, 1 - 1e-7)
            loss += BETA * np.sum(RHO * np.log(RHO / rho_hat) + (1 - RHO) * np.log((1 - RHO) / (1 - rho_hat)))
            dh = dh + BETA * (-RHO / rho_hat + (1 - RHO) / (1 - rho_hat)) / m
        dz1 = dh * gp
        gw1 = np.zeros_like(w1)
        if variant == "contractive":
            norms = np.sum(w1 * w1, 1)
            loss += LAMBDA_C * np.sum(np.mean(gp * gp, 0) * norms)
            dz1 += (2 * LAMBDA_C / m) * gp * gp * (1 - 2 * h) * norms
            gw1 += (2 * LAMBDA_C) * np.mean(gp * gp, 0)[:, None] * w1
        gw1 += dz1.T @ x_tilde
        grads = [gw1, dz1.sum(0), gw2, gb2]
        adam(params, state, grads, lr)
        return float(loss)

    def adam(params, state, grads, lr):
        state["t"] += 1
        c1, c2 = 1 / (1 - B1 ** state["t"]), 1 / (1 - B2 ** state["t"])
        for p, mo, v, g in zip(params, state["m"], state["v"], grads):
            mo *= B1
            mo += (1 - B1) * g
            v *= B2
            v += (1 - B2) * g * g
            p -= lr * (mo * c1) / (np.sqrt(v * c2) + EPS)

    return step


def jax_step(variant):
    """The same step, the gradient by jax.grad, compiled whole with jit."""
    import jax
    import jax.numpy as jnp

    def objective(params, x, x_tilde):
        w1, b1, w2, b2 = params
        m = x.shape[0]
        h = jax.nn.sigmoid(x_tilde @ w1.T + b1)
        xh = jax.nn.sigmoid(h @ w2.T + b2)
        loss = 0.5 * jnp.sum((xh - x) ** 2) / m
        if variant == "sparse":
            rho_hat = jnp.clip(h.mean(0), 1e-7, 1 - 1e-7)
            loss += BETA * jnp.sum(RHO * jnp.log(RHO / rho_hat) + (1 - RHO) * jnp.log((1 - RHO) / (1 - rho_hat)))
        if variant == "contractive":
            gp = h * (1 - h)
            loss += LAMBDA_C * jnp.sum(jnp.mean(gp * gp, 0) * jnp.sum(w1 * w1, 1))
        return loss

    @jax.jit
    def step(params, m, v, t, x, x_tilde, lr):
        loss, grads = jax.value_and_grad(objective)(params, x, x_tilde)
        t = t + 1
        c1, c2 = 1 / (1 - B1**t), 1 / (1 - B2**t)
        m = [B1 * a + (1 - B1) * g for a, g in zip(m, grads)]
        v = [B2 * a + (1 - B2) * g * g for a, g in zip(v, grads)]
        params = [p - lr * (a * c1) / (jnp.sqrt(b * c2) + EPS) for p, a, b in zip(params, m, v)]
        return params, m, v, t, loss

    return step, jnp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("impl", choices=["jax", "numpy"])
    ap.add_argument("workload", choices=sorted(WORKLOADS))
    ap.add_argument("--epochs", type=int)
    args = ap.parse_args()
    data, hidden, batch, epochs, lr, variant = WORKLOADS[args.workload]
    epochs = args.epochs or epochs
    x_all = load(data)
    rng = np.random.default_rng(42)
    params = init(x_all.shape[1], hidden, rng)
    n = x_all.shape[0]

    def batches():
        order = rng.permutation(n)
        for at in range(0, n, batch):
            x = x_all[order[at : at + batch]]
            keep = (rng.random(x.shape) >= Q) if variant == "denoising" else None
            yield x, (x * keep if keep is not None else x)

    if args.impl == "numpy":
        step = numpy_step(variant)
        state = {"t": 0, "m": [np.zeros_like(p) for p in params], "v": [np.zeros_like(p) for p in params]}
        run = lambda x, xt: step(params, state, x, xt, np.float32(lr))
    else:
        jstep, jnp = jax_step(variant)
        s = {"p": [jnp.asarray(p) for p in params], "t": jnp.float32(0)}
        s["m"] = [jnp.zeros_like(p) for p in s["p"]]
        s["v"] = [jnp.zeros_like(p) for p in s["p"]]
        shapes = {min(batch, n), n % batch or batch}
        for rows in shapes:  # compile every batch shape before the clock starts
            jstep(s["p"], s["m"], s["v"], s["t"], x_all[:rows], x_all[:rows], lr)[4].block_until_ready()

        def run(x, xt):
            s["p"], s["m"], s["v"], s["t"], loss = jstep(s["p"], s["m"], s["v"], s["t"], x, xt, lr)
            return loss

    total, final = 0.0, float("nan")
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        losses = [run(x, xt) for x, xt in batches()]
        final = float(np.mean([float(l) for l in losses]))  # waits for JAX's last step
        took = time.perf_counter() - started
        total += took
        print(f"epoch {epoch:>3} loss={final:.4f} samples/s={n / took:.0f}")
    print(f"samples_per_s={n * epochs / total:.0f} final_loss={final:.4f}")


if __name__ == "__main__":
    sys.exit(main())
