//! The deep autoencoder a stack of greedily trained layers unrolls into, for
//! fine-tuning end to end (Hinton & Salakhutdinov 2006): the encoders
//! bottom up, then the decoders top down,
//!
//!   a₀ = x̃,  a_k = g(a_{k−1} W1_kᵀ + b1_k)            k = 1 … L
//!   d_L = a_L, d_{k−1} = f(d_k W2_kᵀ + b2_k)            k = L … 1,  x̂ = d₀
//!
//! so that before fine-tuning it computes exactly what composing the
//! layers' own encoders and decoders does. θ is the layers' θ one after the
//! other, each in its own layout ([`Arch::blocks`]), so a layer's weights
//! copy in and out whole. The objective is the reconstruction loss of the
//! clean x plus weight decay on every weight matrix; the layers' other
//! penalties (sparsity, L1, k-sparse, contractive) shaped their greedy
//! training only. Plain products: this is not a hot path.

use super::autoencoder::{Arch, Objective, Params, ParamsRef, Terms, views, views_mut};
use super::linalg::{Op, affine, gemm, sum_rows};
use super::{Activation, Loss, Real};
use ndarray::{Array2, ArrayView2, Zip};
use std::ops::Range;

/// The shape of a stack: one autoencoder per layer, bottom first; layer k
/// reads layer k − 1's codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackArch {
    pub layers: Vec<Arch>,
}

impl StackArch {
    /// Layers of the given sizes (bottom first) over `inputs` inputs.
    pub fn new(inputs: usize, sizes: &[usize], tied: bool) -> Self {
        let below = std::iter::once(inputs).chain(sizes.iter().copied());
        let layers = below
            .zip(sizes)
            .map(|(inputs, &hidden)| Arch::ae(inputs, hidden, tied))
            .collect();
        StackArch { layers }
    }

    /// Number of scalars in θ.
    pub fn len(&self) -> usize {
        self.layers.iter().map(Arch::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where each layer's θ lies in the stack's.
    pub fn ranges(&self) -> Vec<Range<usize>> {
        let mut at = 0;
        (self.layers.iter())
            .map(|a| {
                at += a.len();
                at - a.len()..at
            })
            .collect()
    }
}

/// The parameters of a whole stack, one flat θ.
#[derive(Clone, Debug, PartialEq)]
pub struct StackParams<F> {
    pub arch: StackArch,
    pub theta: Vec<F>,
}

impl<F: Real> StackParams<F> {
    /// The layers' parameters, bottom first, one after the other.
    pub fn from_layers(layers: &[Params<F>]) -> Self {
        StackParams {
            arch: StackArch {
                layers: layers.iter().map(|p| p.arch).collect(),
            },
            theta: layers
                .iter()
                .flat_map(|p| p.theta.iter().copied())
                .collect(),
        }
    }

    /// Layer `k`'s parameters (0 = the bottom layer), borrowed.
    pub fn layer(&self, k: usize) -> ParamsRef<'_, F> {
        ParamsRef {
            arch: self.arch.layers[k],
            theta: &self.theta[self.arch.ranges()[k].clone()],
        }
    }

    /// Converted to another float type (f32 training ↔ f64 checks).
    pub fn cast<G: Real>(&self) -> StackParams<G> {
        StackParams {
            arch: self.arch.clone(),
            theta: self.theta.iter().map(|&v| G::of(v.f64())).collect(),
        }
    }
}

/// The filters of layer `k`'s units in input space, the layers below
/// combined by its weights: rows of W1_k ⋯ W1_1, each divided by its norm
/// (a linear picture: it leaves the nonlinearities between layers out).
pub fn pixel_filters<F: Real>(layers: &[ParamsRef<F>], k: usize) -> Array2<F> {
    let mut filters = layers[0].views().w1.to_owned();
    for layer in &layers[1..=k] {
        let w = layer.views().w1;
        let mut out = Array2::zeros((w.nrows(), filters.ncols()));
        gemm(out.view_mut(), w, Op::N, filters.view(), Op::N, false);
        filters = out;
    }
    for mut row in filters.rows_mut() {
        let norm = row.iter().map(|&v| v * v).sum::<F>().sqrt();
        if norm > F::zero() {
            row.mapv_inplace(|v| v / norm);
        }
    }
    filters
}

/// The fine-tuning objective: reconstruction through every layer, plus
/// weight decay (λ/2) Σ ‖W‖² over every weight matrix (a tied one twice,
/// as in the single autoencoder).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeepObjective {
    pub encoder: Activation,
    pub decoder: Activation,
    pub loss: Loss,
    pub weight_decay: f64,
}

/// The forward pass of one batch through the whole stack.
#[derive(Clone, Debug)]
pub struct DeepCache<F> {
    /// a₀ = X̃, then each layer's codes a_k (m × hidden_k).
    pub codes: Vec<Array2<F>>,
    /// Each encoder's pre-activation (m × hidden_k), bottom first.
    pub z: Vec<Array2<F>>,
    /// What each layer's decoder reads: d_k (m × hidden_k), bottom first (d_L = a_L).
    pub decoder_in: Vec<Array2<F>>,
    /// The bottom decoder's pre-activation and the reconstruction X̂.
    pub z_out: Array2<F>,
    pub x_hat: Array2<F>,
}

impl DeepObjective {
    /// The fine-tuning objective of layers trained with `objective`.
    pub fn of(objective: &Objective) -> Self {
        DeepObjective {
            encoder: objective.encoder,
            decoder: objective.decoder,
            loss: objective.loss,
            weight_decay: objective.penalties.weight_decay,
        }
    }

    /// The forward pass on the (corrupted) batch X̃.
    pub fn forward<F: Real>(&self, params: &StackParams<F>, x_tilde: &Array2<F>) -> DeepCache<F> {
        let layers = params.arch.layers.len();
        let mut codes = vec![x_tilde.to_owned()];
        let mut z = Vec::with_capacity(layers);
        for k in 0..layers {
            let v = params.layer(k).views();
            let zk = affine(codes[k].view(), Op::N, v.w1, Op::T, v.b1);
            codes.push(zk.mapv(|z| self.encoder.value(z)));
            z.push(zk);
        }
        let mut decoder_in = vec![Array2::zeros((0, 0)); layers];
        let mut d = codes[layers].clone();
        let mut z_out = Array2::zeros((0, 0));
        for k in (0..layers).rev() {
            let v = params.layer(k).views();
            let y = match v.w2 {
                Some(w2) => affine(d.view(), Op::N, w2, Op::T, v.b2),
                None => affine(d.view(), Op::N, v.w1, Op::N, v.b2),
            };
            let out = y.mapv(|y| self.decoder.value(y));
            decoder_in[k] = std::mem::replace(&mut d, out);
            z_out = y;
        }
        DeepCache {
            codes,
            z,
            decoder_in,
            z_out,
            x_hat: d,
        }
    }

    /// Each layer's codes of X (bottom first), without the input itself.
    pub fn codes<F: Real>(&self, params: &StackParams<F>, x: &Array2<F>) -> Vec<Array2<F>> {
        let mut codes = self.forward(params, x).codes;
        codes.remove(0);
        codes
    }

    /// The objective's terms (reconstruction and weight decay) on a batch:
    /// clean targets X, corrupted inputs X̃.
    pub fn terms<F: Real>(
        &self,
        params: &StackParams<F>,
        x: &Array2<F>,
        cache: &DeepCache<F>,
    ) -> Terms {
        // A sum per sample, then over samples: less rounding than one long
        // sum, which the gradient check's differences would see.
        let rows = x
            .rows()
            .into_iter()
            .zip(cache.z_out.rows())
            .zip(cache.x_hat.rows());
        let recon: f64 = rows
            .map(|((x, z), xh)| {
                let sample = Zip::from(x).and(z).and(xh);
                sample.fold(0.0, |s, &x, &z, &xh| s + self.loss.value(x, z, xh).f64())
            })
            .sum();
        let mut weight_decay = 0.0;
        if self.weight_decay > 0.0 {
            let sq = |w: ArrayView2<F>| w.iter().map(|&v| (v * v).f64()).sum::<f64>();
            for k in 0..params.arch.layers.len() {
                let v = params.layer(k).views();
                weight_decay += sq(v.w1) + v.w2.map_or(sq(v.w1), sq);
            }
            weight_decay *= 0.5 * self.weight_decay;
        }
        Terms {
            recon: recon / x.nrows().max(1) as f64,
            weight_decay,
            ..Terms::default()
        }
    }

    /// The objective's terms, with its exact gradient written into `grad`
    /// (θ's layout): backpropagation down the decoders, then the encoders.
    pub fn value_and_gradient<F: Real>(
        &self,
        params: &StackParams<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        grad: &mut [F],
    ) -> Terms {
        let cache = self.forward(params, x_tilde);
        let layers = params.arch.layers.len();
        let ranges = params.arch.ranges();
        let inv_m = F::one() / F::of(x.nrows().max(1) as f64);
        grad.fill(F::zero());
        // ∂J/∂(bottom decoder's pre-activation).
        let mut delta = Zip::from(x)
            .and(&cache.x_hat)
            .map_collect(|&x, &xh| self.loss.grad_z(self.decoder, x, xh) * inv_m);
        for k in 0..layers {
            let (arch, input) = (params.arch.layers[k], &cache.decoder_in[k]);
            let v = params.layer(k).views();
            let mut g = views_mut(arch, &mut grad[ranges[k].clone()]);
            g.b2.assign(&sum_rows(&delta));
            // ∂J/∂d_k = δ W2_k, W2_k's gradient δᵀ d_k (into W1 as d_kᵀ δ when tied).
            let mut d_input = Array2::zeros(input.raw_dim());
            match (v.w2, g.w2.as_mut()) {
                (Some(w2), Some(gw2)) => {
                    gemm(
                        gw2.view_mut(),
                        delta.view(),
                        Op::T,
                        input.view(),
                        Op::N,
                        true,
                    );
                    gemm(d_input.view_mut(), delta.view(), Op::N, w2, Op::N, false);
                }
                _ => {
                    gemm(
                        g.w1.view_mut(),
                        input.view(),
                        Op::T,
                        delta.view(),
                        Op::N,
                        true,
                    );
                    gemm(d_input.view_mut(), delta.view(), Op::N, v.w1, Op::T, false);
                }
            }
            // Below the top, d_k is a decoder's output: through f'; at the top it is a_L.
            let act = if k + 1 < layers {
                self.decoder
            } else {
                self.encoder
            };
            delta = through(act, d_input, input);
        }
        // δ is now ∂J/∂z_L: down the encoders.
        for k in (0..layers).rev() {
            let arch = params.arch.layers[k];
            let v = params.layer(k).views();
            let mut g = views_mut(arch, &mut grad[ranges[k].clone()]);
            let below = &cache.codes[k];
            gemm(
                g.w1.view_mut(),
                delta.view(),
                Op::T,
                below.view(),
                Op::N,
                true,
            );
            g.b1.assign(&sum_rows(&delta));
            if k > 0 {
                let mut d_below = Array2::zeros(below.raw_dim());
                gemm(d_below.view_mut(), delta.view(), Op::N, v.w1, Op::N, false);
                delta = through(self.encoder, d_below, below);
            }
        }
        if self.weight_decay > 0.0 {
            let decay = F::of(self.weight_decay);
            for (k, range) in ranges.into_iter().enumerate() {
                let arch = params.arch.layers[k];
                let v = views(arch, &params.theta[range.clone()]);
                let mut g = views_mut(arch, &mut grad[range]);
                // Tied: (λ/2)(‖W1‖² + ‖W1ᵀ‖²) counts W1 twice.
                let uses = if arch.tied { F::of(2.0) } else { F::one() };
                g.w1.scaled_add(decay * uses, &v.w1);
                if let (Some(gw2), Some(w2)) = (g.w2.as_mut(), v.w2) {
                    gw2.scaled_add(decay, &w2);
                }
            }
        }
        self.terms(params, x, &cache)
    }
}

/// ∂J/∂(pre-activation) from ∂J/∂(value) and the value y = act(z).
fn through<F: Real>(act: Activation, mut d_value: Array2<F>, value: &Array2<F>) -> Array2<F> {
    Zip::from(&mut d_value)
        .and(value)
        .for_each(|d, &y| *d *= act.d1_from_value(y));
    d_value
}
