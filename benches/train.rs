//! `cargo bench --bench train [-- FILTER] [--threads N]`: the hot kernels of a training
//! step on the ae-784-256 shapes (batch 128 of MNIST-like inputs, 256 sigmoid
//! units): the forward pass, the whole step's value and gradient with each
//! penalty, and the Adam update. Each figure is the median time of one call
//! over 0.5 s of calls after a warm-up (no timed assertions: figures only);
//! on two or more threads a step is timed split over two threads and with
//! faer's threading, alternated three times (the median of the three).
//! `aelab bench` measures the whole training loop.

use aelab::model::kernels::all_finite;
use aelab::model::{
    Activation, Arch, Loss, Objective, Params, Penalties, Sparsity, Update, Workspace, linalg,
};
use aelab::optim::{Adam, Optimizer};
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

mod common;
use common::{report, time};

fn main() {
    // `-- FILTER` runs the kernels whose name holds it; `-- --threads N` sets the threads.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(n) = args.iter().position(|a| a == "--threads") {
        let n = args
            .get(n + 1)
            .and_then(|n| n.parse().ok())
            .expect("--threads N");
        linalg::set_threads(n);
    }
    let filter = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with('-') && (*i == 0 || args[i - 1] != "--threads"))
        .map(|(_, a)| a.clone());
    let wanted = |name: &str| filter.as_ref().is_none_or(|f| name.contains(f.as_str()));
    let mut rng = StdRng::seed_from_u64(42);
    let (m, inputs, hidden) = (128, 784, 256);
    let arch = Arch::ae(inputs, hidden, false);
    let params = Params::<f32>::init(arch, &mut rng);
    // MNIST-like: 19 % of the pixels nonzero (as MNIST's), spread over (0, 1],
    // so the step takes its sparse products (`AELAB_SPARSE=0` for the dense ones).
    let x = Array2::from_shape_fn((m, inputs), |_| {
        let v: f32 = rng.random_range(-4.2..1.0);
        v.max(0.0)
    });
    let base = Objective {
        encoder: Activation::Sigmoid,
        decoder: Activation::Sigmoid,
        loss: Loss::Mse,
        penalties: Penalties::default(),
    };
    let none = Penalties::default();
    let cases = [
        ("step vanilla", none),
        (
            "step sparse (KL)",
            Penalties {
                sparsity: Some(Sparsity {
                    rho: 0.05,
                    beta: 3.0,
                }),
                ..none
            },
        ),
        (
            "step contractive",
            Penalties {
                contractive: 0.1,
                ..none
            },
        ),
        (
            "step weight decay",
            Penalties {
                weight_decay: 3e-3,
                ..none
            },
        ),
        ("step l1", Penalties { l1: 1e-3, ..none }),
        (
            "step k-sparse 25",
            Penalties {
                k_sparse: 25,
                ..none
            },
        ),
    ];
    println!(
        "threads={} (AELAB bench: ae-784-256 shapes, batch {m})",
        linalg::threads()
    );
    let mut ws = Workspace::new();
    if wanted("forward") {
        report(
            "forward",
            time(|| base.forward_into(&params, &x, &mut ws.cache)),
            m,
        );
    }
    let mut grad = vec![0.0f32; arch.len()];
    // On two or more threads each step runs both ways, alternated: the
    // batch split in halves on two threads, and faer threading each product.
    let ways: &[(&str, bool)] = if linalg::threads() > 1 {
        &[(" (split)", true), (" (faer threads)", false)]
    } else {
        &[("", true)]
    };
    for (name, penalties) in cases {
        if wanted(name) {
            let objective = Objective { penalties, ..base };
            let mut times = vec![Vec::new(); ways.len()];
            for _ in 0..3 {
                for (way, &(_, split)) in ways.iter().enumerate() {
                    linalg::set_batch_split(split);
                    times[way].push(time(|| {
                        objective.value_and_gradient_into(&params, &x, &x, &mut grad, &mut ws);
                    }));
                }
            }
            for ((suffix, _), mut t) in ways.iter().zip(times) {
                t.sort_by(f64::total_cmp);
                report(&format!("{name}{suffix}"), t[1], m);
            }
        }
    }
    linalg::set_batch_split(true);
    if wanted("adam") {
        let mut adam = Adam::<f32>::new(1e-3, arch.len());
        let mut theta = params.theta.clone();
        report(
            "adam step (403,984 params)",
            time(|| adam.step(&mut theta, &grad)),
            m,
        );
        // What a training step does around it: keep θ, step, check θ.
        let mut before = theta.clone();
        report(
            "adam: copy, step, check",
            time(|| {
                before.copy_from_slice(&theta);
                adam.step(&mut theta, &grad);
                assert!(all_finite(&theta));
            }),
            m,
        );
        // The update written into the other buffer, checked, swapped: what
        // a training step does to each stripe of the gradient as it is
        // computed (`Objective::value_and_update`), here over θ whole.
        report(
            "adam stretch applied (the same fused, no copy)",
            time(|| {
                assert!(adam.stretch(&theta, &mut before).apply(&grad));
                std::mem::swap(&mut theta, &mut before);
            }),
            m,
        );
    }
}
