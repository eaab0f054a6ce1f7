//! One step of a first-order optimiser over θ, as a [`Stretch`] that can be
//! cut anywhere and updated piece by piece: the training step hands each
//! piece its gradient on the thread that has just computed it, while it is
//! still in cache ([`model::Update`](crate::model::Update)), instead of
//! writing the whole gradient out and reading it back in a pass of its own.

use crate::model::Real;
use crate::model::Update;
use crate::model::kernels::all_finite;
use crate::model::simd::vectorised;

/// The scalars of one step of one rule.
#[derive(Clone, Copy, Debug)]
pub enum Rule<F> {
    /// θ − lr g.
    Sgd { lr: F },
    /// v ← μ v − lr g, θ + v.
    Momentum { mu: F, lr: F },
    /// Adam's step with its bias corrections for this step's count.
    Adam(AdamConstants<F>),
}

/// The scalars of one Adam step.
#[derive(Clone, Copy, Debug)]
pub struct AdamConstants<F> {
    pub b1: F,
    pub b2: F,
    pub eps: F,
    pub lr: F,
    /// 1 / (1 − β1ᵗ) and 1 / (1 − β2ᵗ).
    pub c1: F,
    pub c2: F,
}

/// A stretch of θ, the buffer its update goes to, the optimiser's state
/// for it (none, the velocity, or Adam's two moments) and the step's rule.
/// θ itself is only read: the caller swaps θ and `next` afterwards and
/// keeps the old θ to go back to.
pub struct Stretch<'a, F> {
    theta: &'a [F],
    next: &'a mut [F],
    state: [&'a mut [F]; 2],
    rule: Rule<F>,
}

impl<'a, F: Real> Stretch<'a, F> {
    /// θ's stretch from `theta` into `next` under `rule`, with the state
    /// buffers the rule uses (as long as θ; the others empty).
    pub fn new(theta: &'a [F], next: &'a mut [F], state: [&'a mut [F]; 2], rule: Rule<F>) -> Self {
        assert_eq!(theta.len(), next.len(), "θ and its next buffer differ");
        let uses = match rule {
            Rule::Sgd { .. } => 0,
            Rule::Momentum { .. } => 1,
            Rule::Adam(_) => 2,
        };
        for (i, s) in state.iter().enumerate() {
            let len = if i < uses { theta.len() } else { 0 };
            assert_eq!(s.len(), len, "state buffer {i} of {rule:?}");
        }
        Stretch {
            theta,
            next,
            state,
            rule,
        }
    }
}

/// `s` cut at `at`, or two empty pieces when it is an unused (empty) state.
fn cut_state<F>(s: &mut [F], at: usize) -> (&mut [F], &mut [F]) {
    if s.is_empty() {
        s.split_at_mut(0)
    } else {
        s.split_at_mut(at)
    }
}

/// θ, its state and its gradient in blocks this long, so that checking a
/// block's new values finds them in cache (64 KiB an array: with the copy
/// of θ Adam made then, 2,048 measured no faster than three passes, 16,384
/// about 20 % faster).
const BLOCK: usize = 16384;

impl<F: Real> Update<F> for Stretch<'_, F> {
    fn split_at(self, at: usize) -> (Self, Self) {
        let (ta, tb) = self.theta.split_at(at);
        let (na, nb) = self.next.split_at_mut(at);
        let [s0, s1] = self.state;
        let ((s0a, s0b), (s1a, s1b)) = (cut_state(s0, at), cut_state(s1, at));
        let rule = self.rule;
        let a = Stretch {
            theta: ta,
            next: na,
            state: [s0a, s1a],
            rule,
        };
        let b = Stretch {
            theta: tb,
            next: nb,
            state: [s0b, s1b],
            rule,
        };
        (a, b)
    }

    fn apply(self, grad: &[F]) -> bool {
        assert_eq!(grad.len(), self.theta.len(), "gradient length");
        let Stretch {
            theta,
            next,
            state: [s0, s1],
            rule,
        } = self;
        let mut finite = true;
        let blocks = theta
            .chunks(BLOCK)
            .zip(next.chunks_mut(BLOCK))
            .zip(grad.chunks(BLOCK));
        for (i, ((t, n), g)) in blocks.enumerate() {
            let at = |s: &mut [F]| -> std::ops::Range<usize> {
                if s.is_empty() {
                    0..0
                } else {
                    i * BLOCK..i * BLOCK + g.len()
                }
            };
            let (r0, r1) = (at(s0), at(s1));
            match rule {
                Rule::Sgd { lr } => sgd_into(t, n, g, lr),
                Rule::Momentum { mu, lr } => momentum_into(t, n, &mut s0[r0], g, mu, lr),
                Rule::Adam(k) => adam_into(t, n, &mut s0[r0], &mut s1[r1], g, k),
            }
            finite &= all_finite(n);
        }
        finite
    }
}

vectorised! {
    /// θ − lr g into `next`.
    fn sgd_into<F: Real>(theta: &[F], next: &mut [F], grad: &[F], lr: F) {
        for ((&t, n), &g) in theta.iter().zip(next).zip(grad) {
            *n = t - lr * g;
        }
    }
}

vectorised! {
    /// v ← μ v − lr g, then θ + v into `next`.
    fn momentum_into<F: Real>(theta: &[F], next: &mut [F], v: &mut [F], grad: &[F], mu: F, lr: F) {
        for (((&t, n), v), &g) in theta.iter().zip(next).zip(v).zip(grad) {
            *v = mu * *v - lr * g;
            *n = t + *v;
        }
    }
}

/// Adam's update of one parameter `t` from its gradient `g`: the new value.
#[inline(always)]
pub(crate) fn moment_step<F: Real>(t: F, m: &mut F, v: &mut F, g: F, k: AdamConstants<F>) -> F {
    *m = k.b1 * *m + (F::one() - k.b1) * g;
    *v = k.b2 * *v + (F::one() - k.b2) * g * g;
    let (m_hat, v_hat) = (*m * k.c1, *v * k.c2);
    t - k.lr * m_hat / (v_hat.sqrt() + k.eps)
}

vectorised! {
    /// Adam's step from `theta` into `next`, its moments updated in place.
    fn adam_into<F: Real>(theta: &[F], next: &mut [F], m: &mut [F], v: &mut [F], grad: &[F], k: AdamConstants<F>) {
        for ((((&t, n), m), v), &g) in theta.iter().zip(next).zip(m).zip(v).zip(grad) {
            *n = moment_step(t, m, v, g, k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::{OptimizerKind, first_order};

    /// A stretch cut anywhere and applied piece by piece is the optimiser's
    /// in-place step, bit for bit, for every rule; θ is left as it was, and
    /// a non-finite result anywhere is reported.
    #[test]
    fn a_stretch_applied_in_pieces_is_the_step() {
        let n = 2 * BLOCK + 37;
        let theta: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
        let grad: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
        for kind in [
            OptimizerKind::Sgd,
            OptimizerKind::Momentum,
            OptimizerKind::Adam,
        ] {
            let mut pieces = first_order::<f32>(kind, 1e-2, n).unwrap();
            let mut plain = first_order::<f32>(kind, 1e-2, n).unwrap();
            let (mut a, mut b) = (theta.clone(), theta.clone());
            let mut next = vec![0.0; n];
            for cuts in [[5, BLOCK + 3], [BLOCK, n - 1], [0, n]] {
                let kept = a.clone();
                let stretch = pieces.stretch(&a, &mut next);
                let (first, rest) = stretch.split_at(cuts[0]);
                let (second, third) = rest.split_at(cuts[1] - cuts[0]);
                assert!(first.apply(&grad[..cuts[0]]));
                assert!(third.apply(&grad[cuts[1]..]));
                assert!(second.apply(&grad[cuts[0]..cuts[1]]));
                assert_eq!(a, kept, "{kind}: θ untouched");
                std::mem::swap(&mut a, &mut next);
                plain.step(&mut b, &grad);
                assert_eq!(a, b, "{kind} cut at {cuts:?}");
            }
            let mut bad = grad.clone();
            bad[BLOCK + 1] = f32::INFINITY;
            assert!(!pieces.stretch(&a, &mut next).apply(&bad), "{kind}");
        }
    }
}
