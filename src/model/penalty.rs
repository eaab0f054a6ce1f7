//! The regularisers of the objective, each a term with its exact gradient:
//! L2 weight decay, KL sparsity, L1 on the codes, k-sparse codes and the
//! contractive penalty. `autoencoder.rs` composes them.

use super::Real;
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2, Axis};
use serde::{Deserialize, Serialize};

/// Sparse-autoencoder target: β Σ_j KL(ρ ‖ ρ̂_j).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sparsity {
    /// ρ, the desired mean activation of each hidden unit.
    pub rho: f64,
    /// β, the weight of the KL term.
    pub beta: f64,
}

/// Every regulariser's setting; zero (or `None`) turns a term off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Penalties {
    /// λ in (λ/2)(‖W1‖² + ‖W2‖²); biases are not decayed.
    pub weight_decay: f64,
    pub sparsity: Option<Sparsity>,
    /// λ₁ in λ₁ (1/m) Σ_i ‖h_i‖₁.
    pub l1: f64,
    /// Keep each sample's k largest codes (0 = off).
    pub k_sparse: usize,
    /// λ_c in λ_c (1/m) Σ_i ‖J_h(x̃_i)‖²_F.
    pub contractive: f64,
    /// A VAE's β, the weight of its KL term (0 for an autoencoder).
    pub kl: f64,
}

/// ρ̂ kept inside (0, 1): a unit that never fires (k-sparse) or saturates in
/// f32 would otherwise make the KL term infinite.
fn inside<F: Real>(rho_hat: F) -> F {
    let eps = F::of(1e-7);
    rho_hat.max(eps).min(F::one() - eps)
}

/// KL(ρ ‖ ρ̂) between Bernoulli distributions; 0 exactly when ρ̂ = ρ.
pub fn kl<F: Real>(rho: F, rho_hat: F) -> F {
    let one = F::one();
    let rho_hat = inside(rho_hat);
    rho * (rho / rho_hat).ln() + (one - rho) * ((one - rho) / (one - rho_hat)).ln()
}

/// ∂ KL(ρ ‖ ρ̂) / ∂ρ̂; zero where ρ̂ is clamped, as the clamped value is flat there.
pub fn kl_grad<F: Real>(rho: F, rho_hat: F) -> F {
    let one = F::one();
    if inside(rho_hat) != rho_hat {
        return F::zero();
    }
    -rho / rho_hat + (one - rho) / (one - rho_hat)
}

/// The k-sparse mask of a batch (m × hidden): 1 for each sample's k largest
/// codes, 0 elsewhere. Ranked by the pre-activation z, which orders the codes
/// as any increasing g does but does not tie where g saturates.
pub fn top_k_mask<F: Real>(h: &Array2<F>, k: usize) -> Array2<F> {
    let mut mask = Array2::zeros(h.raw_dim());
    top_k_mask_into(h.view(), k, mask.view_mut());
    mask
}

/// [`top_k_mask`] into a buffer of the same shape as `h`.
pub fn top_k_mask_into<F: Real>(h: ArrayView2<F>, k: usize, mut mask: ArrayViewMut2<F>) {
    mask.fill(F::zero());
    let mut order: Vec<usize> = Vec::with_capacity(h.ncols());
    for (row, mut out) in h.axis_iter(Axis(0)).zip(mask.axis_iter_mut(Axis(0))) {
        order.clear();
        order.extend(0..row.len());
        order.sort_by(|&a, &b| {
            row[b]
                .partial_cmp(&row[a])
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        for &j in order.iter().take(k) {
            out[j] = F::one();
        }
    }
}

/// Squared norm of every row of `w` (‖W1[j]‖² for each hidden unit j).
pub fn row_norms2<F: Real>(w: &ndarray::ArrayView2<F>) -> Array1<F> {
    w.map_axis(Axis(1), |r| r.iter().map(|&v| v * v).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// KL(ρ‖ρ̂) ≥ 0 with its minimum 0 at ρ̂ = ρ, where the gradient vanishes too.
    #[test]
    fn kl_has_its_minimum_zero_at_rho() {
        let rho = 0.05f64;
        assert!(kl(rho, rho).abs() < 1e-15);
        assert!(kl_grad(rho, rho).abs() < 1e-12);
        for rho_hat in [0.001, 0.01, 0.04, 0.06, 0.2, 0.9] {
            assert!(kl(rho, rho_hat) > 0.0, "at {rho_hat}");
        }
        let eps = 1e-6;
        let numeric = (kl(rho, 0.3 + eps) - kl(rho, 0.3 - eps)) / (2.0 * eps);
        assert!((numeric - kl_grad(rho, 0.3)).abs() < 1e-7);
    }

    #[test]
    fn top_k_keeps_the_largest_codes_per_sample() {
        let h = ndarray::array![[0.1, 0.9, 0.5, 0.3], [0.7, 0.2, 0.8, 0.1]];
        let mask = top_k_mask(&h, 2);
        assert_eq!(
            mask,
            ndarray::array![[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0]]
        );
    }
}
