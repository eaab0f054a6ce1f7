//! Reconstruction losses: value and gradient with respect to the decoder's
//! pre-activation `Z2`, summed over a sample (the objective divides by m).

use super::{Activation, Real};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loss {
    /// ½‖x̂ − x‖².
    Mse,
    /// −Σ x log x̂ + (1 − x) log(1 − x̂); needs a sigmoid decoder.
    Bce,
}

impl Loss {
    pub fn name(self) -> &'static str {
        match self {
            Self::Mse => "mse",
            Self::Bce => "bce",
        }
    }

    /// L(x, x̂) for one pixel, from the decoder pre-activation `z` and x̂ = f(z).
    /// bce is computed from `z` (log(1 + eᶻ) − x z) so it stays finite when x̂ saturates.
    pub fn value<F: Real>(self, x: F, z: F, x_hat: F) -> F {
        match self {
            Self::Mse => F::of(0.5) * (x_hat - x) * (x_hat - x),
            Self::Bce => softplus(z) - x * z,
        }
    }

    /// ∂L/∂z for one pixel, where x̂ = f(z) for the decoder activation `f`.
    pub fn grad_z<F: Real>(self, decoder: Activation, x: F, x_hat: F) -> F {
        match self {
            Self::Mse => (x_hat - x) * decoder.d1_from_value(x_hat),
            // With a sigmoid decoder the sigmoid's derivative cancels.
            Self::Bce => x_hat - x,
        }
    }
}

/// log(1 + eᶻ) without overflow.
fn softplus<F: Real>(z: F) -> F {
    if z > F::zero() {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::activation::sigmoid;

    #[test]
    fn bce_from_logits_equals_the_textbook_formula() {
        for (x, z) in [(0.0f64, -1.2), (1.0, 0.7), (0.3, 2.5)] {
            let p: f64 = sigmoid(z);
            let textbook = -(x * p.ln() + (1.0 - x) * (1.0 - p).ln());
            assert!((Loss::Bce.value(x, z, p) - textbook).abs() < 1e-12);
        }
    }
}
