//! Elementwise activations with their first and second derivatives, as
//! functions of the pre-activation `z` (the contractive gradient needs g'').

use super::Real;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Sigmoid,
    Tanh,
    Relu,
    Linear,
}

impl Activation {
    pub const ALL: [Activation; 4] = [Self::Sigmoid, Self::Tanh, Self::Relu, Self::Linear];

    pub fn name(self) -> &'static str {
        match self {
            Self::Sigmoid => "sigmoid",
            Self::Tanh => "tanh",
            Self::Relu => "relu",
            Self::Linear => "linear",
        }
    }

    /// g(z).
    pub fn value<F: Real>(self, z: F) -> F {
        match self {
            Self::Sigmoid => sigmoid(z),
            Self::Tanh => z.tanh(),
            Self::Relu => z.max(F::zero()),
            Self::Linear => z,
        }
    }

    /// g'(z).
    pub fn d1<F: Real>(self, z: F) -> F {
        match self {
            Self::Sigmoid => {
                let s = sigmoid(z);
                s * (F::one() - s)
            }
            Self::Tanh => {
                let t = z.tanh();
                F::one() - t * t
            }
            Self::Relu => {
                if z > F::zero() {
                    F::one()
                } else {
                    F::zero()
                }
            }
            Self::Linear => F::one(),
        }
    }

    /// g'(z) from the value y = g(z): sigmoid y(1 − y), tanh 1 − y². The
    /// forward pass has y already, so no second exp is spent on it.
    pub fn d1_from_value<F: Real>(self, y: F) -> F {
        match self {
            Self::Sigmoid => y * (F::one() - y),
            Self::Tanh => F::one() - y * y,
            Self::Relu => {
                if y > F::zero() {
                    F::one()
                } else {
                    F::zero()
                }
            }
            Self::Linear => F::one(),
        }
    }

    /// g''(z) (zero almost everywhere for relu and linear).
    pub fn d2<F: Real>(self, z: F) -> F {
        let two = F::of(2.0);
        match self {
            Self::Sigmoid => {
                let s = sigmoid(z);
                s * (F::one() - s) * (F::one() - two * s)
            }
            Self::Tanh => {
                let t = z.tanh();
                -two * t * (F::one() - t * t)
            }
            Self::Relu | Self::Linear => F::zero(),
        }
    }

    /// The open interval the codes live in, if bounded: KL sparsity needs (0, 1).
    pub fn range(self) -> (f64, f64) {
        match self {
            Self::Sigmoid => (0.0, 1.0),
            Self::Tanh => (-1.0, 1.0),
            Self::Relu => (0.0, f64::INFINITY),
            Self::Linear => (f64::NEG_INFINITY, f64::INFINITY),
        }
    }
}

/// A sigmoid that does not overflow for large |z|.
pub fn sigmoid<F: Real>(z: F) -> F {
    if z >= F::zero() {
        F::one() / (F::one() + (-z).exp())
    } else {
        let e = z.exp();
        e / (F::one() + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analytic derivatives match central differences away from kinks.
    #[test]
    fn derivatives_match_finite_differences() {
        let eps = 1e-5;
        for act in Activation::ALL {
            for z in [-2.3f64, -0.4, 0.3, 1.7] {
                let d1 = (act.value(z + eps) - act.value(z - eps)) / (2.0 * eps);
                let d2 = (act.d1(z + eps) - act.d1(z - eps)) / (2.0 * eps);
                assert!((d1 - act.d1(z)).abs() < 1e-8, "{act:?} g' at {z}");
                assert!((d2 - act.d2(z)).abs() < 1e-8, "{act:?} g'' at {z}");
                assert!(
                    (act.d1_from_value(act.value(z)) - act.d1(z)).abs() < 1e-12,
                    "{act:?} g' from g at {z}"
                );
            }
        }
    }

    #[test]
    fn sigmoid_is_finite_at_extremes() {
        assert_eq!(sigmoid(-1000.0f32), 0.0);
        assert_eq!(sigmoid(1000.0f32), 1.0);
    }
}
