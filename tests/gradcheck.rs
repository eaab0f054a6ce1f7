//! The gradient of the whole objective against central differences in f64,
//! for every encoder, decoder, loss, tied/untied and each regulariser — one
//! term at a time (as CS294A's train.m builds it up), then all together.

use aelab::analysis::gradcheck::{TOLERANCE, check, fixed_noise};
use aelab::model::{
    Activation, Arch, Corruption, CorruptionKind, Loss, Objective, Params, Penalties, Sparsity,
};
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// A small batch with values in (0, 1), as bce needs.
fn batch(m: usize, n: usize, seed: u64) -> Array2<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    Array2::from_shape_fn((m, n), |_| rng.random_range(0.05..0.95))
}

/// Each regulariser alone, then all of them together.
fn penalty_cases(encoder: Activation, hidden: usize) -> Vec<(&'static str, Penalties)> {
    let none = Penalties::default();
    let sparsity = Some(Sparsity {
        rho: 0.2,
        beta: 3.0,
    });
    let kl_ok = matches!(encoder, Activation::Sigmoid | Activation::Tanh);
    let mut cases = vec![
        ("none", none),
        (
            "weight decay",
            Penalties {
                weight_decay: 0.3,
                ..none
            },
        ),
        ("l1", Penalties { l1: 0.2, ..none }),
        (
            "k-sparse",
            Penalties {
                k_sparse: hidden / 2,
                ..none
            },
        ),
        (
            "contractive",
            Penalties {
                contractive: 0.5,
                ..none
            },
        ),
    ];
    if kl_ok {
        cases.push(("sparsity", Penalties { sparsity, ..none }));
    }
    cases.push((
        "all",
        Penalties {
            weight_decay: 0.1,
            sparsity: if kl_ok { sparsity } else { None },
            l1: 0.1,
            k_sparse: hidden - 1,
            contractive: 0.3,
            kl: 0.0,
        },
    ));
    cases
}

/// Central differences cannot see a derivative across a kink: a relu input
/// at 0, or two codes that swap places in the k-sparse ranking. A draw must
/// keep every pre-activation this far from its kink.
const KINK_MARGIN: f64 = 1e-3;

fn far_from_kinks(objective: &Objective, params: &Params<f64>, x_tilde: &Array2<f64>) -> bool {
    let z1 = objective.forward(params, x_tilde).z1;
    let relu_ok = objective.encoder != Activation::Relu || z1.iter().all(|z| z.abs() > KINK_MARGIN);
    let k = objective.penalties.k_sparse;
    let ranking_ok = k == 0
        || k >= params.arch.hidden
        || z1.rows().into_iter().all(|row| {
            let mut z = row.to_vec();
            z.sort_by(|a, b| b.total_cmp(a));
            z[k - 1] - z[k] > KINK_MARGIN
        });
    relu_ok && ranking_ok
}

/// A batch a quarter nonzero, as MNIST is a fifth: half of the first
/// half of each row, none of the rest (so whole stretches of 8 zeros are
/// skipped). The step then takes its sparse products (`model/sparse.rs`,
/// up to 30 % nonzero, with AVX2).
fn mostly_zero_batch(m: usize, n: usize, seed: u64) -> Array2<f64> {
    let x = batch(m, n, seed);
    Array2::from_shape_fn((m, n), |(i, k)| {
        if k < n / 2 && (i + k).is_multiple_of(2) {
            x[(i, k)]
        } else {
            0.0
        }
    })
}

fn assert_gradients_match(objective: Objective, arch: Arch, corrupt: Corruption, seed: u64) {
    let x = batch(7, arch.inputs, seed);
    assert_gradients_match_on(&x, objective, arch, corrupt, seed);
}

fn assert_gradients_match_on(
    x: &Array2<f64>,
    objective: Objective,
    arch: Arch,
    corrupt: Corruption,
    seed: u64,
) {
    let x = x.clone();
    let mut rng = StdRng::seed_from_u64(seed + 1);
    let (params, x_tilde) = (0..100)
        .map(|_| {
            // Larger than Glorot so that the units leave their linear regime.
            let mut params = Params::<f64>::init(arch, &mut rng);
            params
                .theta
                .iter_mut()
                .for_each(|v| *v = *v * 2.0 + rng.random_range(-0.1..0.1));
            let x_tilde = corrupt.apply(&x, &mut rng);
            (params, x_tilde)
        })
        .find(|(p, xt)| far_from_kinks(&objective, p, xt))
        .expect("a draw away from the kinks within 100 tries");
    for block in check(&objective, &params, &x, &x_tilde, usize::MAX, seed) {
        assert!(
            block.rel_error < TOLERANCE,
            "{} rel_error {:e} for {objective:?}, {arch:?}, {corrupt:?}",
            block.name,
            block.rel_error
        );
    }
}

#[test]
fn every_activation_loss_tying_and_regulariser_has_an_exact_gradient() {
    let mut checked = 0;
    for encoder in Activation::ALL {
        for decoder in [Activation::Sigmoid, Activation::Linear, Activation::Tanh] {
            for loss in [Loss::Mse, Loss::Bce] {
                if loss == Loss::Bce && decoder != Activation::Sigmoid {
                    continue; // refused by validation: bce needs outputs in (0, 1)
                }
                for tied in [false, true] {
                    // Undercomplete and overcomplete codes.
                    for hidden in [3, 8] {
                        for (_, penalties) in penalty_cases(encoder, hidden) {
                            let objective = Objective {
                                encoder,
                                decoder,
                                loss,
                                penalties,
                            };
                            let arch = Arch::ae(5, hidden, tied);
                            assert_gradients_match(objective, arch, Corruption::NONE, checked);
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 250, "only {checked} combinations checked");
}

/// The same on a mostly-zero batch, whose codes and W1's gradient the
/// step computes from its nonzeros: every encoder, both losses, tied and
/// untied, each regulariser, with codes of 3 and 9 units and one of 70
/// (which the sparse loops take 64 at a time), clean and masked.
#[test]
fn a_mostly_zero_batch_has_an_exact_gradient() {
    let mut checked = 0;
    for encoder in Activation::ALL {
        for loss in [Loss::Mse, Loss::Bce] {
            for tied in [false, true] {
                for hidden in [3, 9] {
                    for (_, penalties) in penalty_cases(encoder, hidden) {
                        let objective = Objective {
                            encoder,
                            decoder: Activation::Sigmoid,
                            loss,
                            penalties,
                        };
                        let arch = Arch::ae(20, hidden, tied);
                        let x = mostly_zero_batch(7, 20, checked);
                        assert_gradients_match_on(&x, objective, arch, Corruption::NONE, checked);
                        checked += 1;
                    }
                }
            }
        }
    }
    let objective = Objective {
        encoder: Activation::Sigmoid,
        decoder: Activation::Sigmoid,
        loss: Loss::Bce,
        penalties: penalty_cases(Activation::Sigmoid, 70).pop().unwrap().1,
    };
    let masked = Corruption {
        kind: CorruptionKind::Mask,
        level: 0.3,
    };
    for (tied, corrupt) in [(false, Corruption::NONE), (true, masked)] {
        let x = mostly_zero_batch(7, 20, 1);
        assert_gradients_match_on(&x, objective, Arch::ae(20, 70, tied), corrupt, 1);
    }
    assert!(checked > 100, "only {checked} combinations checked");
}

#[test]
fn corruption_does_not_change_the_gradient_of_the_fixed_draw() {
    for kind in CorruptionKind::ALL {
        let objective = Objective {
            encoder: Activation::Sigmoid,
            decoder: Activation::Sigmoid,
            loss: Loss::Bce,
            penalties: Penalties {
                contractive: 0.2,
                weight_decay: 0.01,
                ..Penalties::default()
            },
        };
        let level = if kind == CorruptionKind::Gaussian {
            0.2
        } else {
            0.3
        };
        assert_gradients_match(
            objective,
            Arch::ae(6, 4, false),
            Corruption { kind, level },
            9,
        );
    }
}

/// A VAE's −ELBO with ε held fixed: every encoder and decoder activation
/// (both hidden layers use the encoder's), each loss, β on, off and part
/// way through a warm-up, with and without weight decay, clean and
/// corrupted inputs. (A VAE is never tied: validation refuses it.)
#[test]
fn the_vae_elbo_has_an_exact_gradient_at_fixed_noise() {
    let mut checked = 0;
    for encoder in Activation::ALL {
        for decoder in [Activation::Sigmoid, Activation::Linear, Activation::Tanh] {
            for loss in [Loss::Mse, Loss::Bce] {
                if loss == Loss::Bce && decoder != Activation::Sigmoid {
                    continue;
                }
                for (kl, weight_decay) in [(1.0, 0.0), (0.0, 0.0), (0.37, 0.2)] {
                    for latent in [1, 3] {
                        let objective = Objective {
                            encoder,
                            decoder,
                            loss,
                            penalties: Penalties {
                                kl,
                                weight_decay,
                                ..Penalties::default()
                            },
                        };
                        let arch = Arch {
                            latent,
                            ..Arch::ae(5, 4, false)
                        };
                        let corrupt = if checked % 2 == 0 {
                            Corruption::NONE
                        } else {
                            Corruption {
                                kind: CorruptionKind::Gaussian,
                                level: 0.2,
                            }
                        };
                        assert_vae_gradients_match(objective, arch, corrupt, checked);
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked >= 60, "only {checked} combinations checked");
}

fn assert_vae_gradients_match(objective: Objective, arch: Arch, corrupt: Corruption, seed: u64) {
    let x = batch(7, arch.inputs, seed);
    let eps = fixed_noise(seed, x.nrows(), arch.latent);
    let mut rng = StdRng::seed_from_u64(seed + 1);
    let (params, x_tilde) = (0..200)
        .map(|_| {
            let mut params = Params::<f64>::init(arch, &mut rng);
            params
                .theta
                .iter_mut()
                .for_each(|v| *v += rng.random_range(-0.1..0.1));
            (params, corrupt.apply(&x, &mut rng))
        })
        .find(|(p, xt)| {
            // Both hidden layers away from a relu's kink, at the checked ε.
            let mut cache = aelab::model::Cache::default();
            cache
                .vae_noise(x.nrows(), arch.hidden, arch.latent)
                .assign(&eps);
            objective.forward_into(p, xt, &mut cache);
            let z3 = &cache.vae.as_ref().expect("a VAE's cache").z3;
            objective.encoder != Activation::Relu
                || cache.z1.iter().chain(z3).all(|z| z.abs() > KINK_MARGIN)
        })
        .expect("a draw away from the kinks within 200 tries");
    for block in check(&objective, &params, &x, &x_tilde, usize::MAX, seed) {
        assert!(
            block.rel_error < TOLERANCE,
            "{} rel_error {:e} for {objective:?}, {arch:?}, {corrupt:?}",
            block.name,
            block.rel_error
        );
    }
}
