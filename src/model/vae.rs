//! The variational autoencoder (Kingma & Welling, 2014): an encoder
//! `h = g(W1 x̃ + b1)` giving the mean `μ = Wmu h + bmu` and the log-variance
//! `log σ² = Wlv h + blv` of a diagonal Gaussian q(z|x); the reparameterised
//! sample `z = μ + σ ⊙ ε`, ε ~ N(0, I); a decoder `h₃ = g(W3 z + b3)`,
//! `x̂ = f(W2 h₃ + b2)`. The objective is −ELBO:
//! `(1/m) Σ_i L(x_i, x̂_i) + β (1/m) Σ_i KL(q(z|x_i) ‖ N(0, I))`, with
//! `KL = ½ Σ_k (μ_k² + σ_k² − 1 − log σ_k²)` and L the Bernoulli (bce) or
//! Gaussian (mse) negative log-likelihood, plus weight decay on every W.
//!
//! ε is drawn by the caller into [`VaeCache::eps`] (see [`Cache::vae_noise`]),
//! so a gradient check holds it fixed; a cache whose ε was never drawn
//! decodes the mean (z = μ), which is what the lab's pictures show.
//! Plain whole-batch code: the VAE is not one of the benchmarked workloads.

use super::Real;
use super::autoencoder::{Objective, ParamsRef, Terms};
use super::forward::{Cache, fit2, flat};
use super::kernels::{self, sum_lanes};
use super::linalg::{Op, gemm};
use super::workspace::Workspace;
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut2, Axis};

/// The latent layer's and the decoder's hidden layer's buffers of one batch.
#[derive(Clone, Debug)]
pub struct VaeCache<F> {
    /// μ, log σ², ε and z (m × latent).
    pub mu: Array2<F>,
    pub logvar: Array2<F>,
    pub eps: Array2<F>,
    pub z: Array2<F>,
    /// The decoder's hidden pre-activation, code and g' (m × hidden).
    pub z3: Array2<F>,
    pub h3: Array2<F>,
    pub g3: Array2<F>,
}

impl<F: Real> VaeCache<F> {
    fn new() -> Self {
        let empty = || Array2::zeros((0, 0));
        VaeCache {
            mu: empty(),
            logvar: empty(),
            eps: empty(),
            z: empty(),
            z3: empty(),
            h3: empty(),
            g3: empty(),
        }
    }

    /// Shapes the buffers; ε keeps its draw when its shape is right, else
    /// it is zero (z = μ).
    fn fit(&mut self, m: usize, hidden: usize, latent: usize) {
        for a in [&mut self.mu, &mut self.logvar, &mut self.eps, &mut self.z] {
            fit2(a, (m, latent));
        }
        for a in [&mut self.z3, &mut self.h3, &mut self.g3] {
            fit2(a, (m, hidden));
        }
    }

    /// Each latent dimension's mean KL over the batch, (1/m) Σ_i ½(μ² + σ² − 1 − log σ²):
    /// a dimension near 0 is unused (its q(z|x) is the prior).
    pub fn kl_per_dim(&self) -> Vec<f64> {
        let m = self.mu.nrows().max(1) as f64;
        let mut out = vec![0.0; self.mu.ncols()];
        for (mu, lv) in self.mu.rows().into_iter().zip(self.logvar.rows()) {
            for ((o, &mu), &lv) in out.iter_mut().zip(mu).zip(lv) {
                *o += kl_term(mu, lv).f64();
            }
        }
        out.iter_mut().for_each(|o| *o /= m);
        out
    }
}

/// ½(μ² + e^lv − 1 − lv): one sample's KL in one dimension.
fn kl_term<F: Real>(mu: F, lv: F) -> F {
    F::of(0.5) * (mu * mu + lv.exp() - F::one() - lv)
}

impl<F: Real> Cache<F> {
    /// ε of the next VAE forward pass on `m` samples, to fill with N(0, 1)
    /// draws (shaped here, so the forward pass keeps it).
    pub fn vae_noise(&mut self, m: usize, hidden: usize, latent: usize) -> &mut Array2<F> {
        let vae = self.vae.get_or_insert_with(VaeCache::new);
        vae.fit(m, hidden, latent);
        &mut vae.eps
    }
}

/// θ's blocks of the latent layer and the decoder's hidden layer.
struct Middle<'a, F> {
    wmu: ArrayView2<'a, F>,
    bmu: ArrayView1<'a, F>,
    wlv: ArrayView2<'a, F>,
    blv: ArrayView1<'a, F>,
    w3: ArrayView2<'a, F>,
    b3: ArrayView1<'a, F>,
}

fn middle<F>(params: ParamsRef<'_, F>) -> Middle<'_, F> {
    let (a, t) = (params.arch, params.theta);
    let (h, l) = (a.hidden, a.latent);
    let mat = |name, shape| ArrayView2::from_shape(shape, &t[a.block(name)]).expect("θ layout");
    let vec = |name| ArrayView1::from(&t[a.block(name)]);
    Middle {
        wmu: mat("Wmu", (l, h)),
        bmu: vec("bmu"),
        wlv: mat("Wlv", (l, h)),
        blv: vec("blv"),
        w3: mat("W3", (h, l)),
        b3: vec("b3"),
    }
}

/// `out = a · bᵀ + bias` (one product, the bias added to each row).
fn affine<F: Real>(
    mut out: ArrayViewMut2<F>,
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    bias: ArrayView1<F>,
) {
    gemm(out.view_mut(), a, Op::N, b, Op::T, false);
    out += &bias;
}

impl Objective {
    /// The VAE's forward pass into `cache`, z = μ + σ ⊙ ε with the ε the
    /// cache holds (zero unless drawn with [`Cache::vae_noise`]).
    pub(crate) fn vae_forward_into<F: Real>(
        &self,
        params: ParamsRef<F>,
        x_tilde: &Array2<F>,
        cache: &mut Cache<F>,
    ) {
        let (a, v, mid) = (params.arch, params.views(), middle(params));
        let m = x_tilde.nrows();
        self.fit(params, m, cache);
        let vae = cache.vae.get_or_insert_with(VaeCache::new);
        vae.fit(m, a.hidden, a.latent);
        gemm(
            cache.z1.view_mut(),
            x_tilde.view(),
            Op::N,
            v.w1,
            Op::T,
            false,
        );
        let b1 = v.b1.as_slice().expect("θ is contiguous");
        kernels::encode(
            self.encoder,
            flat(&mut cache.z1),
            b1,
            flat(&mut cache.h),
            flat(&mut cache.gprime),
        );
        affine(vae.mu.view_mut(), cache.h.view(), mid.wmu, mid.bmu);
        affine(vae.logvar.view_mut(), cache.h.view(), mid.wlv, mid.blv);
        ndarray::Zip::from(&mut vae.z)
            .and(&vae.mu)
            .and(&vae.logvar)
            .and(&vae.eps)
            .for_each(|z, &mu, &lv, &e| *z = mu + (lv * F::of(0.5)).exp() * e);
        let decoder = Decoder {
            z3: &mut vae.z3,
            h3: &mut vae.h3,
            g3: &mut vae.g3,
            z2: &mut cache.z2,
            x_hat: &mut cache.x_hat,
        };
        self.vae_decode_into(params, &vae.z, decoder);
        self.unit_statistics(params, cache, m, false);
    }

    /// −ELBO's terms from a VAE's forward pass.
    pub(crate) fn vae_terms<F: Real>(
        &self,
        params: ParamsRef<F>,
        x: &Array2<F>,
        cache: &Cache<F>,
    ) -> Terms {
        let m = x.nrows().max(1) as f64;
        let recon: f64 = ndarray::Zip::from(x)
            .and(&cache.z2)
            .and(&cache.x_hat)
            .fold(0.0, |acc, &x, &z, &xh| {
                acc + self.loss.value(x, z, xh).f64()
            });
        let vae = cache.vae.as_ref().expect("a VAE's forward pass");
        let kl: f64 = ndarray::Zip::from(&vae.mu)
            .and(&vae.logvar)
            .fold(0.0, |acc, &mu, &lv| acc + kl_term(mu, lv).f64());
        let decay = self.penalties.weight_decay;
        let weight_decay = if decay > 0.0 {
            let sq = |w: &[F]| sum_lanes(w.len(), |j| w[j] * w[j]).f64();
            let weights = params
                .arch
                .blocks()
                .into_iter()
                .filter(|(n, _)| n.starts_with('W'));
            0.5 * decay * weights.map(|(_, r)| sq(&params.theta[r])).sum::<f64>()
        } else {
            0.0
        };
        Terms {
            recon: recon / m,
            weight_decay,
            kl: self.penalties.kl * kl / m,
            ..Terms::default()
        }
    }

    /// −ELBO and its exact gradient (θ's layout) at the ε in `ws.cache`.
    pub(crate) fn vae_value_and_gradient<F: Real>(
        &self,
        params: ParamsRef<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        grad: &mut [F],
        ws: &mut Workspace<F>,
    ) -> Terms {
        self.vae_forward_into(params, x_tilde, &mut ws.cache);
        let terms = self.vae_terms(params, x, &ws.cache);
        let (a, v, mid) = (params.arch, params.views(), middle(params));
        let (m, h, l) = (x.nrows(), a.hidden, a.latent);
        let inv_m = F::one() / F::of(m.max(1) as f64);
        let beta = F::of(self.penalties.kl) * inv_m;
        let cache = &ws.cache;
        let vae = cache.vae.as_ref().expect("forward pass above");
        // ∂J/∂Z2 = (1/m) ∂L/∂z2.
        let mut dz2 = Array2::zeros(cache.x_hat.raw_dim());
        ndarray::Zip::from(&mut dz2)
            .and(x)
            .and(&cache.x_hat)
            .for_each(|d, &x, &xh| *d = self.loss.grad_z(self.decoder, x, xh) * inv_m);
        // ∂J/∂Z3 = (dZ2 W2) ⊙ g'(Z3).
        let w2 = v.w2.expect("a VAE is untied");
        let mut dz3 = Array2::zeros((m, h));
        gemm(dz3.view_mut(), dz2.view(), Op::N, w2, Op::N, false);
        dz3 *= &vae.g3;
        // ∂J/∂z = dZ3 W3; then through z = μ + e^{lv/2} ε, plus the KL term's own.
        let mut dz = Array2::zeros((m, l));
        gemm(dz.view_mut(), dz3.view(), Op::N, mid.w3, Op::N, false);
        let mut dmu = Array2::zeros((m, l));
        let mut dlv = Array2::zeros((m, l));
        ndarray::Zip::from(&mut dmu)
            .and(&mut dlv)
            .and(&dz)
            .and(&vae.mu)
            .and(&vae.logvar)
            .and(&vae.eps)
            .for_each(|dmu, dlv, &dz, &mu, &lv, &e| {
                let half = F::of(0.5);
                *dmu = dz + beta * mu;
                *dlv = dz * e * half * (lv * half).exp() + beta * half * (lv.exp() - F::one());
            });
        // ∂J/∂Z1 = (dMU Wmu + dLV Wlv) ⊙ g'(Z1).
        let mut dz1 = Array2::zeros((m, h));
        gemm(dz1.view_mut(), dmu.view(), Op::N, mid.wmu, Op::N, false);
        gemm(dz1.view_mut(), dlv.view(), Op::N, mid.wlv, Op::N, true);
        dz1 *= &cache.gprime;
        // Each block: ∂J/∂W = dZᵀ · input, ∂J/∂b = column sums of dZ.
        let layers: [(&str, &str, &Array2<F>, ArrayView2<F>); 5] = [
            ("W1", "b1", &dz1, x_tilde.view()),
            ("Wmu", "bmu", &dmu, cache.h.view()),
            ("Wlv", "blv", &dlv, cache.h.view()),
            ("W3", "b3", &dz3, vae.z.view()),
            ("W2", "b2", &dz2, vae.h3.view()),
        ];
        let decay = F::of(self.penalties.weight_decay);
        for (w, b, d, input) in layers {
            let (rw, rb) = (a.block(w), a.block(b));
            let shape = (d.ncols(), input.ncols());
            let mut gw = ArrayViewMut2::from_shape(shape, &mut grad[rw.clone()]).expect("θ layout");
            gemm(gw.view_mut(), d.view(), Op::T, input, Op::N, false);
            if self.penalties.weight_decay > 0.0 {
                let wv = ArrayView2::from_shape(shape, &params.theta[rw]).expect("θ layout");
                gw.scaled_add(decay, &wv);
            }
            let sums = d.sum_axis(Axis(0));
            grad[rb].copy_from_slice(sums.as_slice().expect("contiguous"));
        }
        terms
    }
}

impl Objective {
    /// The decoder alone: x̂ for each row of `z` (m × latent), as the lab
    /// draws samples from the prior and walks through the latent space.
    pub fn vae_decode<F: Real>(&self, params: &super::Params<F>, z: &Array2<F>) -> Array2<F> {
        let (m, a) = (z.nrows(), params.arch);
        let hidden = || Array2::zeros((m, a.hidden));
        let (mut z3, mut h3, mut g3) = (hidden(), hidden(), hidden());
        let (mut z2, mut x_hat) = (Array2::zeros((m, a.inputs)), Array2::zeros((m, a.inputs)));
        let decoder = Decoder {
            z3: &mut z3,
            h3: &mut h3,
            g3: &mut g3,
            z2: &mut z2,
            x_hat: &mut x_hat,
        };
        self.vae_decode_into(params.borrowed(), z, decoder);
        x_hat
    }

    /// The decoder from z: Z3, its codes and g', then Z2 and x̂, into `out`
    /// (shaped for z's rows).
    fn vae_decode_into<F: Real>(&self, params: ParamsRef<F>, z: &Array2<F>, out: Decoder<F>) {
        let (v, mid) = (params.views(), middle(params));
        gemm(out.z3.view_mut(), z.view(), Op::N, mid.w3, Op::T, false);
        let b3 = mid.b3.as_slice().expect("θ is contiguous");
        kernels::encode(self.encoder, flat(out.z3), b3, flat(out.h3), flat(out.g3));
        let w2 = v.w2.expect("a VAE is untied");
        gemm(out.z2.view_mut(), out.h3.view(), Op::N, w2, Op::T, false);
        let b2 = v.b2.as_slice().expect("θ is contiguous");
        kernels::decode(self.decoder, flat(out.z2), b2, flat(out.x_hat));
    }
}

/// The decoder's buffers: its hidden layer (pre-activation, codes, g') and
/// the output layer (pre-activation, x̂).
struct Decoder<'a, F> {
    z3: &'a mut Array2<F>,
    h3: &'a mut Array2<F>,
    g3: &'a mut Array2<F>,
    z2: &'a mut Array2<F>,
    x_hat: &'a mut Array2<F>,
}
