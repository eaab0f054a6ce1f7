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

/// Standard Gaussian noise of one shape, drawn once from a seed and scaled
/// for each σ: the lab measures the gain about once a second on the same
/// samples, and drawing its 392k normals cost as much as the forward pass
/// it feeds.
pub struct UnitNoise {
    seed: u64,
    normals: Array2<f64>,
}

impl UnitNoise {
    /// N(0, 1) draws in `shape`, row by row, from a generator seeded with `seed`.
    pub fn new(shape: (usize, usize), seed: u64) -> UnitNoise {
        let mut draw = normals_from(seed);
        let normals = Array2::from_shape_fn(shape, |_| draw());
        UnitNoise { seed, normals }
    }

    /// `noise` if it has this shape and seed, else new noise put in its place.
    pub fn fitted(noise: &mut Option<UnitNoise>, shape: (usize, usize), seed: u64) -> &UnitNoise {
        let fits = |n: &UnitNoise| n.normals.dim() == shape && n.seed == seed;
        if !noise.as_ref().is_some_and(fits) {
            *noise = Some(UnitNoise::new(shape, seed));
        }
        noise.as_ref().expect("set above")
    }

    /// δ = σ n.
    pub fn scaled(&self, sigma: f64) -> Array2<f32> {
        self.normals.mapv(|n| scale(sigma, n))
    }
}

/// N(0, 1) draws one after another from a generator seeded with `seed`.
fn normals_from(seed: u64) -> impl FnMut() -> f64 {
    let mut rng = chacha20::ChaCha12Rng::seed_from_u64(seed);
    move || rng.sample::<f64, _>(StandardNormal)
}

/// One element of δ = σ n, computed in f64 and kept as f32.
fn scale(sigma: f64, n: f64) -> f32 {
    (sigma * n) as f32
}

/// δ = σ n drawn straight from `seed`, the same values as
/// [`UnitNoise::scaled`] without keeping n: for a measurement made once, on
/// a whole validation set (10,000 MNIST images' n would be 63 MB in f64).
pub fn drawn_delta(shape: (usize, usize), sigma: f64, seed: u64) -> Array2<f32> {
    let mut draw = normals_from(seed);
    Array2::from_shape_fn(shape, |_| scale(sigma, draw()))
}

/// The mean gain ‖Δx̂‖ / ‖δ‖ on the rows of `x`, whose reconstruction is
/// `clean`, when `delta` (x's shape; the same δ for every model) is added.
pub fn recon_gain(
    objective: &Objective,
    params: &Params<f32>,
    (x, clean): (&Array2<f32>, &Array2<f32>),
    delta: &Array2<f32>,
) -> f64 {
    if x.nrows() == 0 {
        return f64::NAN;
    }
    assert_eq!(delta.dim(), x.dim(), "noise of the samples' shape");
    let moved = objective.forward(params, &(x + delta)).x_hat;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept noise, scaled, is the noise drawn straight from the seed,
    /// so the lab's gain and the evaluation's see the same δ.
    #[test]
    fn kept_and_drawn_noise_are_the_same_values() {
        let noise = UnitNoise::new((7, 5), 3);
        for sigma in SIGMAS {
            assert_eq!(noise.scaled(sigma), drawn_delta((7, 5), sigma, 3));
        }
        assert_ne!(noise.scaled(0.1), drawn_delta((7, 5), 0.1, 4));
    }
}
