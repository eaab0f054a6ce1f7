//! The objective and its exact gradient in one pass over reused buffers:
//! the forward pass's two products, then over the batch's rows two fused
//! elementwise passes (the decoder's, [`kernels::decode_loss_grad`], and
//! the code's, [`kernels::code_backprop`]) around the product dH = dZ2 W2,
//! then the weights' two products by stripes of units
//! ([`stripes`](super::stripes)), each stripe handed to the optimiser once
//! computed. Each gradient block is written whole by its first
//! contribution, so θ-sized memory is never cleared first. A mostly-zero
//! X̃ (MNIST) enters its two products, Z1 and ∂W1, by its nonzeros
//! ([`sparse`](super::sparse)).

use super::autoencoder::{Objective, Params, ParamsRef, Terms};
use super::forward::{Cache, fit1, fit2, flat, flat_ref, flat_ref1, flat1};
use super::kernels::{self, row_norms2_into, sum_lanes};
use super::linalg::{self, Op, gemm_on};
use super::penalty::{kl, kl_grad};
use super::rows::{CodeRows, LossRows, SparseRows};
use super::sparse;
use super::stripes::{RowPenalties, Signals, StripeExtras, weight_gradients};
use super::update::{NoUpdate, Update};
use super::workspace::Workspace;
use super::{Activation, Real};
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

impl Objective {
    /// Objective value and gradient in one call, into new buffers (checks and
    /// analyses; a training loop keeps a [`Workspace`] and calls
    /// [`value_and_gradient_into`](Self::value_and_gradient_into)).
    pub fn value_and_gradient<F: Real>(
        &self,
        params: &Params<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        grad: &mut [F],
    ) -> (Terms, Cache<F>) {
        let mut ws = Workspace::new();
        let terms = self.value_and_gradient_into(params, x, x_tilde, grad, &mut ws);
        (terms, ws.cache)
    }

    /// The objective's terms on a batch (clean targets X, corrupted inputs
    /// X̃), with its gradient written into `grad` (θ's layout), using and
    /// keeping the buffers of `ws`: no allocation once `ws` has seen a batch
    /// of this shape. `ws.cache` then holds the batch's forward pass.
    pub fn value_and_gradient_into<F: Real>(
        &self,
        params: &Params<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        grad: &mut [F],
        ws: &mut Workspace<F>,
    ) -> Terms {
        self.value_and_gradient_at(params.borrowed(), x, x_tilde, grad, ws)
    }

    /// The training step: the objective's terms on a batch, its gradient
    /// into `grad`, and `update` applied to each stretch of the gradient as
    /// soon as it is computed ([`stripes`](super::stripes)). Returns the
    /// terms and whether the update's results are all finite.
    pub fn value_and_update<F: Real, U: Update<F>>(
        &self,
        params: ParamsRef<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        grad: &mut [F],
        ws: &mut Workspace<F>,
        update: U,
    ) -> (Terms, bool) {
        if params.arch.is_vae() {
            let terms = self.vae_value_and_gradient(params, x, x_tilde, grad, ws);
            return (terms, update.apply(grad));
        }
        let split = splits(params.arch, x.nrows());
        self.value_and_gradient_split(params, x, x_tilde, grad, ws, split, update)
    }

    /// [`value_and_gradient_into`](Self::value_and_gradient_into) at a
    /// borrowed θ (an optimiser's trial point, without copying it).
    pub fn value_and_gradient_at<F: Real>(
        &self,
        params: ParamsRef<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        grad: &mut [F],
        ws: &mut Workspace<F>,
    ) -> Terms {
        self.value_and_update(params, x, x_tilde, grad, ws, NoUpdate)
            .0
    }

    /// [`value_and_update`](Self::value_and_update), the batch split or not
    /// (whatever its size: the tests compare both).
    ///
    /// A split batch goes in two halves through the passes over its rows,
    /// each half on a thread of its own, then the weights' gradients in two
    /// stripes of units, each computing its units' statistics first: two
    /// joins a step, three when the sparse codes need W1ᵀ (transposed on
    /// both threads first). The contractive term needs the statistics
    /// before the stripes, in a join of their own, and the KL term also
    /// before the rest of the backward pass (ρ̂ is over the whole batch).
    /// No spinning barrier.
    #[allow(clippy::too_many_arguments)] // the step's inputs, its buffers and its update
    pub(crate) fn value_and_gradient_split<F: Real, U: Update<F>>(
        &self,
        params: ParamsRef<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        grad: &mut [F],
        ws: &mut Workspace<F>,
        split: bool,
        update: U,
    ) -> (Terms, bool) {
        let (arch, v, p) = (params.arch, params.views(), &self.penalties);
        let (m, inv_m) = (x.nrows(), F::one() / F::of(x.nrows().max(1) as f64));
        let (inputs, hidden) = (arch.inputs, arch.hidden);
        self.fit(params, m, &mut ws.cache);
        fit2(&mut ws.dz2, (m, inputs));
        fit2(&mut ws.dh, (m, hidden));
        fit1(&mut ws.d_rho, hidden);
        fit1(&mut ws.norms, hidden);
        if ws.ones.len() != hidden {
            ws.ones = ndarray::Array1::from_elem(hidden, F::one());
        }
        let threads = linalg::threads();
        let x = x.as_standard_layout();
        let x = x.as_slice().expect("standard layout");
        // The KL term's ∂/∂h needs ρ̂ of the whole batch: the codes first.
        let coupled = p.sparsity.is_some();
        // The units' statistics after the codes when a penalty needs them
        // before the weights' gradients, else in the stripes (a join fewer).
        let early = coupled || p.contractive > 0.0;
        let Workspace {
            cache,
            dz2,
            dh,
            d_rho,
            norms,
            ones,
            sparse: buffers,
        } = ws;
        // A mostly-zero X̃ (MNIST) enters its two products by its nonzeros,
        // unless faer would have run them on more threads than the sparse
        // loops' one a half (only two threads were measured: BENCHMARKS.md).
        let (per_half, rows) = if split {
            (threads / 2, m / 2)
        } else {
            (threads, m)
        };
        let one_thread = per_half <= 1 || rows * inputs * hidden < linalg::PARALLEL_FROM;
        let mut by_nonzeros = match x_tilde.as_slice() {
            Some(xt) if one_thread && sparse::worth_it(xt) => {
                buffers.transpose(v.w1, split);
                Some(buffers)
            }
            _ => None,
        };
        let mut recon = 0.0;
        for phase in [Phase::Encode, Phase::Backward] {
            if phase == Phase::Backward || !coupled {
                // After the codes (KL), or before anything (it reads only θ).
                self.unit_factors(params, cache, flat1(d_rho), flat1(norms), inv_m);
            }
            let (encode, backward) = match phase {
                Phase::Encode => (true, !coupled),
                Phase::Backward => (false, coupled),
            };
            if !encode && !backward {
                continue;
            }
            let (mut code, x_hat) = cache.rows(x_tilde.view());
            if let (Phase::Encode, Some(s)) = (phase, by_nonzeros.as_deref_mut()) {
                code.sparse = Some(SparseRows {
                    w1t: &s.w1t,
                    lists: &mut s.halves,
                    first_row: 0,
                });
            }
            let loss = LossRows {
                x,
                x_hat,
                dz2: flat(dz2),
                dh: flat(dh),
            };
            let factors = Factors {
                d_rho: flat_ref1(d_rho),
                c: flat_ref1(norms),
                ones: flat_ref1(ones),
                inv_m,
            };
            let half = |(code, loss): (CodeRows<F>, LossRows<F>), t| {
                let mut code = code;
                if encode {
                    self.encode_rows(params, &mut code, t);
                }
                if backward {
                    self.backward_rows(params, code, loss, &factors, t)
                } else {
                    0.0
                }
            };
            recon += if split {
                let cut = m / 2;
                let (ca, cb) = code.split(cut, hidden);
                let (la, lb) = loss.split(cut, inputs, hidden);
                let t = (threads / 2).max(1);
                let (a, b) = both((ca, la), (cb, lb), |h| half(h, t));
                a + b
            } else {
                half((code, loss), threads)
            };
            if phase == Phase::Encode && early {
                self.unit_statistics(params, cache, m, split);
            }
        }
        // The weights' gradients, with the penalties on the weights row by row.
        let tied = v.w2.is_none();
        let (x_nonzeros, [strip_a, strip_b]) = match by_nonzeros {
            Some(sparse::SparseInput { halves, strips, .. }) => {
                let [a, b] = strips;
                (
                    Some(&halves[..if split { 2 } else { 1 }]),
                    [Some(a), Some(b)],
                )
            }
            None => (None, [None, None]),
        };
        let (h, contractive, [stats_a, stats_b]) = if early {
            let gsq = (p.contractive > 0.0)
                .then(|| (F::of(p.contractive), flat_ref1(&cache.gprime_sq_mean)));
            (cache.h.view(), gsq, [None, None])
        } else {
            let ((a, b), h) = self.unit_statistics_jobs(params, cache, m, split);
            (h, None, [Some(a), b])
        };
        let extras = [(strip_a, stats_a), (strip_b, stats_b)]
            .map(|(strip, stats)| StripeExtras { strip, stats });
        let signals = Signals {
            dz2: dz2.view(),
            h,
            dz1: dh.view(),
            x_tilde: x_tilde.view(),
            x_nonzeros,
        };
        let penalties = RowPenalties {
            contractive,
            decay: F::of(p.weight_decay),
            // Tied decay counts W1 twice, (λ/2)(‖W1‖² + ‖W1ᵀ‖²).
            w1_uses: if tied { F::of(2.0) } else { F::one() },
        };
        let finite = weight_gradients(
            params, &signals, &penalties, grad, update, split, threads, extras,
        );
        (
            self.penalty_terms(params, cache, recon / m.max(1) as f64),
            finite,
        )
    }

    /// The backward pass of some rows of the batch (their codes computed)
    /// down to their ∂J/∂Z2 and ∂J/∂Z1 (in `loss.dz2` and `loss.dh`), its
    /// product on up to `threads` threads. Returns Σ L over the rows.
    fn backward_rows<F: Real>(
        &self,
        params: ParamsRef<F>,
        code: CodeRows<F>,
        loss: LossRows<F>,
        factors: &Factors<F>,
        threads: usize,
    ) -> f64 {
        let (arch, v) = (params.arch, params.views());
        let (r, inputs, hidden) = (code.rows(), arch.inputs, arch.hidden);
        let recon = kernels::decode_loss_grad(
            self.decoder,
            self.loss,
            code.z2,
            v.b2.as_slice().expect("θ is contiguous"),
            loss.x,
            loss.x_hat,
            loss.dz2,
            factors.inv_m,
        );
        let dz2 = rows_of(loss.dz2, r, inputs);
        let dh = ArrayViewMut2::from_shape((r, hidden), &mut *loss.dh).expect("rows");
        // dH = dZ2 · W2 (W1ᵀ when tied).
        match v.w2 {
            Some(w2) => gemm_on(threads, dh, dz2, Op::N, w2, Op::N, false),
            None => gemm_on(threads, dh, dz2, Op::N, v.w1, Op::T, false),
        }
        // g'' from the value y and g' = g'(y): sigmoid g'(1 − 2y), tanh −2y g'.
        let d2 = match self.encoder {
            Activation::Sigmoid => (F::one(), F::of(-2.0)),
            Activation::Tanh => (F::zero(), F::of(-2.0)),
            Activation::Relu | Activation::Linear => (F::zero(), F::zero()),
        };
        kernels::code_backprop(
            loss.dh,
            code.h,
            code.gprime,
            code.mask.as_deref().unwrap_or(factors.ones),
            factors.d_rho,
            factors.c,
            F::of(self.penalties.l1) * factors.inv_m,
            d2,
        );
        recon
    }

    /// What the code's pass adds per unit: the KL term's ∂/∂h (from ρ̂) into
    /// `d_rho`, and the contractive term's (2 λ_c / m) ‖W1[j]‖² into `c`.
    fn unit_factors<F: Real>(
        &self,
        params: ParamsRef<F>,
        cache: &Cache<F>,
        d_rho: &mut [F],
        c: &mut [F],
        inv_m: F,
    ) {
        let p = &self.penalties;
        match p.sparsity {
            Some(s) => {
                // Tanh codes enter ρ̂ as (h + 1) / 2.
                let scale = if self.encoder == Activation::Tanh {
                    0.5
                } else {
                    1.0
                };
                let scale = F::of(s.beta * scale) * inv_m;
                for (d, &r) in d_rho.iter_mut().zip(&cache.rho_hat) {
                    *d = scale * kl_grad(F::of(s.rho), r);
                }
            }
            None => d_rho.fill(F::zero()),
        }
        if p.contractive > 0.0 {
            let w1 = params.views().w1;
            row_norms2_into(w1.as_slice().expect("θ is contiguous"), c);
            let scale = F::of(2.0 * p.contractive) * inv_m;
            c.iter_mut().for_each(|n| *n *= scale);
        } else {
            c.fill(F::zero());
        }
    }

    /// The objective's terms on a batch: clean targets X, corrupted inputs X̃.
    pub fn terms<F: Real>(
        &self,
        params: &Params<F>,
        x: &Array2<F>,
        cache: &super::Cache<F>,
    ) -> Terms {
        if params.arch.is_vae() {
            return self.vae_terms(params.borrowed(), x, cache);
        }
        let m = x.nrows().max(1) as f64;
        let n = x.ncols();
        let x = x.as_standard_layout();
        let rows = x
            .as_slice()
            .expect("standard layout")
            .chunks_exact(n.max(1));
        let z2 = flat_ref(&cache.z2).chunks_exact(n.max(1));
        let xh = flat_ref(&cache.x_hat).chunks_exact(n.max(1));
        let recon: f64 = rows
            .zip(z2)
            .zip(xh)
            .map(|((x, z), xh)| sum_lanes(n, |j| self.loss.value(x[j], z[j], xh[j])).f64())
            .sum();
        self.penalty_terms(params.borrowed(), cache, recon / m)
    }

    /// [`Terms`] from the reconstruction term and the penalties; a penalty
    /// that is off costs nothing.
    fn penalty_terms<F: Real>(
        &self,
        params: ParamsRef<F>,
        cache: &super::Cache<F>,
        recon: f64,
    ) -> Terms {
        let p = &self.penalties;
        let m = cache.h.nrows().max(1) as f64;
        let v = params.views();
        let sq = |w: &[F]| kernels::sum_squares(w).f64();
        let weight_decay = if p.weight_decay > 0.0 {
            let w1_sq = sq(v.w1.as_slice().expect("θ is contiguous"));
            let w2_sq =
                v.w2.map_or(w1_sq, |w2| sq(w2.as_slice().expect("θ is contiguous")));
            0.5 * p.weight_decay * (w1_sq + w2_sq)
        } else {
            0.0
        };
        Terms {
            recon,
            weight_decay,
            sparsity: p.sparsity.map_or(0.0, |s| {
                s.beta
                    * cache
                        .rho_hat
                        .iter()
                        .map(|&r| kl(s.rho, r.f64()))
                        .sum::<f64>()
            }),
            l1: if p.l1 > 0.0 {
                let h = flat_ref(&cache.h);
                p.l1 * sum_lanes(h.len(), |j| h[j].abs()).f64() / m
            } else {
                0.0
            },
            contractive: if p.contractive > 0.0 {
                p.contractive * cache.jacobian_units.iter().map(|&a| a.f64()).sum::<f64>()
            } else {
                0.0
            },
            kl: 0.0,
        }
    }
}

/// Multiply-adds (batch × inputs × hidden) from which a step splits its
/// batch over two threads: ae-784-256's 25.7 M splits, digits-64-25's 51 k
/// does not (measured in BENCHMARKS.md).
const SPLIT_FROM: usize = 1 << 22;

/// Whether a batch of `m` splits over two threads: a large enough step, on
/// two or more threads, unless `AELAB_BATCH_SPLIT=0`.
pub fn splits(arch: super::Arch, m: usize) -> bool {
    linalg::batch_split()
        && linalg::threads() > 1
        && m >= 2
        && m * arch.inputs * arch.hidden >= SPLIT_FROM
}

/// Whether a step on `m` rows works on more than one thread: its batch
/// split, or, unsplit (`AELAB_BATCH_SPLIT=0`), products large enough for
/// faer to thread.
pub fn threaded(arch: super::Arch, m: usize) -> bool {
    splits(arch, m)
        || (linalg::threads() > 1 && m * arch.inputs * arch.hidden >= linalg::PARALLEL_FROM)
}

/// The two passes over the rows: the codes, then the rest of the step.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Encode,
    Backward,
}

/// What the code's pass reads per unit, the same for every row.
struct Factors<'a, F> {
    d_rho: &'a [F],
    c: &'a [F],
    /// A row of ones: the mask when there is none.
    ones: &'a [F],
    inv_m: F,
}

/// `f` on `a` and on `b`, on two threads of rayon's pool; one join. (A
/// thread spawned a step measured 15 % slower: a new thread starts with
/// faer's packing buffers unallocated, and pays page faults for them.)
fn both<T: Send, R: Send>(a: T, b: T, f: impl Fn(T) -> R + Sync) -> (R, R) {
    rayon::join(|| f(a), || f(b))
}

/// `a` as `rows` rows of `width`.
fn rows_of<F>(a: &[F], rows: usize, width: usize) -> ArrayView2<'_, F> {
    ArrayView2::from_shape((rows, width), a).expect("rows")
}
