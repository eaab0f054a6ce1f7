//! The objective and its exact gradient in one pass over reused buffers:
//! three products through [`linalg::gemm`](super::linalg::gemm) after the
//! forward pass's two, and two fused elementwise passes (the decoder's, in
//! [`kernels::decode_loss_grad`], and the code's, here). Each gradient
//! block is written whole by its first contribution, so θ-sized memory is
//! never cleared first.

use super::autoencoder::{Objective, Params, ParamsRef, Terms, views_mut};
use super::forward::{Cache, fit1, fit2, flat, flat_ref, flat_ref1, flat1};
use super::kernels::{self, row_norms2_into, sum_lanes};
use super::linalg::{self, Op, gemm_on};
use super::penalty::{kl, kl_grad};
use super::rows::{CodeRows, LossRows};
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

    /// [`value_and_gradient_into`](Self::value_and_gradient_into), except
    /// that after a split batch the gradient is left in two parts, `grad`
    /// and [`ws.second_half()`](Workspace::second_half), for the optimiser
    /// to sum in its own pass ([`Optimizer::step_into`](crate::optim::Optimizer::step_into)):
    /// the training step's path, one pass over θ-sized memory fewer.
    pub fn value_and_gradient_parts<F: Real>(
        &self,
        params: ParamsRef<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        grad: &mut [F],
        ws: &mut Workspace<F>,
    ) -> Terms {
        if params.arch.is_vae() {
            ws.halves = false;
            return self.vae_value_and_gradient(params, x, x_tilde, grad, ws);
        }
        let split = splits(params.arch, x.nrows());
        self.value_and_gradient_split(params, x, x_tilde, grad, ws, split)
    }

    /// [`value_and_gradient_into`](Self::value_and_gradient_into) at a
    /// borrowed θ (an optimiser's trial point, without copying it).
    ///
    /// A large batch on two or more threads is split in two halves, each
    /// computed on a thread of its own into its own gradient (the first
    /// into `grad`, the second into `ws.grad2`), then summed: one join a
    /// step (two with the KL term, whose ρ̂ is over the whole batch), no
    /// spinning barrier. The split is fixed, so results are reproducible
    /// for a given thread count.
    pub fn value_and_gradient_at<F: Real>(
        &self,
        params: ParamsRef<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        grad: &mut [F],
        ws: &mut Workspace<F>,
    ) -> Terms {
        let terms = self.value_and_gradient_parts(params, x, x_tilde, grad, ws);
        if let Some(second) = ws.second_half() {
            kernels::add_into(grad, second);
            ws.halves = false;
        }
        terms
    }

    /// [`value_and_gradient_parts`](Self::value_and_gradient_parts), the
    /// batch split in two halves or not (whatever its size: the tests
    /// compare both); a split leaves its halves in `grad` and `ws.grad2`.
    pub(crate) fn value_and_gradient_split<F: Real>(
        &self,
        params: ParamsRef<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        grad: &mut [F],
        ws: &mut Workspace<F>,
        split: bool,
    ) -> Terms {
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
        if split && ws.grad2.len() != grad.len() {
            ws.grad2 = vec![F::zero(); grad.len()];
        }
        let x = x.as_standard_layout();
        let x = x.as_slice().expect("standard layout");
        // The KL term's ∂/∂h needs ρ̂ of the whole batch: the codes first.
        let coupled = p.sparsity.is_some();
        ws.halves = split;
        let Workspace {
            cache,
            dz2,
            dh,
            d_rho,
            norms,
            ones,
            grad2,
            halves: _,
        } = ws;
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
            let (code, x_hat) = cache.rows(x_tilde.view());
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
            let half = |(code, loss, grad): (CodeRows<F>, LossRows<F>, &mut [F]), t| {
                let mut code = code;
                if encode {
                    self.encode_rows(params, &mut code, t);
                }
                if backward {
                    self.backward_rows(params, code, loss, &factors, grad, t)
                } else {
                    0.0
                }
            };
            recon += if split {
                let cut = m / 2;
                let (ca, cb) = code.split(cut, hidden);
                let (la, lb) = loss.split(cut, inputs, hidden);
                let t = (threads / 2).max(1);
                let (a, b) = both((ca, la, &mut *grad), (cb, lb, &mut grad2[..]), |h| {
                    half(h, t)
                });
                a + b
            } else {
                half((code, loss, &mut *grad), threads)
            };
            if phase == Phase::Encode {
                self.unit_statistics(params, cache, m);
            }
        }
        // The penalties below are added into the first part: the sum is the same.
        let mut g = views_mut(arch, grad);
        // Penalties on the weights: one pass over W1's rows, one over W2.
        let tied = v.w2.is_none();
        let lc = F::of(p.contractive);
        let decay = F::of(p.weight_decay);
        if p.contractive > 0.0 || p.weight_decay > 0.0 {
            // ∂/∂W1[j] at fixed z of (1/m) Σ_i g'(z_ij)² ‖W1[j]‖²: 2 c_j W1[j];
            // tied decay counts W1 twice, (λ/2)(‖W1‖² + ‖W1ᵀ‖²).
            let uses = if tied { F::of(2.0) } else { F::one() };
            let rows = g.w1.rows_mut().into_iter().zip(v.w1.rows());
            for ((mut gw, w), &c) in rows.zip(&cache.gprime_sq_mean) {
                gw.scaled_add(F::of(2.0) * lc * c + decay * uses, &w);
            }
        }
        if let (Some(gw2), Some(w2), true) = (g.w2.as_mut(), v.w2, p.weight_decay > 0.0) {
            gw2.scaled_add(decay, &w2);
        }
        self.penalty_terms(params, cache, recon / m.max(1) as f64)
    }

    /// The backward pass of some rows of the batch (their codes computed),
    /// into `grad` whole (θ's layout; every block written, none read), its
    /// products on up to `threads` threads. Returns Σ L over the rows.
    fn backward_rows<F: Real>(
        &self,
        params: ParamsRef<F>,
        code: CodeRows<F>,
        loss: LossRows<F>,
        factors: &Factors<F>,
        grad: &mut [F],
        threads: usize,
    ) -> f64 {
        let (arch, v) = (params.arch, params.views());
        let (r, inputs, hidden) = (code.rows(), arch.inputs, arch.hidden);
        let mut g = views_mut(arch, grad);
        let gb2 = g.b2.as_slice_mut().expect("θ is contiguous");
        gb2.fill(F::zero());
        let recon = kernels::decode_loss_grad(
            self.decoder,
            self.loss,
            code.z2,
            v.b2.as_slice().expect("θ is contiguous"),
            loss.x,
            loss.x_hat,
            loss.dz2,
            gb2,
            factors.inv_m,
        );
        let (dz2, h) = (rows_of(loss.dz2, r, inputs), rows_of(code.h, r, hidden));
        let dh = ArrayViewMut2::from_shape((r, hidden), &mut *loss.dh).expect("rows");
        // W2's gradient dZ2ᵀ H, or Hᵀ dZ2 into W1 when tied; then dH = dZ2 · W2.
        match (v.w2, g.w2.as_mut()) {
            (Some(w2), Some(gw2)) => {
                gemm_on(threads, gw2.view_mut(), dz2, Op::T, h, Op::N, false);
                gemm_on(threads, dh, dz2, Op::N, w2, Op::N, false);
            }
            _ => {
                gemm_on(threads, g.w1.view_mut(), h, Op::T, dz2, Op::N, false);
                gemm_on(threads, dh, dz2, Op::N, v.w1, Op::T, false);
            }
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
            g.b1.as_slice_mut().expect("θ is contiguous"),
        );
        let tied = v.w2.is_none();
        let dz1 = rows_of(loss.dh, r, hidden);
        gemm_on(
            threads,
            g.w1.view_mut(),
            dz1,
            Op::T,
            code.x_tilde,
            Op::N,
            tied,
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
