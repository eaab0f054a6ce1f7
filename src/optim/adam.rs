//! Adam (Kingma & Ba 2015): per-parameter steps from bias-corrected running
//! means of the gradient (m) and its square (v). β1 = 0.9, β2 = 0.999, ε = 1e-8.

use super::{Optimizer, OptimizerState, StateMismatch};
use crate::model::Real;
use crate::model::kernels::all_finite;
use crate::model::linalg;
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
    fn next_constants(&mut self, theta: &[F], grad: &[F]) -> Constants<F> {
        assert_eq!(theta.len(), grad.len(), "θ and gradient lengths differ");
        assert_eq!(theta.len(), self.m.len(), "θ length differs from the state");
        self.t = self.t.saturating_add(1);
        // The moments start at zero, so early on they underestimate; dividing
        // by 1 − βᵗ removes that bias (computed in f64: βᵗ underflows gently).
        let c1 = 1.0 / (1.0 - BETA1.powi(self.t));
        let c2 = 1.0 / (1.0 - BETA2.powi(self.t));
        let (b1, b2) = (F::of(BETA1), F::of(BETA2));
        let (one, eps, lr) = (F::one(), F::of(EPS), F::of(self.lr));
        let (c1, c2) = (F::of(c1), F::of(c2));
        Constants {
            b1,
            b2,
            one,
            eps,
            lr,
            c1,
            c2,
        }
    }
}

/// θ, its moments and its gradient in blocks this long, so that updating a
/// block and checking what it wrote find it in cache (64 KiB an array: with
/// the copy of θ it had then, 2,048 measured no faster than three passes,
/// 16,384 about 20 % faster).
const BLOCK: usize = 16384;

impl<F: Real> Optimizer<F> for Adam<F> {
    fn step(&mut self, theta: &mut [F], grad: &[F]) {
        let k = self.next_constants(theta, grad);
        // One thread: split over both cores, the update measured no faster on
        // the shared 2-core machine (BENCHMARKS.md), so it stays serial.
        update(theta, &mut self.m, &mut self.v, grad, k);
    }

    /// The sum of the two halves' gradients, the update and the check in
    /// one pass, written into `next` (no copy of θ: the caller swaps the
    /// buffers), θ cut in two stretches updated on two threads when it is
    /// large and the step has them (the same numbers either way: each
    /// element's update reads only its own).
    fn step_into(
        &mut self,
        theta: &[F],
        grad: &mut [F],
        other: Option<&[F]>,
        next: &mut [F],
    ) -> bool {
        self.step_into_on(linalg::threads(), theta, grad, other, next)
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

impl<F: Real> Adam<F> {
    /// [`Optimizer::step_into`] on at most `threads` threads.
    fn step_into_on(
        &mut self,
        threads: usize,
        theta: &[F],
        grad: &[F],
        other: Option<&[F]>,
        next: &mut [F],
    ) -> bool {
        let k = self.next_constants(theta, grad);
        assert_eq!(theta.len(), next.len(), "θ and its next buffer differ");
        let all = Stretch {
            theta,
            m: &mut self.m,
            v: &mut self.v,
            next,
        };
        if all.theta.len() < PARALLEL_FROM || threads < 2 {
            return blocks_into(all, grad, other, k);
        }
        // Cut at a block boundary, so each thread's blocks are whole.
        let cut = (all.theta.len() / 2).div_ceil(BLOCK) * BLOCK;
        let (a, b) = all.split_at(cut);
        let (ga, gb) = grad.split_at(cut);
        let (oa, ob) = match other.map(|o| o.split_at(cut)) {
            Some((oa, ob)) => (Some(oa), Some(ob)),
            None => (None, None),
        };
        let (fa, fb) = rayon::join(|| blocks_into(a, ga, oa, k), || blocks_into(b, gb, ob, k));
        fa && fb
    }
}

/// θ's parameters from this many up are updated on two threads (ae-784-256
/// has 403,984; digits-64-25's 3,289 stay on one).
const PARALLEL_FROM: usize = 4 * BLOCK;

/// A stretch of θ with its moments and the buffer its update goes to.
struct Stretch<'a, F> {
    theta: &'a [F],
    m: &'a mut [F],
    v: &'a mut [F],
    next: &'a mut [F],
}

impl<'a, F> Stretch<'a, F> {
    fn split_at(self, at: usize) -> (Stretch<'a, F>, Stretch<'a, F>) {
        let (ta, tb) = self.theta.split_at(at);
        let (ma, mb) = self.m.split_at_mut(at);
        let (va, vb) = self.v.split_at_mut(at);
        let (na, nb) = self.next.split_at_mut(at);
        let a = Stretch {
            theta: ta,
            m: ma,
            v: va,
            next: na,
        };
        let b = Stretch {
            theta: tb,
            m: mb,
            v: vb,
            next: nb,
        };
        (a, b)
    }
}

/// Block by block over a stretch: update θ from `grad` (+ `other`) into
/// `next`, check it while it is in cache. Returns whether the stretch is
/// all finite afterwards.
fn blocks_into<F: Real>(
    s: Stretch<'_, F>,
    grad: &[F],
    other: Option<&[F]>,
    k: Constants<F>,
) -> bool {
    let state = s.m.chunks_mut(BLOCK).zip(s.v.chunks_mut(BLOCK));
    let data = s.theta.chunks(BLOCK).zip(grad.chunks(BLOCK));
    let mut finite = true;
    for (i, (((t, g), (m, v)), n)) in data.zip(state).zip(s.next.chunks_mut(BLOCK)).enumerate() {
        match other {
            Some(o) => update_sum_into(t, n, m, v, g, &o[i * BLOCK..i * BLOCK + g.len()], k),
            None => update_into(t, n, m, v, g, k),
        }
        finite &= all_finite(n);
    }
    finite
}

/// The scalars of one Adam step.
#[derive(Clone, Copy)]
struct Constants<F> {
    b1: F,
    b2: F,
    one: F,
    eps: F,
    lr: F,
    c1: F,
    c2: F,
}

/// Adam's update of one parameter `t` from its gradient `g`: the new value.
#[inline(always)]
fn moment_step<F: Real>(t: F, m: &mut F, v: &mut F, g: F, k: Constants<F>) -> F {
    *m = k.b1 * *m + (k.one - k.b1) * g;
    *v = k.b2 * *v + (k.one - k.b2) * g * g;
    let (m_hat, v_hat) = (*m * k.c1, *v * k.c2);
    t - k.lr * m_hat / (v_hat.sqrt() + k.eps)
}

vectorised! {
    /// One fused pass over a stretch of θ, its moments and its gradient.
    fn update<F: Real>(theta: &mut [F], m: &mut [F], v: &mut [F], grad: &[F], k: Constants<F>) {
        for (((t, m), v), &g) in theta.iter_mut().zip(m).zip(v).zip(grad) {
            *t = moment_step(*t, m, v, g, k);
        }
    }
}

vectorised! {
    /// [`update`] from `theta` into `next`.
    fn update_into<F: Real>(theta: &[F], next: &mut [F], m: &mut [F], v: &mut [F], grad: &[F], k: Constants<F>) {
        for ((((&t, n), m), v), &g) in theta.iter().zip(next).zip(m).zip(v).zip(grad) {
            *n = moment_step(t, m, v, g, k);
        }
    }
}

vectorised! {
    /// [`update_into`] from the gradient `ga + gb` (a split batch's two halves).
    fn update_sum_into<F: Real>(theta: &[F], next: &mut [F], m: &mut [F], v: &mut [F], ga: &[F], gb: &[F], k: Constants<F>) {
        let grads = ga.iter().zip(gb);
        for ((((&t, n), m), v), (&ga, &gb)) in theta.iter().zip(next).zip(m).zip(v).zip(grads) {
            *n = moment_step(t, m, v, ga + gb, k);
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

    /// The fused step_into is the trait's copy + step + check, bit for bit,
    /// and leaves θ as it was.
    #[test]
    fn adam_step_into_is_copy_step_check() {
        let n = 3 * BLOCK + 5;
        let theta: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
        let grad: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
        let (mut fused, mut plain) = (Adam::<f32>::new(1e-2, n), Adam::<f32>::new(1e-2, n));
        let (mut a, mut b) = (theta.clone(), theta.clone());
        let mut next = vec![0.0; n];
        for _ in 0..3 {
            let kept = a.clone();
            assert!(fused.step_into(&a, &mut grad.clone(), None, &mut next));
            assert_eq!(a, kept, "θ untouched");
            std::mem::swap(&mut a, &mut next);
            plain.step(&mut b, &grad);
            assert_eq!(a, b);
        }
        let mut bad = grad.clone();
        bad[2 * BLOCK + 1] = f32::INFINITY;
        assert!(!fused.step_into(&a, &mut bad, None, &mut next));
    }

    /// The summing step, on one thread or two, is the sum then the step, bit for bit.
    #[test]
    fn adam_step_into_sums_the_halves_on_any_threads() {
        let n = 5 * BLOCK + 7;
        let theta: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
        let ga: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
        let gb: Vec<f32> = (0..n).map(|i| (i as f32 * 0.23).sin() * 0.5).collect();
        let summed: Vec<f32> = ga.iter().zip(&gb).map(|(a, b)| a + b).collect();
        for threads in [1, 2] {
            let (mut fused, mut plain) = (Adam::<f32>::new(1e-2, n), Adam::<f32>::new(1e-2, n));
            let (mut a, mut b) = (theta.clone(), theta.clone());
            let mut next = vec![0.0; n];
            for _ in 0..3 {
                assert!(fused.step_into_on(threads, &a, &ga, Some(&gb), &mut next));
                std::mem::swap(&mut a, &mut next);
                plain.step(&mut b, &summed);
                assert_eq!(a, b, "{threads} threads");
            }
            let mut bad = ga.clone();
            bad[n - 2] = f32::NAN;
            assert!(!fused.step_into_on(threads, &a, &bad, Some(&gb), &mut next));
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
