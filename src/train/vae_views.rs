//! What the lab shows of a VAE, built on the trainer's thread with the
//! other slow views: each latent dimension's KL on validation samples,
//! digits decoded from fixed draws of the prior, a walk through the latent
//! space between two validation digits, and for a 2-D latent space the map
//! of what the decoder draws at each point of a grid.

use crate::model::{Cache, Objective, Params};
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

/// Digits decoded from the prior, and steps of the interpolation.
pub const PRIOR_SAMPLES: usize = 32;
pub const WALK_STEPS: usize = 10;
/// The 2-D map: a `MAP_SIDE`² grid over z ∈ [−MAP_RANGE, MAP_RANGE]², the bulk of N(0, I).
pub const MAP_SIDE: usize = 16;
pub const MAP_RANGE: f64 = 2.5;

#[derive(Clone, Debug, PartialEq)]
pub struct VaeView {
    /// Mean KL(q(z_k|x) ‖ N(0, 1)) of each latent dimension k over the validation samples.
    pub kl_per_dim: Vec<f32>,
    /// x̂ decoded from the same z ~ N(0, I) each time (PRIOR_SAMPLES × inputs).
    pub prior_samples: Array2<f32>,
    /// x̂ along the line from μ(x_a) to μ(x_b) (WALK_STEPS × inputs), and the two labels.
    pub walk: Array2<f32>,
    pub walk_labels: Option<(u8, u8)>,
    /// With a 2-D latent space, x̂ at each grid point, row by row from
    /// z₂ = +MAP_RANGE down (MAP_SIDE² × inputs).
    pub map: Option<Array2<f32>>,
}

/// The VAE views of a model from the forward pass (at z = μ) of some
/// validation samples, at least one, with their labels if any.
pub fn vae_view(
    objective: &Objective,
    params: &Params<f32>,
    cache: &Cache<f32>,
    labels: Option<&[u8]>,
) -> VaeView {
    let latent = params.arch.latent;
    let vae = cache.vae.as_ref().expect("a VAE's forward pass");
    // The same prior draws every time, so the pictures change only as the decoder does.
    let mut rng = chacha20::ChaCha12Rng::seed_from_u64(7);
    let z = Array2::from_shape_fn((PRIOR_SAMPLES, latent), |_| rng.sample(StandardNormal));
    let prior_samples = objective.vae_decode(params, &z);
    // From the first validation digit to the first of another class.
    let m = vae.mu.nrows();
    let b = match labels {
        Some(l) => (1..m).find(|&i| l[i] != l[0]).unwrap_or(m.min(2) - 1),
        None => m.min(2) - 1,
    };
    let (mu_a, mu_b) = (vae.mu.row(0), vae.mu.row(b));
    let walk_z = Array2::from_shape_fn((WALK_STEPS, latent), |(i, k)| {
        let t = i as f32 / (WALK_STEPS - 1) as f32;
        (1.0 - t) * mu_a[k] + t * mu_b[k]
    });
    let map = (latent == 2).then(|| {
        let at = |i: usize| MAP_RANGE * (2.0 * i as f64 / (MAP_SIDE - 1) as f64 - 1.0);
        let grid = Array2::from_shape_fn((MAP_SIDE * MAP_SIDE, 2), |(i, k)| {
            let (row, col) = (i / MAP_SIDE, i % MAP_SIDE);
            (if k == 0 { at(col) } else { -at(row) }) as f32
        });
        objective.vae_decode(params, &grid)
    });
    VaeView {
        kl_per_dim: vae.kl_per_dim().into_iter().map(|v| v as f32).collect(),
        prior_samples,
        walk: objective.vae_decode(params, &walk_z),
        walk_labels: labels.map(|l| (l[0], l[b])),
        map,
    }
}
