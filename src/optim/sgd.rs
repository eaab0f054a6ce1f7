//! Plain gradient descent: θ ← θ − lr·g. Whether g is the full-batch or a
//! minibatch gradient is the caller's choice.

use super::{Optimizer, OptimizerState, Rule, StateMismatch, Stretch};
use crate::model::Real;

/// Gradient descent with a fixed (settable) learning rate; no state.
#[derive(Clone, Debug)]
pub struct Sgd {
    lr: f64,
}

impl Sgd {
    pub fn new(lr: f64) -> Self {
        Self { lr }
    }
}

impl<F: Real> Optimizer<F> for Sgd {
    fn step(&mut self, theta: &mut [F], grad: &[F]) {
        assert_eq!(theta.len(), grad.len(), "θ and gradient lengths differ");
        let lr = F::of(self.lr);
        for (t, &g) in theta.iter_mut().zip(grad) {
            *t -= lr * g;
        }
    }

    fn stretch<'a>(&'a mut self, theta: &'a [F], next: &'a mut [F]) -> Stretch<'a, F> {
        let rule = Rule::Sgd { lr: F::of(self.lr) };
        Stretch::new(theta, next, Default::default(), rule)
    }

    fn lr(&self) -> f64 {
        self.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    fn state(&self) -> OptimizerState<F> {
        OptimizerState::default()
    }

    fn set_state(&mut self, state: OptimizerState<F>) -> Result<(), StateMismatch> {
        state.into_buffers(&[]).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::steps_to_converge;

    #[test]
    fn sgd_minimises_a_convex_quadratic() {
        // lr below 2/max aᵢ = 0.2 is stable; the slowest mode contracts by 0.9.
        let steps = steps_to_converge(&mut Sgd::new(0.1), 500).expect("converges");
        assert!(steps < 200, "{steps} steps");
    }

    #[test]
    fn sgd_set_lr_takes_effect_at_the_next_step() {
        let mut opt = Sgd::new(0.1);
        let mut theta = [1.0f64, 2.0];
        Optimizer::<f64>::step(&mut opt, &mut theta, &[1.0, 1.0]);
        assert_eq!(theta, [0.9, 1.9]);
        Optimizer::<f64>::set_lr(&mut opt, 0.5);
        assert_eq!(Optimizer::<f64>::lr(&opt), 0.5);
        Optimizer::<f64>::step(&mut opt, &mut theta, &[1.0, 1.0]);
        assert!((theta[0] - 0.4).abs() < 1e-15 && (theta[1] - 1.4).abs() < 1e-15);
    }
}
