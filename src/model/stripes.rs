//! The last phase of a training step: the weights' gradients from the
//! whole batch's signals (dZ2, H, dZ1, X̃), by stripes of units, each stripe
//! handed to the optimiser's [`Update`] as soon as it is computed.
//!
//! On two threads each takes half of the hidden units (its rows of W1 and
//! b1) and half of the inputs (its rows of W2 and b2): the same work each,
//! one join, and each block's update runs on the thread that computed it,
//! while much of it is still in L2. Each gradient element is one product
//! over the whole batch, so the gradient is the same to the bit on one
//! thread or two (`split_check.rs`), and a split batch has no second
//! gradient to sum.

use super::Real;
use super::autoencoder::{ParamsRef, views};
use super::forward::UnitStatsJob;
use super::kernels::column_sums;
use super::linalg::{Op, gemm_on};
use super::sparse::{self, Nonzeros};
use super::update::Update;
use ndarray::{ArrayView2, ArrayViewMut2, s};
use std::ops::Range;

/// What the first half of the step leaves, over the whole batch.
pub(crate) struct Signals<'a, F> {
    /// ∂J/∂Z2 (m × inputs).
    pub dz2: ArrayView2<'a, F>,
    /// The codes H (m × hidden, after any mask).
    pub h: ArrayView2<'a, F>,
    /// ∂J/∂Z1 (m × hidden).
    pub dz1: ArrayView2<'a, F>,
    /// The corrupted inputs X̃ (m × inputs).
    pub x_tilde: ArrayView2<'a, F>,
    /// X̃'s nonzeros, the batch's halves in order, when it is mostly zeros.
    pub x_nonzeros: Option<&'a [Nonzeros<F>]>,
}

/// What the penalties on the weights add to their gradient, row by row.
pub(crate) struct RowPenalties<'a, F> {
    /// The contractive term, if on: λ_c and (1/m) Σ_i g'(z_ij)² per hidden
    /// unit j.
    pub contractive: Option<(F, &'a [F])>,
    /// λ of the weight decay, and how often W1 counts in it (twice tied).
    pub decay: F,
    pub w1_uses: F,
}

/// What a stripe takes besides its blocks of θ: the buffer of its sparse
/// product, and its units' statistics to compute when no penalty needed
/// them before (this saves the step a join of its own for them).
pub(crate) struct StripeExtras<'a, F> {
    pub strip: Option<&'a mut Vec<F>>,
    pub stats: Option<UnitStatsJob<'a, F>>,
}

/// A gradient piece and the update of the same stretch of θ.
type Part<'a, F, U> = (&'a mut [F], U);

/// The cut of `part` at `at`.
fn cut_part<'a, F, U: Update<F>>(
    (g, u): Part<'a, F, U>,
    at: usize,
) -> (Part<'a, F, U>, Part<'a, F, U>) {
    let (ga, gb) = g.split_at_mut(at);
    let (ua, ub) = u.split_at(at);
    ((ga, ua), (gb, ub))
}

/// θ's blocks (an autoencoder's: no VAE layers), each with its update.
struct Blocks<'a, F, U> {
    w1: Part<'a, F, U>,
    b1: Part<'a, F, U>,
    w2: Option<Part<'a, F, U>>,
    b2: Part<'a, F, U>,
}

impl<'a, F, U: Update<F>> Blocks<'a, F, U> {
    fn of(params: ParamsRef<F>, grad: &'a mut [F], update: U) -> Self {
        let (a, n, h) = (params.arch, params.arch.inputs, params.arch.hidden);
        debug_assert!(!a.is_vae(), "a VAE's gradient is vae.rs's");
        assert_eq!(grad.len(), a.len(), "gradient length");
        let (w1, rest) = cut_part((grad, update), h * n);
        let (b1, rest) = cut_part(rest, h);
        let (w2, b2) = if a.tied {
            (None, rest)
        } else {
            let (w2, b2) = cut_part(rest, n * h);
            (Some(w2), b2)
        };
        Blocks { w1, b1, w2, b2 }
    }

    /// The first `units` hidden units' and `inputs` inputs' rows, and the rest.
    fn split(self, units: usize, inputs: usize, n: usize, h: usize) -> (Self, Self) {
        let (w1a, w1b) = cut_part(self.w1, units * n);
        let (b1a, b1b) = cut_part(self.b1, units);
        let (w2a, w2b) = match self.w2 {
            Some(w2) => {
                let (a, b) = cut_part(w2, inputs * h);
                (Some(a), Some(b))
            }
            None => (None, None),
        };
        let (b2a, b2b) = cut_part(self.b2, inputs);
        let a = Blocks {
            w1: w1a,
            b1: b1a,
            w2: w2a,
            b2: b2a,
        };
        let b = Blocks {
            w1: w1b,
            b1: b1b,
            w2: w2b,
            b2: b2b,
        };
        (a, b)
    }
}

/// The weights' gradient into `grad` (θ's layout, every element written)
/// and `update` applied to it stripe by stripe, on two threads when `split`
/// (else on one, its products on up to `threads`), each stripe with its
/// `extras` (the first only, when not split). Returns whether the update's
/// results are all finite.
#[allow(clippy::too_many_arguments)] // the step's signals, its θ and update, its threads and buffers
pub(crate) fn weight_gradients<F: Real, U: Update<F>>(
    params: ParamsRef<F>,
    signals: &Signals<F>,
    penalties: &RowPenalties<F>,
    grad: &mut [F],
    update: U,
    split: bool,
    threads: usize,
    extras: [StripeExtras<F>; 2],
) -> bool {
    let (n, h) = (params.arch.inputs, params.arch.hidden);
    let blocks = Blocks::of(params, grad, update);
    let stripe = |units, inputs, blocks, threads, extras| {
        let s = Stripe {
            params,
            signals,
            penalties,
            threads,
        };
        s.run(units, inputs, blocks, extras)
    };
    let [sa, sb] = extras;
    if !split {
        return stripe(0..h, 0..n, blocks, threads, sa);
    }
    let (units, inputs, t) = (h / 2, n / 2, (threads / 2).max(1));
    let (a, b) = blocks.split(units, inputs, n, h);
    let (fa, fb) = rayon::join(
        || stripe(0..units, 0..inputs, a, t, sa),
        || stripe(units..h, inputs..n, b, t, sb),
    );
    fa && fb
}

/// One thread's share of the weights' gradients.
struct Stripe<'a, 's, F> {
    params: ParamsRef<'a, F>,
    signals: &'a Signals<'s, F>,
    penalties: &'a RowPenalties<'a, F>,
    threads: usize,
}

impl<F: Real> Stripe<'_, '_, F> {
    /// W1's and b1's rows of hidden units `units`, W2's and b2's of inputs
    /// `inputs`, each block updated once computed.
    fn run<U: Update<F>>(
        &self,
        units: Range<usize>,
        inputs: Range<usize>,
        blocks: Blocks<F, U>,
        extras: StripeExtras<F>,
    ) -> bool {
        if let Some(stats) = extras.stats {
            debug_assert_eq!(
                stats.units, units,
                "a stripe computes its own units' statistics"
            );
            stats.run();
        }
        let strip = extras.strip;
        let (s, p, v) = (
            self.signals,
            self.penalties,
            views(self.params.arch, self.params.theta),
        );
        let (n, h, tied) = (
            self.params.arch.inputs,
            self.params.arch.hidden,
            v.w2.is_none(),
        );
        let mut finite = self.rows(units.clone(), n, blocks.w1, |k, mut out| {
            if tied {
                // W1 is also the decoder's: Hᵀ dZ2 first, as in the reference.
                self.gemm(out.view_mut(), s.h.slice(s![.., k.clone()]), s.dz2, false);
            }
            match s.x_nonzeros {
                Some(lists) => {
                    let strip = strip.expect("the step gives the sparse lists with their strips");
                    sparse::gradient(lists, s.dz1, k.clone(), out.view_mut(), tied, strip)
                }
                None => self.gemm(
                    out.view_mut(),
                    s.dz1.slice(s![.., k.clone()]),
                    s.x_tilde,
                    tied,
                ),
            }
            if p.contractive.is_some() || p.decay > F::zero() {
                // ∂/∂W1[j] at fixed z of (1/m) Σ_i g'(z_ij)² ‖W1[j]‖²: 2 c_j W1[j].
                let w = v.w1.slice(s![k.clone(), ..]);
                for ((mut g, w), j) in out.rows_mut().into_iter().zip(w.rows()).zip(k) {
                    let contractive = p
                        .contractive
                        .map_or(F::zero(), |(l, g)| F::of(2.0) * l * g[j]);
                    g.scaled_add(contractive + p.decay * p.w1_uses, &w);
                }
            }
        });
        finite &= bias(s.dz1, units, blocks.b1);
        if let (Some(w2), Some(part)) = (v.w2, blocks.w2) {
            finite &= self.rows(inputs.clone(), h, part, |k, mut out| {
                self.gemm(out.view_mut(), s.dz2.slice(s![.., k.clone()]), s.h, false);
                if p.decay > F::zero() {
                    out.scaled_add(p.decay, &w2.slice(s![k, ..]));
                }
            });
        }
        finite & bias(s.dz2, inputs, blocks.b2)
    }

    /// `fill(rows, out)` for a block's rows (`width` wide), then the
    /// block's update.
    fn rows<U: Update<F>>(
        &self,
        rows: Range<usize>,
        width: usize,
        (grad, update): Part<F, U>,
        fill: impl FnOnce(Range<usize>, ArrayViewMut2<F>),
    ) -> bool {
        let out = ArrayViewMut2::from_shape((rows.len(), width), &mut *grad).expect("rows");
        fill(rows, out);
        update.apply(grad)
    }

    /// `out = aᵀ b` (+= when `accumulate`): a product over the batch.
    fn gemm(&self, out: ArrayViewMut2<F>, a: ArrayView2<F>, b: ArrayView2<F>, accumulate: bool) {
        gemm_on(self.threads, out, a, Op::T, b, Op::N, accumulate);
    }
}

/// A bias's gradient, the column sums of `d`'s columns `cols`, with its update.
fn bias<F: Real, U: Update<F>>(d: ArrayView2<F>, cols: Range<usize>, (g, u): Part<F, U>) -> bool {
    column_sums(d.slice_move(s![.., cols]), g, |v| v);
    u.apply(g)
}
