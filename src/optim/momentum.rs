//! Classical (heavy-ball) momentum: v ← μv − lr·g; θ ← θ + v, with μ = 0.9.
//! The velocity averages successive gradients, which damps the zig-zag of
//! plain descent across narrow valleys.

use super::{Optimizer, OptimizerState, Rule, StateMismatch, Stretch};
use crate::model::Real;

/// The momentum coefficient μ (the usual choice).
pub const MU: f64 = 0.9;

/// Gradient descent with a velocity per parameter.
#[derive(Clone, Debug)]
pub struct Momentum<F> {
    lr: f64,
    v: Vec<F>,
}

impl<F: Real> Momentum<F> {
    /// Starts at rest (v = 0) for `len` parameters.
    pub fn new(lr: f64, len: usize) -> Self {
        Self {
            lr,
            v: vec![F::zero(); len],
        }
    }
}

impl<F: Real> Optimizer<F> for Momentum<F> {
    fn step(&mut self, theta: &mut [F], grad: &[F]) {
        assert_eq!(theta.len(), grad.len(), "θ and gradient lengths differ");
        assert_eq!(theta.len(), self.v.len(), "θ length differs from the state");
        let (mu, lr) = (F::of(MU), F::of(self.lr));
        for ((t, v), &g) in theta.iter_mut().zip(&mut self.v).zip(grad) {
            *v = mu * *v - lr * g;
            *t += *v;
        }
    }

    fn stretch<'a>(&'a mut self, theta: &'a [F], next: &'a mut [F]) -> Stretch<'a, F> {
        assert_eq!(theta.len(), self.v.len(), "θ length differs from the state");
        let rule = Rule::Momentum {
            mu: F::of(MU),
            lr: F::of(self.lr),
        };
        Stretch::new(theta, next, [&mut self.v, &mut []], rule)
    }

    fn lr(&self) -> f64 {
        self.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    fn state(&self) -> OptimizerState<F> {
        OptimizerState {
            buffers: vec![self.v.clone()],
            steps: 0,
        }
    }

    fn set_state(&mut self, state: OptimizerState<F>) -> Result<(), StateMismatch> {
        let [v] = <[Vec<F>; 1]>::try_from(state.into_buffers(&[self.v.len()])?)
            .expect("one buffer, checked");
        self.v = v;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::steps_to_converge;

    #[test]
    fn momentum_minimises_a_convex_quadratic() {
        let steps = steps_to_converge(&mut Momentum::new(0.02, 4), 2000).expect("converges");
        assert!(steps < 1000, "{steps} steps");
    }

    #[test]
    fn momentum_set_lr_keeps_the_velocity() {
        let mut opt = Momentum::<f64>::new(0.1, 1);
        let mut theta = [0.0];
        opt.step(&mut theta, &[1.0]); // v = −0.1
        opt.set_lr(1.0);
        assert_eq!(opt.lr(), 1.0);
        opt.step(&mut theta, &[1.0]); // v = 0.9·(−0.1) − 1.0 = −1.09
        assert!((theta[0] - (-0.1 - 1.09)).abs() < 1e-12, "{}", theta[0]);
    }
}
