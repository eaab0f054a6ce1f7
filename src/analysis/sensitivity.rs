//! How much the reconstruction moves when the input moves a little:
//! E ‖x̂(x + δ) − x̂(x)‖ / ‖δ‖ over samples, δ ~ N(0, σ² I). At small σ it
//! is the reconstruction Jacobian's mean gain along random directions, what a
//! contractive penalty shrinks for the code; at a larger σ it measures the
//! finite perturbations a denoising autoencoder is trained to undo
//! (Alain & Bengio: in the small-noise limit the two are linked).

use crate::model::{Objective, Params};
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

/// The two noise levels reported: "small but finite" and "infinitesimal".
pub const SIGMAS: [f64; 2] = [0.1, 0.01];

/// The mean gain ‖Δx̂‖ / ‖δ‖ on the rows of `x`, whose reconstruction is
/// `clean`, at noise level `sigma` (δ drawn from a generator seeded with
/// `seed`: the same δ for every model).
pub fn recon_gain(
    objective: &Objective,
    params: &Params<f32>,
    (x, clean): (&Array2<f32>, &Array2<f32>),
    sigma: f64,
    seed: u64,
) -> f64 {
    if x.nrows() == 0 {
        return f64::NAN;
    }
    let mut rng = chacha20::ChaCha12Rng::seed_from_u64(seed);
    let delta = Array2::from_shape_fn(x.raw_dim(), |_| {
        (sigma * rng.sample::<f64, _>(StandardNormal)) as f32
    });
    let moved = objective.forward(params, &(x + &delta)).x_hat;
    let gains = (clean.rows().into_iter().zip(moved.rows())).zip(delta.rows());
    let sum: f64 = gains
        .map(|((a, b), d)| {
            let num: f64 = a
                .iter()
                .zip(b)
                .map(|(&a, &b)| f64::from(b - a).powi(2))
                .sum();
            let den: f64 = d.iter().map(|&d| f64::from(d).powi(2)).sum();
            (num / den.max(f64::MIN_POSITIVE)).sqrt()
        })
        .sum();
    sum / x.nrows() as f64
}
