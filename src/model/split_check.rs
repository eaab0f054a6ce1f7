//! The batch split over two threads (`backward.rs`, `stripes.rs`) against
//! the whole batch on one: the same gradient to the bit, the same cache and
//! terms for every activation, tying and penalty, with halves and stripes
//! of unequal size. (The whole-batch path is the one the finite-difference
//! checks in tests/gradcheck.rs hold.)

use super::sparse;
use super::{Activation, Arch, Loss, NoUpdate, Objective, Params, Penalties, Sparsity, Workspace};
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

fn cases(hidden: usize) -> Vec<Penalties> {
    let none = Penalties::default();
    let sparsity = Some(Sparsity {
        rho: 0.2,
        beta: 3.0,
    });
    vec![
        none,
        Penalties { sparsity, ..none },
        Penalties {
            contractive: 0.5,
            ..none
        },
        Penalties {
            weight_decay: 0.1,
            sparsity,
            l1: 0.1,
            k_sparse: hidden / 2,
            contractive: 0.3,
            kl: 0.0,
        },
    ]
}

#[test]
fn split_batch_gives_the_whole_batch_terms_gradient_and_cache() {
    let mut rng = StdRng::seed_from_u64(9);
    let (m, inputs, hidden) = (7, 6, 4);
    let x = Array2::from_shape_fn((m, inputs), |_| rng.random_range(0.0..1.0));
    let x_tilde = x.mapv(|v: f64| (v * 0.8 + 0.05).min(1.0));
    for tied in [false, true] {
        let arch = Arch::ae(inputs, hidden, tied);
        let params = Params::<f64>::init(arch, &mut rng);
        for encoder in [Activation::Sigmoid, Activation::Tanh] {
            for (loss, decoder) in [
                (Loss::Mse, Activation::Linear),
                (Loss::Bce, Activation::Sigmoid),
            ] {
                for penalties in cases(hidden) {
                    let objective = Objective {
                        encoder,
                        decoder,
                        loss,
                        penalties,
                    };
                    let run = |split| {
                        let mut grad = vec![f64::NAN; arch.len()];
                        let mut ws = Workspace::new();
                        let at = params.borrowed();
                        let (terms, finite) = objective.value_and_gradient_split(
                            at, &x, &x_tilde, &mut grad, &mut ws, split, NoUpdate,
                        );
                        assert!(finite);
                        (terms, grad, ws.cache)
                    };
                    let (whole, split) = (run(false), run(true));
                    // The loss is summed per half, so its last bits may differ.
                    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + a.abs());
                    let what = format!("{objective:?} tied={tied}");
                    assert!(close(whole.0.total(), split.0.total()), "{what}");
                    assert_eq!(whole.1, split.1, "{what}");
                    assert_eq!(whole.2.h, split.2.h, "{what}");
                    assert_eq!(whole.2.x_hat, split.2.x_hat, "{what}");
                    assert_eq!(whole.2.rho_hat, split.2.rho_hat, "{what}");
                    assert_eq!(whole.2.gprime_sq_mean, split.2.gprime_sq_mean, "{what}");
                    assert_eq!(whole.2.jacobian_units, split.2.jacobian_units, "{what}");
                    // The step's statistics (by its stripes, without the KL
                    // or contractive term) are the forward pass's.
                    let forward = objective.forward(&params, &x_tilde);
                    for (a, b) in [
                        (&split.2.rho_hat, &forward.rho_hat),
                        (&split.2.gprime_sq_mean, &forward.gprime_sq_mean),
                        (&split.2.jacobian_units, &forward.jacobian_units),
                    ] {
                        assert!(a.iter().zip(b).all(|(&a, &b)| close(a, b)), "{what}");
                    }
                }
            }
        }
    }
}

/// The f32 tests' penalties: the units' statistics before the weights'
/// gradients (contractive), in the stripes with decay, and with nothing.
fn f32_cases() -> [Penalties; 3] {
    let none = Penalties::default();
    [
        Penalties {
            weight_decay: 0.01,
            contractive: 0.1,
            ..none
        },
        Penalties {
            weight_decay: 0.01,
            ..none
        },
        none,
    ]
}

/// At f32, the split gradient is still the whole batch's to the bit: at
/// sizes where the products take faer's vector kernels and halves and
/// stripes end mid-kernel, at one hidden unit or one input (a stripe of no
/// rows), and at ae-784-256's size, where the whole batch's products run
/// on every thread faer is given.
#[test]
fn split_gradient_is_the_same_to_the_bit_at_f32() {
    let mut rng = StdRng::seed_from_u64(4);
    for (m, inputs, hidden) in [(45, 203, 37), (9, 5, 1), (9, 1, 3), (128, 784, 256)] {
        let x = Array2::from_shape_fn((m, inputs), |_| rng.random_range(0.0f32..1.0));
        for (tied, penalties) in [false, true]
            .into_iter()
            .flat_map(|t| f32_cases().map(|p| (t, p)))
        {
            let arch = Arch::ae(inputs, hidden, tied);
            let params = Params::<f32>::init(arch, &mut rng);
            let objective = Objective {
                encoder: Activation::Sigmoid,
                decoder: Activation::Sigmoid,
                loss: Loss::Bce,
                penalties,
            };
            let run = |split| {
                let mut grad = vec![f32::NAN; arch.len()];
                let mut ws = Workspace::new();
                let at = params.borrowed();
                objective.value_and_gradient_split(at, &x, &x, &mut grad, &mut ws, split, NoUpdate);
                let c = ws.cache;
                (grad, c.rho_hat, c.gprime_sq_mean, c.jacobian_units)
            };
            let what = format!("{m}x{inputs}x{hidden} tied={tied} {penalties:?}");
            assert_eq!(run(false), run(true), "{what}");
        }
    }
}

/// A mostly-zero batch (as MNIST's) takes the sparse products: its split
/// gradient is the dense products' up to rounding, tied and untied, at a
/// size where every block width of the sparse loops runs and at
/// ae-784-256's; at the first (products on one thread either way) the
/// whole batch's is the same to the bit.
#[test]
fn a_mostly_zero_batch_gives_the_dense_products_gradient() {
    let mut rng = StdRng::seed_from_u64(5);
    for (m, inputs, hidden) in [(45, 203, 77), (128, 784, 256)] {
        let x = Array2::from_shape_fn((m, inputs), |_| {
            let v = rng.random_range(-3.0f32..1.0);
            v.max(0.0)
        });
        let xs = x.as_slice().unwrap();
        assert_eq!(
            sparse::worth_it(xs),
            super::simd::has_avx2(),
            "{m}x{inputs}"
        );
        for (tied, penalties) in [false, true]
            .into_iter()
            .flat_map(|t| f32_cases().map(|p| (t, p)))
        {
            let arch = Arch::ae(inputs, hidden, tied);
            let params = Params::<f32>::init(arch, &mut rng);
            let objective = Objective {
                encoder: Activation::Sigmoid,
                decoder: Activation::Sigmoid,
                loss: Loss::Mse,
                penalties,
            };
            let run = |split, dense| {
                sparse::DENSE_ONLY.set(dense);
                let mut grad = vec![f32::NAN; arch.len()];
                let mut ws = Workspace::new();
                let at = params.borrowed();
                objective.value_and_gradient_split(at, &x, &x, &mut grad, &mut ws, split, NoUpdate);
                sparse::DENSE_ONLY.set(false);
                (grad, ws.cache.z1, ws.cache.jacobian_units)
            };
            let what = format!("{m}x{inputs}x{hidden} tied={tied} {penalties:?}");
            let (split, dense) = (run(true, false), run(true, true));
            if m < 128 {
                assert_eq!(run(false, false), split, "{what}");
            }
            // Different sums (the test compares two paths, not one with itself)...
            if super::simd::has_avx2() {
                assert_ne!(split.0, dense.0, "{what}");
            }
            // ...of the same gradient.
            let scale = dense.0.iter().fold(0f32, |a, g| a.max(g.abs()));
            for (a, b) in split.0.iter().zip(&dense.0) {
                assert!((a - b).abs() <= 1e-5 * scale, "{what}: {a} vs {b}");
            }
            for (a, b) in split.1.iter().zip(&dense.1) {
                assert!(
                    (a - b).abs() <= 1e-5 * (1.0 + b.abs()),
                    "{what}: z1 {a} vs {b}"
                );
            }
            for (a, b) in split.2.iter().zip(&dense.2) {
                assert!(
                    (a - b).abs() <= 1e-4 * (1.0 + b.abs()),
                    "{what}: J {a} vs {b}"
                );
            }
        }
    }
}
