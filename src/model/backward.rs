//! The objective and its exact gradient in one pass over reused buffers:
//! three products through [`linalg::gemm`](super::linalg::gemm) after the
//! forward pass's two, and two fused elementwise passes (the decoder's, in
//! [`kernels::decode_loss_grad`], and the code's, here). Each gradient
//! block is written whole by its first contribution, so θ-sized memory is
//! never cleared first.

use super::autoencoder::{Objective, Params, ParamsRef, Terms, views_mut};
use super::forward::{Cache, fit1, fit2, flat, flat_ref};
use super::kernels::{self, row_norms2_into, sum_lanes};
use super::linalg::{Op, gemm};
use super::penalty::{kl, kl_grad};
use super::workspace::Workspace;
use super::{Activation, Real};
use ndarray::Array2;

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
        let (arch, v, p) = (params.arch, params.views(), &self.penalties);
        let (m, inv_m) = (x.nrows(), F::one() / F::of(x.nrows().max(1) as f64));
        self.encode_into(params, x_tilde, &mut ws.cache);
        fit2(&mut ws.dz2, (m, arch.inputs));
        fit2(&mut ws.dh, (m, arch.hidden));
        let cache = &mut ws.cache;
        let mut g = views_mut(arch, grad);
        let gb2 = g.b2.as_slice_mut().expect("θ is contiguous");
        gb2.fill(F::zero());
        let recon = kernels::decode_loss_grad(
            self.decoder,
            self.loss,
            flat(&mut cache.z2),
            v.b2.as_slice().expect("θ is contiguous"),
            x.as_standard_layout().as_slice().expect("standard layout"),
            flat(&mut cache.x_hat),
            flat(&mut ws.dz2),
            gb2,
            inv_m,
        );
        // W2's gradient dZ2ᵀ H, or Hᵀ dZ2 into W1 when tied; then dH = dZ2 · W2.
        let (dz2, h) = (ws.dz2.view(), cache.h.view());
        match (v.w2, g.w2.as_mut()) {
            (Some(w2), Some(gw2)) => {
                gemm(gw2.view_mut(), dz2, Op::T, h, Op::N, false);
                gemm(ws.dh.view_mut(), dz2, Op::N, w2, Op::N, false);
            }
            _ => {
                gemm(g.w1.view_mut(), h, Op::T, dz2, Op::N, false);
                gemm(ws.dh.view_mut(), dz2, Op::N, v.w1, Op::T, false);
            }
        }
        self.code_pass(
            params,
            ws,
            g.b1.as_slice_mut().expect("θ is contiguous"),
            inv_m,
        );
        let tied = v.w2.is_none();
        gemm(
            g.w1.view_mut(),
            ws.dh.view(),
            Op::T,
            x_tilde.view(),
            Op::N,
            tied,
        );

        // Penalties on the weights: one pass over W1's rows, one over W2.
        let lc = F::of(p.contractive);
        let decay = F::of(p.weight_decay);
        if p.contractive > 0.0 || p.weight_decay > 0.0 {
            // ∂/∂W1[j] at fixed z of (1/m) Σ_i g'(z_ij)² ‖W1[j]‖²: 2 c_j W1[j];
            // tied decay counts W1 twice, (λ/2)(‖W1‖² + ‖W1ᵀ‖²).
            let uses = if tied { F::of(2.0) } else { F::one() };
            let rows = g.w1.rows_mut().into_iter().zip(v.w1.rows());
            for ((mut gw, w), &c) in rows.zip(&ws.cache.gprime_sq_mean) {
                gw.scaled_add(F::of(2.0) * lc * c + decay * uses, &w);
            }
        }
        if let (Some(gw2), Some(w2), true) = (g.w2.as_mut(), v.w2, p.weight_decay > 0.0) {
            gw2.scaled_add(decay, &w2);
        }
        self.penalty_terms(params, &ws.cache, recon / m.max(1) as f64)
    }

    /// dZ1 in place of dH, in one pass: the KL and L1 terms added to dH, the
    /// k-sparse mask, times g'(Z1), plus the contractive term's
    /// (2 λ_c / m) g' g'' ‖W1[j]‖²; b1's gradient is its column sums.
    fn code_pass<F: Real>(
        &self,
        params: ParamsRef<F>,
        ws: &mut Workspace<F>,
        gb1: &mut [F],
        inv_m: F,
    ) {
        let p = &self.penalties;
        let hidden = params.arch.hidden;
        fit1(&mut ws.d_rho, hidden);
        fit1(&mut ws.norms, hidden);
        let cache = &ws.cache;
        let d_rho = ws.d_rho.as_slice_mut().expect("contiguous");
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
        let norms = ws.norms.as_slice_mut().expect("contiguous");
        if p.contractive > 0.0 {
            let w1 = params.views().w1;
            row_norms2_into(w1.as_slice().expect("θ is contiguous"), norms);
            let scale = F::of(2.0 * p.contractive) * inv_m;
            norms.iter_mut().for_each(|n| *n *= scale);
        } else {
            norms.fill(F::zero());
        }
        // g'' from the value y and g' = g'(y): sigmoid g'(1 − 2y), tanh −2y g'.
        let (a, b) = match self.encoder {
            Activation::Sigmoid => (F::one(), F::of(-2.0)),
            Activation::Tanh => (F::zero(), F::of(-2.0)),
            Activation::Relu | Activation::Linear => (F::zero(), F::zero()),
        };
        if ws.ones.len() != hidden {
            ws.ones = ndarray::Array1::from_elem(hidden, F::one());
        }
        let keep = cache
            .mask
            .as_ref()
            .map_or(ws.ones.as_slice(), |m| m.as_slice());
        kernels::code_backprop(
            flat(&mut ws.dh),
            flat_ref(&cache.h),
            flat_ref(&cache.gprime),
            keep.expect("contiguous"),
            d_rho,
            norms,
            F::of(p.l1) * inv_m,
            (a, b),
            gb1,
        );
    }

    /// The objective's terms on a batch: clean targets X, corrupted inputs X̃.
    pub fn terms<F: Real>(
        &self,
        params: &Params<F>,
        x: &Array2<F>,
        cache: &super::Cache<F>,
    ) -> Terms {
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
        let sq = |w: &[F]| sum_lanes(w.len(), |j| w[j] * w[j]).f64();
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
        }
    }
}
