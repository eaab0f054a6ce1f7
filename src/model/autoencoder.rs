//! Parameters, forward pass, objective and exact gradient of the autoencoder
//! `h = g(W1 x̃ + b1)`, `x̂ = f(W2 h + b2)` (CS294A conventions).
//!
//! Shapes: a batch X is m × inputs (one sample a row); W1 is hidden × inputs
//! (row j is unit j's filter); W2 is inputs × hidden, or W1ᵀ when tied.
//! All parameters live in one flat vector θ = [W1, b1, (W2), b2] so that the
//! optimisers and the gradient check see a single vector.

use super::linalg::{Op, affine, matmul_acc, sum_rows};
use super::penalty::{kl, kl_grad, row_norms2, top_k_mask};
use super::{Activation, Loss, Penalties, Real};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Axis, Zip};
use rand::{Rng, RngExt};

/// The shape of an autoencoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arch {
    pub inputs: usize,
    pub hidden: usize,
    pub tied: bool,
}

impl Arch {
    /// Number of scalars in θ.
    pub fn len(&self) -> usize {
        let (n, h) = (self.inputs, self.hidden);
        h * n + h + if self.tied { 0 } else { n * h } + n
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The named blocks of θ with their ranges, in order (for reports).
    pub fn blocks(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let (n, h) = (self.inputs, self.hidden);
        let mut out = vec![("W1", 0..h * n), ("b1", h * n..h * n + h)];
        let mut at = h * n + h;
        if !self.tied {
            out.push(("W2", at..at + n * h));
            at += n * h;
        }
        out.push(("b2", at..at + n));
        out
    }
}

/// θ viewed as its blocks.
pub struct Views<'a, F> {
    pub w1: ArrayView2<'a, F>,
    pub b1: ArrayView1<'a, F>,
    /// `None` when tied (W2 = W1ᵀ).
    pub w2: Option<ArrayView2<'a, F>>,
    pub b2: ArrayView1<'a, F>,
}

/// θ (or a gradient of the same layout) viewed mutably as its blocks.
pub struct ViewsMut<'a, F> {
    pub w1: ArrayViewMut2<'a, F>,
    pub b1: ArrayViewMut1<'a, F>,
    pub w2: Option<ArrayViewMut2<'a, F>>,
    pub b2: ArrayViewMut1<'a, F>,
}

pub fn views<F>(arch: Arch, theta: &[F]) -> Views<'_, F> {
    let (n, h) = (arch.inputs, arch.hidden);
    let (w1, rest) = theta.split_at(h * n);
    let (b1, rest) = rest.split_at(h);
    let (w2, b2) = if arch.tied {
        (None, rest)
    } else {
        let (w2, b2) = rest.split_at(n * h);
        (
            Some(ArrayView2::from_shape((n, h), w2).expect("θ layout")),
            b2,
        )
    };
    Views {
        w1: ArrayView2::from_shape((h, n), w1).expect("θ layout"),
        b1: ArrayView1::from(b1),
        w2,
        b2: ArrayView1::from(b2),
    }
}

pub fn views_mut<F>(arch: Arch, theta: &mut [F]) -> ViewsMut<'_, F> {
    let (n, h) = (arch.inputs, arch.hidden);
    let (w1, rest) = theta.split_at_mut(h * n);
    let (b1, rest) = rest.split_at_mut(h);
    let (w2, b2) = if arch.tied {
        (None, rest)
    } else {
        let (w2, b2) = rest.split_at_mut(n * h);
        (
            Some(ArrayViewMut2::from_shape((n, h), w2).expect("θ layout")),
            b2,
        )
    };
    ViewsMut {
        w1: ArrayViewMut2::from_shape((h, n), w1).expect("θ layout"),
        b1: ArrayViewMut1::from(b1),
        w2,
        b2: ArrayViewMut1::from(b2),
    }
}

/// The parameters θ of one autoencoder.
#[derive(Clone, Debug, PartialEq)]
pub struct Params<F> {
    pub arch: Arch,
    pub theta: Vec<F>,
}

impl<F: Real> Params<F> {
    /// Glorot-style init as CS294A's `initializeParameters`: weights uniform
    /// in ±√(6 / (inputs + hidden + 1)), biases zero.
    pub fn init<R: Rng + ?Sized>(arch: Arch, rng: &mut R) -> Self {
        let r = (6.0 / (arch.inputs + arch.hidden + 1) as f64).sqrt();
        let mut theta = vec![F::zero(); arch.len()];
        for (name, range) in arch.blocks() {
            if name.starts_with('W') {
                for v in &mut theta[range] {
                    *v = F::of(rng.random_range(-r..r));
                }
            }
        }
        Params { arch, theta }
    }

    pub fn views(&self) -> Views<'_, F> {
        views(self.arch, &self.theta)
    }

    pub fn views_mut(&mut self) -> ViewsMut<'_, F> {
        views_mut(self.arch, &mut self.theta)
    }

    /// The same model with its weights tied (W2 dropped) or untied (W2 = W1ᵀ).
    pub fn with_tied(&self, tied: bool) -> Self {
        if tied == self.arch.tied {
            return self.clone();
        }
        let arch = Arch { tied, ..self.arch };
        let mut out = Params {
            arch,
            theta: vec![F::zero(); arch.len()],
        };
        let v = self.views();
        let mut o = out.views_mut();
        o.w1.assign(&v.w1);
        o.b1.assign(&v.b1);
        o.b2.assign(&v.b2);
        if let Some(w2) = o.w2.as_mut() {
            w2.assign(&v.w1.t());
        }
        out
    }

    /// Converted to another float type (f32 training ↔ f64 checks).
    pub fn cast<G: Real>(&self) -> Params<G> {
        Params {
            arch: self.arch,
            theta: self.theta.iter().map(|&v| G::of(v.f64())).collect(),
        }
    }
}

/// What the objective is made of, besides the parameters and the data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Objective {
    pub encoder: Activation,
    pub decoder: Activation,
    pub loss: Loss,
    pub penalties: Penalties,
}

/// The objective's terms (each already weighted), as f64.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Terms {
    /// (1/m) Σ_i L(x_i, x̂_i).
    pub recon: f64,
    pub weight_decay: f64,
    pub sparsity: f64,
    pub l1: f64,
    pub contractive: f64,
}

impl std::ops::AddAssign for Terms {
    fn add_assign(&mut self, t: Terms) {
        self.recon += t.recon;
        self.weight_decay += t.weight_decay;
        self.sparsity += t.sparsity;
        self.l1 += t.l1;
        self.contractive += t.contractive;
    }
}

impl Terms {
    pub fn total(&self) -> f64 {
        self.recon + self.weight_decay + self.sparsity + self.l1 + self.contractive
    }

    /// The penalty terms by name (for reports and the loss pane).
    pub fn penalties(&self) -> [(&'static str, f64); 4] {
        [
            ("weight_decay", self.weight_decay),
            ("sparsity", self.sparsity),
            ("l1", self.l1),
            ("contractive", self.contractive),
        ]
    }
}

/// The forward pass of one batch, kept for the gradient and for statistics.
pub struct Cache<F> {
    /// Encoder pre-activation Z1 (m × hidden).
    pub z1: Array2<F>,
    /// g'(Z1), before the k-sparse mask.
    pub gprime: Array2<F>,
    /// Codes H (m × hidden), after the k-sparse mask.
    pub h: Array2<F>,
    /// k-sparse mask (m × hidden), if on.
    pub mask: Option<Array2<F>>,
    /// Decoder pre-activation Z2 and reconstruction X̂ (m × inputs).
    pub z2: Array2<F>,
    pub x_hat: Array2<F>,
    /// ρ̂_j: each unit's mean activation over the batch, mapped into (0, 1) for tanh.
    pub rho_hat: Array1<F>,
    /// (1/m) Σ_i g'(z_ij)² for each unit j (after the k-sparse mask).
    pub gprime_sq_mean: Array1<F>,
    /// Each unit's share of the mean ‖J‖²_F: (1/m) Σ_i g'(z_ij)² ‖W1[j]‖².
    pub jacobian_units: Array1<F>,
}

impl Objective {
    /// The linear autoencoder of the PCA result: linear encoder and decoder,
    /// mse, no regulariser.
    pub fn linear() -> Self {
        Objective {
            encoder: Activation::Linear,
            decoder: Activation::Linear,
            loss: Loss::Mse,
            penalties: Penalties::default(),
        }
    }

    /// Forward pass on the corrupted batch X̃ (m × inputs).
    pub fn forward<F: Real>(&self, params: &Params<F>, x_tilde: &Array2<F>) -> Cache<F> {
        let v = params.views();
        let m = F::of(x_tilde.nrows().max(1) as f64);
        let z1 = affine(x_tilde.view(), Op::N, v.w1, Op::T, v.b1);
        let mut h = z1.mapv(|z| self.encoder.value(z));
        // g'(Z1) from the codes before the mask (the mask zeroes its uses).
        let gprime = h.mapv(|y| self.encoder.d1_from_value(y));
        let k = self.penalties.k_sparse;
        let mask = (k > 0 && k < params.arch.hidden).then(|| top_k_mask(&z1, k));
        if let Some(mask) = &mask {
            h *= mask;
        }
        let z2 = match v.w2 {
            Some(w2) => affine(h.view(), Op::N, w2, Op::T, v.b2),
            None => affine(h.view(), Op::N, v.w1, Op::N, v.b2),
        };
        let x_hat = z2.mapv(|z| self.decoder.value(z));
        let rho_hat = self.rho_hat(&h, mask.as_ref(), m);
        let mut g1_sq = gprime.mapv(|d| d * d);
        if let Some(mask) = &mask {
            g1_sq *= mask;
        }
        let gprime_sq_mean = g1_sq.sum_axis(Axis(0)) / m;
        let jacobian_units = &gprime_sq_mean * &row_norms2(&v.w1);
        Cache {
            z1,
            gprime,
            h,
            mask,
            z2,
            x_hat,
            rho_hat,
            gprime_sq_mean,
            jacobian_units,
        }
    }

    /// ρ̂: each unit's mean code over the batch, with codes mapped into (0, 1)
    /// for the KL term (tanh codes by (h + 1) / 2; a unit the k-sparse mask
    /// zeroes is off, 0, for tanh too). No mapped copy of H is made.
    fn rho_hat<F: Real>(&self, h: &Array2<F>, mask: Option<&Array2<F>>, m: F) -> Array1<F> {
        let sums = h.sum_axis(Axis(0));
        if self.encoder != Activation::Tanh {
            return sums / m;
        }
        // Σ_i mask_ij (h_ij + 1) / 2 = (Σ_i h_ij + kept_j) / 2 (h is already 0 where masked).
        let kept = mask.map_or_else(
            || Array1::from_elem(h.ncols(), m),
            |mask| mask.sum_axis(Axis(0)),
        );
        (sums + kept) * F::of(0.5) / m
    }

    /// The objective's terms on a batch: clean targets X, corrupted inputs X̃.
    pub fn terms<F: Real>(&self, params: &Params<F>, x: &Array2<F>, cache: &Cache<F>) -> Terms {
        let p = &self.penalties;
        let m = x.nrows().max(1) as f64;
        let mut recon = F::zero();
        Zip::from(x)
            .and(&cache.z2)
            .and(&cache.x_hat)
            .for_each(|&x, &z, &xh| recon += self.loss.value(x, z, xh));
        let v = params.views();
        let sq = |w: ArrayView2<F>| w.iter().map(|&a| a.f64() * a.f64()).sum::<f64>();
        let w2_sq = v.w2.map_or_else(|| sq(v.w1), sq);
        Terms {
            recon: recon.f64() / m,
            weight_decay: 0.5 * p.weight_decay * (sq(v.w1) + w2_sq),
            sparsity: p.sparsity.map_or(0.0, |s| {
                s.beta
                    * cache
                        .rho_hat
                        .iter()
                        .map(|&r| kl(s.rho, r.f64()))
                        .sum::<f64>()
            }),
            l1: p.l1 * cache.h.iter().map(|&a| a.f64().abs()).sum::<f64>() / m,
            contractive: p.contractive * cache.jacobian_units.iter().map(|&a| a.f64()).sum::<f64>(),
        }
    }

    /// The gradient of the whole objective with respect to θ, written into
    /// `grad` (same layout as θ). X̃ must be the input `cache` was made from.
    pub fn gradient<F: Real>(
        &self,
        params: &Params<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        cache: &Cache<F>,
        grad: &mut [F],
    ) {
        let p = &self.penalties;
        let arch = params.arch;
        let v = params.views();
        let m = F::of(x.nrows().max(1) as f64);
        grad.fill(F::zero());
        let mut g = views_mut(arch, grad);

        // Decoder: dZ2 = ∂L/∂Z2 / m (m × inputs).
        let mut dz2 = Array2::zeros(x.raw_dim());
        Zip::from(&mut dz2)
            .and(x)
            .and(&cache.x_hat)
            .for_each(|d, &x, &xh| *d = self.loss.grad_z(self.decoder, x, xh) / m);
        g.b2.assign(&sum_rows(&dz2));
        // dH = dZ2 · W2 (m × hidden); W2's gradient dZ2ᵀ H, or (Hᵀ dZ2) into W1 when tied.
        let mut dh = match (&v.w2, g.w2.as_mut()) {
            (Some(w2), Some(gw2)) => {
                matmul_acc(gw2, dz2.view(), Op::T, cache.h.view(), Op::N);
                crate::model::linalg::matmul(dz2.view(), Op::N, *w2, Op::N)
            }
            _ => {
                matmul_acc(&mut g.w1, cache.h.view(), Op::T, dz2.view(), Op::N);
                crate::model::linalg::matmul(dz2.view(), Op::N, v.w1, Op::T)
            }
        };

        // Penalties on the codes.
        if let Some(s) = p.sparsity {
            let scale = if self.encoder == Activation::Tanh {
                F::of(0.5)
            } else {
                F::one()
            };
            let d_rho: Array1<F> = cache
                .rho_hat
                .mapv(|r| F::of(s.beta) * kl_grad(F::of(s.rho), r) * scale / m);
            dh += &d_rho;
        }
        if p.l1 > 0.0 {
            let l1 = F::of(p.l1) / m;
            Zip::from(&mut dh)
                .and(&cache.h)
                .for_each(|d, &h| *d += l1 * sign(h));
        }
        if let Some(mask) = &cache.mask {
            dh *= mask;
        }

        // Encoder: dZ1 = dH ⊙ g'(Z1).
        let mut dz1 = dh;
        Zip::from(&mut dz1)
            .and(&cache.gprime)
            .for_each(|d, &g| *d *= g);
        if p.contractive > 0.0 {
            // ‖J‖²_F = Σ_j g'(z_j)² ‖W1[j]‖², averaged over the batch.
            let lc = F::of(p.contractive);
            let two = F::of(2.0);
            let norms = row_norms2(&v.w1);
            for (((mut dz_row, z_row), g_row), mask_row) in dz1
                .axis_iter_mut(Axis(0))
                .zip(cache.z1.axis_iter(Axis(0)))
                .zip(cache.gprime.axis_iter(Axis(0)))
                .zip(mask_rows(cache.mask.as_ref(), x.nrows()))
            {
                for j in 0..norms.len() {
                    let keep = mask_row.map_or(F::one(), |r| r[j]);
                    dz_row[j] +=
                        lc / m * two * g_row[j] * self.encoder.d2(z_row[j]) * norms[j] * keep;
                }
            }
            // ∂/∂W1[j] of (1/m) Σ_i g'(z_ij)² ‖W1[j]‖² at fixed z: 2 c_j W1[j].
            for ((mut gw, w), &c) in
                g.w1.axis_iter_mut(Axis(0))
                    .zip(v.w1.axis_iter(Axis(0)))
                    .zip(&cache.gprime_sq_mean)
            {
                gw.scaled_add(lc * two * c, &w);
            }
        }
        g.b1.assign(&sum_rows(&dz1));
        matmul_acc(&mut g.w1, dz1.view(), Op::T, x_tilde.view(), Op::N);

        if p.weight_decay > 0.0 {
            let lambda = F::of(p.weight_decay);
            // Tied: (λ/2)(‖W1‖² + ‖W1ᵀ‖²) counts W1 twice.
            let w1_uses = if arch.tied { F::of(2.0) } else { F::one() };
            g.w1.scaled_add(lambda * w1_uses, &v.w1);
            if let (Some(gw2), Some(w2)) = (g.w2.as_mut(), v.w2) {
                gw2.scaled_add(lambda, &w2);
            }
        }
    }

    /// Objective value and gradient in one call (what optimisers and checks use).
    pub fn value_and_gradient<F: Real>(
        &self,
        params: &Params<F>,
        x: &Array2<F>,
        x_tilde: &Array2<F>,
        grad: &mut [F],
    ) -> (Terms, Cache<F>) {
        let cache = self.forward(params, x_tilde);
        let terms = self.terms(params, x, &cache);
        self.gradient(params, x, x_tilde, &cache, grad);
        (terms, cache)
    }
}

fn sign<F: Real>(v: F) -> F {
    if v > F::zero() {
        F::one()
    } else if v < F::zero() {
        -F::one()
    } else {
        F::zero()
    }
}

/// The rows of an optional mask, or `None` for every row when there is none.
fn mask_rows<F: Real>(
    mask: Option<&Array2<F>>,
    m: usize,
) -> Box<dyn Iterator<Item = Option<ArrayView1<'_, F>>> + '_> {
    match mask {
        Some(mask) => Box::new(mask.axis_iter(Axis(0)).map(Some)),
        None => Box::new(std::iter::repeat_n(None, m)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With k-sparse tanh codes, a unit the mask switches off counts as 0 in
    /// ρ̂, not as tanh(0) mapped to 0.5.
    #[test]
    fn masked_tanh_units_count_as_off_in_rho_hat() {
        let arch = Arch {
            inputs: 2,
            hidden: 2,
            tied: false,
        };
        let mut params = Params::<f64> {
            arch,
            theta: vec![0.0; arch.len()],
        };
        // Unit 0 sees +x0, unit 1 sees −x0: with k = 1 only unit 0 is kept.
        params
            .views_mut()
            .w1
            .assign(&ndarray::array![[1.0, 0.0], [-1.0, 0.0]]);
        let objective = Objective {
            encoder: Activation::Tanh,
            decoder: Activation::Linear,
            loss: Loss::Mse,
            penalties: Penalties {
                k_sparse: 1,
                ..Penalties::default()
            },
        };
        let cache = objective.forward(&params, &ndarray::array![[1.0, 0.0]]);
        assert!((cache.rho_hat[0] - (1.0f64.tanh() + 1.0) / 2.0).abs() < 1e-12);
        assert_eq!(cache.rho_hat[1], 0.0);
    }
}
