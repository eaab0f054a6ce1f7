//! Adam (Kingma & Ba 2015): per-parameter steps from bias-corrected running
//! means of the gradient (m) and its square (v). β1 = 0.9, β2 = 0.999, ε = 1e-8.

use super::stretch::{AdamConstants, Rule, Stretch, moment_step};
use super::{Optimizer, OptimizerState, StateMismatch};
use crate::model::Real;
use crate::model::simd::vectorised;

pub const BETA1: f64 = 0.9;
pub const BETA2: f64 = 0.999;
pub const EPS: f64 = 1e-8;

/// Adam with its two moment estimates and step count.
#[derive(Clone, Debug)]
pub struct Adam<F> {
    lr: f64,
    m: Vec<F>,
    v: Vec<F>,
    /// Steps taken, for the bias correction 1 − βᵗ.
    t: i32,
}

impl<F: Real> Adam<F> {
    /// Zero moments for `len` parameters.
    pub fn new(lr: f64, len: usize) -> Self {
        Self {
            lr,
            m: vec![F::zero(); len],
            v: vec![F::zero(); len],
            t: 0,
        }
    }
}

impl<F: Real> Adam<F> {
    /// Counts a step and gives its scalars.
    fn next_constants(&mut self, len: usize) -> AdamConstants<F> {
        assert_eq!(len, self.m.len(), "θ length differs from the state");
        self.t = self.t.saturating_add(1);
        // The moments start at zero, so early on they underestimate; dividing
        // by 1 − βᵗ removes that bias (computed in f64: βᵗ underflows gently).
        let c1 = 1.0 / (1.0 - BETA1.powi(self.t));
        let c2 = 1.0 / (1.0 - BETA2.powi(self.t));
        AdamConstants {
            b1: F::of(BETA1),
            b2: F::of(BETA2),
            eps: F::of(EPS),
            lr: F::of(self.lr),
            c1: F::of(c1),
            c2: F::of(c2),
        }
    }
}

impl<F: Real> Optimizer<F> for Adam<F> {
    fn step(&mut self, theta: &mut [F], grad: &[F]) {
        assert_eq!(theta.len(), grad.len(), "θ and gradient lengths differ");
        let k = self.next_constants(theta.len());
        update(theta, &mut self.m, &mut self.v, grad, k);
    }

    fn stretch<'a>(&'a mut self, theta: &'a [F], next: &'a mut [F]) -> Stretch<'a, F> {
        let k = self.next_constants(theta.len());
        Stretch::new(theta, next, [&mut self.m, &mut self.v], Rule::Adam(k))
    }

    fn lr(&self) -> f64 {
        self.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    fn state(&self) -> OptimizerState<F> {
        OptimizerState {
            buffers: vec![self.m.clone(), self.v.clone()],
            steps: self.t as u64,
        }
    }

    fn set_state(&mut self, state: OptimizerState<F>) -> Result<(), StateMismatch> {
        let steps = state.steps;
        let [m, v] = <[Vec<F>; 2]>::try_from(state.into_buffers(&[self.m.len(), self.v.len()])?)
            .expect("two buffers, checked");
        (self.m, self.v) = (m, v);
        self.t = i32::try_from(steps).unwrap_or(i32::MAX);
        Ok(())
    }
}

vectorised! {
    /// One fused pass over θ, its moments and its gradient, in place.
    fn update<F: Real>(theta: &mut [F], m: &mut [F], v: &mut [F], grad: &[F], k: AdamConstants<F>) {
        for (((t, m), v), &g) in theta.iter_mut().zip(m).zip(v).zip(grad) {
            *t = moment_step(*t, m, v, g, k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::steps_to_converge;

    #[test]
    fn adam_minimises_a_convex_quadratic() {
        let steps = steps_to_converge(&mut Adam::new(0.05, 4), 5000).expect("converges");
        assert!(steps < 3000, "{steps} steps");
    }

    #[test]
    fn adam_first_step_moves_each_coordinate_by_about_lr() {
        // After bias correction m̂ = g and v̂ = g², so the step is lr·g/(|g|+ε).
        let lr = 0.01;
        let mut opt = Adam::<f64>::new(lr, 4);
        let start = [1.0, -2.0, 3.0, 0.5];
        let mut theta = start;
        opt.step(&mut theta, &[1e-3, -50.0, 2.0, -1e-2]);
        let moved: Vec<f64> = theta.iter().zip(start).map(|(t, s)| t - s).collect();
        for (d, sign) in moved.iter().zip([-1.0, 1.0, -1.0, 1.0]) {
            // ε shortens the step by lr·ε/|g| ≤ 1e-7 here (smallest |g| = 1e-3).
            assert!((d - sign * lr).abs() < 1e-6, "moved {d}");
        }
    }

    #[test]
    fn adam_set_lr_scales_the_next_step_and_keeps_the_moments() {
        let mut a = Adam::<f64>::new(0.01, 2);
        let (mut ta, g) = ([1.0, 1.0], [0.3, -0.7]);
        a.step(&mut ta, &g);
        let mut b = a.clone();
        let mut tb = ta;
        b.set_lr(0.02);
        assert_eq!(b.lr(), 0.02);
        let before = ta;
        a.step(&mut ta, &g);
        b.step(&mut tb, &g);
        for i in 0..2 {
            let (da, db) = (ta[i] - before[i], tb[i] - before[i]);
            assert!((db - 2.0 * da).abs() < 1e-12, "{da} {db}");
        }
    }
}
