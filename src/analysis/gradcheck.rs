//! Analytic gradients against central differences, in f64, as CS294A's
//! `checkNumericalGradient`: relative error ‖g − ĝ‖ / ‖g + ĝ‖ per tensor.

use crate::model::stack::{DeepObjective, StackParams};
use crate::model::{Objective, Params, Workspace};
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::seq::index::sample;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use std::ops::Range;

/// Central-difference step (DESIGN.md: ε = 1e-4).
pub const EPSILON: f64 = 1e-4;
/// The threshold above which a check fails.
pub const TOLERANCE: f64 = 1e-6;

/// The result for one parameter tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockCheck {
    pub name: &'static str,
    /// How many coordinates were checked, of how many.
    pub checked: usize,
    pub total: usize,
    pub analytic_norm: f64,
    pub rel_error: f64,
}

/// ‖a − b‖ / ‖a + b‖, and 0 when both are zero.
pub fn relative_error(a: &[f64], b: &[f64]) -> f64 {
    let diff: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt();
    let sum: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x + y).powi(2))
        .sum::<f64>()
        .sqrt();
    if sum == 0.0 { diff } else { diff / sum }
}

/// ∂f/∂θ_i by central differences at the given coordinates.
pub fn numerical_gradient(
    mut f: impl FnMut(&[f64]) -> f64,
    theta: &[f64],
    coords: &[usize],
) -> Vec<f64> {
    let mut t = theta.to_vec();
    coords
        .iter()
        .map(|&i| {
            let orig = t[i];
            t[i] = orig + EPSILON;
            let plus = f(&t);
            t[i] = orig - EPSILON;
            let minus = f(&t);
            t[i] = orig;
            (plus - minus) / (2.0 * EPSILON)
        })
        .collect()
}

/// The ε a check of a VAE holds fixed (m × latent standard normals).
pub fn fixed_noise(seed: u64, m: usize, latent: usize) -> Array2<f64> {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(1));
    Array2::from_shape_fn((m, latent), |_| rng.sample(StandardNormal))
}

/// Checks the whole objective's gradient on one batch with one fixed
/// corruption draw (`x_tilde`), and for a VAE one fixed draw of ε (from
/// `seed`): every coordinate of tensors with at most `max_coords` entries,
/// a seeded sample of `max_coords` from larger ones.
pub fn check(
    objective: &Objective,
    params: &Params<f64>,
    x: &Array2<f64>,
    x_tilde: &Array2<f64>,
    max_coords: usize,
    seed: u64,
) -> Vec<BlockCheck> {
    let arch = params.arch;
    let eps = arch
        .is_vae()
        .then(|| fixed_noise(seed, x.nrows(), arch.latent));
    // A workspace whose cache holds the fixed ε (for a VAE).
    let workspace = || {
        let mut ws = Workspace::new();
        if let Some(eps) = &eps {
            ws.cache
                .vae_noise(x.nrows(), arch.hidden, arch.latent)
                .assign(eps);
        }
        ws
    };
    let mut analytic = vec![0.0; params.theta.len()];
    objective.value_and_gradient_into(params, x, x_tilde, &mut analytic, &mut workspace());
    let cost = |theta: &[f64]| {
        let p = Params {
            arch,
            theta: theta.to_vec(),
        };
        let mut ws = workspace();
        objective.forward_into(&p, x_tilde, &mut ws.cache);
        objective.terms(&p, x, &ws.cache).total()
    };
    let blocks = params.arch.blocks();
    check_blocks(&blocks, &params.theta, &analytic, cost, max_coords, seed)
}

/// The fine-tuning gradient of a stack, as [`check`] does it: one list of
/// blocks per layer, bottom first.
pub fn check_stack(
    objective: &DeepObjective,
    params: &StackParams<f64>,
    x: &Array2<f64>,
    x_tilde: &Array2<f64>,
    max_coords: usize,
    seed: u64,
) -> Vec<Vec<BlockCheck>> {
    let mut analytic = vec![0.0; params.theta.len()];
    objective.value_and_gradient(params, x, x_tilde, &mut analytic);
    let cost = |theta: &[f64]| {
        let p = StackParams {
            arch: params.arch.clone(),
            theta: theta.to_vec(),
        };
        objective
            .terms(&p, x, &objective.forward(&p, x_tilde))
            .total()
    };
    let layers = params.arch.layers.iter().zip(params.arch.ranges());
    layers
        .map(|(arch, at)| {
            let blocks: Vec<_> = (arch.blocks().into_iter())
                .map(|(name, r)| (name, at.start + r.start..at.start + r.end))
                .collect();
            check_blocks(&blocks, &params.theta, &analytic, cost, max_coords, seed)
        })
        .collect()
}

/// `analytic` against central differences of `cost` at θ, block by block.
pub fn check_blocks(
    blocks: &[(&'static str, Range<usize>)],
    theta: &[f64],
    analytic: &[f64],
    cost: impl Fn(&[f64]) -> f64,
    max_coords: usize,
    seed: u64,
) -> Vec<BlockCheck> {
    let mut rng = StdRng::seed_from_u64(seed);
    blocks
        .iter()
        .map(|(name, range)| {
            let total = range.len();
            let coords: Vec<usize> = if total <= max_coords {
                range.clone().collect()
            } else {
                let mut picked: Vec<usize> = sample(&mut rng, total, max_coords)
                    .into_iter()
                    .map(|i| range.start + i)
                    .collect();
                picked.sort_unstable();
                picked
            };
            let numeric = numerical_gradient(&cost, theta, &coords);
            let exact: Vec<f64> = coords.iter().map(|&i| analytic[i]).collect();
            BlockCheck {
                name,
                checked: coords.len(),
                total,
                analytic_norm: exact.iter().map(|v| v * v).sum::<f64>().sqrt(),
                rel_error: relative_error(&exact, &numeric),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Check the checker first (UFLDL): h(x1, x2) = x1² + 3 x1 x2 at (4, 10).
    #[test]
    fn the_checker_agrees_with_a_known_gradient() {
        let h = |t: &[f64]| t[0] * t[0] + 3.0 * t[0] * t[1];
        let numeric = numerical_gradient(h, &[4.0, 10.0], &[0, 1]);
        let exact = [2.0 * 4.0 + 3.0 * 10.0, 3.0 * 4.0];
        assert!(relative_error(&exact, &numeric) < 1e-10, "{numeric:?}");
    }
}
