//! Optimisers over the flat parameter vector θ.
//!
//! The first-order methods ([`Sgd`], [`Momentum`], [`Adam`]) take one update
//! per (mini)batch gradient behind the [`Optimizer`] trait; [`Lbfgs`] needs
//! the objective itself (its line search evaluates trial points), so it has
//! its own full-batch `step`.

pub mod adam;
pub mod lbfgs;
pub mod momentum;
pub mod sgd;
pub mod state;
pub mod stretch;

pub use adam::Adam;
pub use lbfgs::{Lbfgs, LbfgsStep};
pub use momentum::Momentum;
pub use sgd::Sgd;
pub use state::{OptimizerState, StateMismatch};
pub use stretch::{Rule, Stretch};

use crate::model::Real;

/// Which optimiser trains the model (configuration and presets name it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    Sgd,
    Momentum,
    Adam,
    Lbfgs,
}

impl OptimizerKind {
    /// Every kind, in the order a menu lists them.
    pub const ALL: [OptimizerKind; 4] = [Self::Sgd, Self::Momentum, Self::Adam, Self::Lbfgs];

    /// Whether it steps by a learning rate: L-BFGS's line search picks
    /// each step itself, so an lr is shown, steered and advised only for
    /// the others.
    pub fn takes_lr(self) -> bool {
        self != Self::Lbfgs
    }

    /// The lowercase name, the same spelling serde uses.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sgd => "sgd",
            Self::Momentum => "momentum",
            Self::Adam => "adam",
            Self::Lbfgs => "lbfgs",
        }
    }
}

impl std::fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for OptimizerKind {
    type Err = String;

    /// Parses the [`name`](Self::name) spelling, ignoring case.
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown optimizer {s:?} (expected sgd, momentum, adam or lbfgs)")
            })
    }
}

/// A first-order optimiser over a flat parameter vector: one update per minibatch gradient.
pub trait Optimizer<F: Real>: Send {
    /// One update of θ from the gradient `grad` (same length as θ).
    fn step(&mut self, theta: &mut [F], grad: &[F]);
    /// The current learning rate.
    fn lr(&self) -> f64;
    /// Takes effect at the next step; state (velocity, moments) is kept.
    fn set_lr(&mut self, lr: f64);
    /// What the next steps depend on besides θ and the rate, for a checkpoint.
    fn state(&self) -> OptimizerState<F>;
    /// Puts back a state taken by [`state`](Self::state) from an optimiser of
    /// the same kind and length.
    fn set_state(&mut self, state: OptimizerState<F>) -> Result<(), StateMismatch>;
    /// This step's update from θ into `next`, counted as taken, for the
    /// training step to apply piece by piece as it computes the gradient
    /// ([`Objective::value_and_update`](crate::model::Objective::value_and_update)).
    /// θ is left as it was: the caller swaps the two buffers and keeps the
    /// old one to go back to if the step blows up.
    fn stretch<'a>(&'a mut self, theta: &'a [F], next: &'a mut [F]) -> Stretch<'a, F>;
}

/// The first-order optimiser of `kind` for `len` parameters; `None` for
/// L-BFGS, which is not driven by gradients alone (see [`Lbfgs`]).
pub fn first_order<F: Real>(
    kind: OptimizerKind,
    lr: f64,
    len: usize,
) -> Option<Box<dyn Optimizer<F>>> {
    match kind {
        OptimizerKind::Sgd => Some(Box::new(Sgd::new(lr))),
        OptimizerKind::Momentum => Some(Box::new(Momentum::new(lr, len))),
        OptimizerKind::Adam => Some(Box::new(Adam::new(lr, len))),
        OptimizerKind::Lbfgs => None,
    }
}

/// Shared by the tests: ½ Σ aᵢθᵢ² with a spread of curvatures, and its gradient.
#[cfg(test)]
pub(crate) mod testing {
    pub const A: [f64; 4] = [1.0, 2.0, 5.0, 10.0];
    pub const START: [f64; 4] = [1.0, -2.0, 3.0, -0.5];

    pub fn quad(theta: &[f64]) -> f64 {
        0.5 * theta.iter().zip(A).map(|(t, a)| a * t * t).sum::<f64>()
    }

    pub fn quad_grad(theta: &[f64]) -> Vec<f64> {
        theta.iter().zip(A).map(|(t, a)| a * t).collect()
    }

    /// Steps until ½ Σ aᵢθᵢ² < 1e-6; the number of steps, or `None` past `max`.
    pub fn steps_to_converge(opt: &mut dyn super::Optimizer<f64>, max: usize) -> Option<usize> {
        let mut theta = START.to_vec();
        for k in 0..max {
            if quad(&theta) < 1e-6 {
                return Some(k);
            }
            let grad = quad_grad(&theta);
            opt.step(&mut theta, &grad);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip_through_serde_and_from_str() {
        for kind in OptimizerKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
            assert_eq!(serde_json::from_str::<OptimizerKind>(&json).unwrap(), kind);
            assert_eq!(kind.name().parse::<OptimizerKind>().unwrap(), kind);
        }
        assert!("newton".parse::<OptimizerKind>().is_err());
    }

    #[test]
    fn a_restored_state_takes_the_same_next_step() {
        for kind in [
            OptimizerKind::Sgd,
            OptimizerKind::Momentum,
            OptimizerKind::Adam,
        ] {
            let mut a = first_order::<f32>(kind, 0.1, 3).unwrap();
            let mut theta = [1.0f32, -1.0, 0.5];
            for _ in 0..3 {
                a.step(&mut theta, &[0.3, -0.2, 0.1]);
            }
            let mut b = first_order::<f32>(kind, 0.1, 3).unwrap();
            b.set_state(a.state()).unwrap();
            let (mut ta, mut tb) = (theta, theta);
            a.step(&mut ta, &[0.5, 0.1, -0.4]);
            b.step(&mut tb, &[0.5, 0.1, -0.4]);
            assert_eq!(ta, tb, "{kind}");
            let mut short = first_order::<f32>(kind, 0.1, 2).unwrap();
            if kind != OptimizerKind::Sgd {
                let err = short.set_state(a.state()).unwrap_err().to_string();
                assert!(
                    err.contains("length [3") && err.contains("length [2"),
                    "{err}"
                );
            }
        }
    }

    #[test]
    fn first_order_builds_every_kind_but_lbfgs() {
        for kind in OptimizerKind::ALL {
            let opt = first_order::<f32>(kind, 0.1, 3);
            assert_eq!(opt.is_none(), kind == OptimizerKind::Lbfgs);
            if let Some(mut opt) = opt {
                assert_eq!(opt.lr(), 0.1);
                opt.set_lr(0.05);
                assert_eq!(opt.lr(), 0.05);
                let mut theta = [1.0f32, -1.0, 0.5];
                opt.step(&mut theta, &[1.0, -1.0, 0.5]);
                assert!(theta.iter().all(|t| t.is_finite()));
            }
        }
    }
}
