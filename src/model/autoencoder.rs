//! Parameters, forward pass, objective and exact gradient of the autoencoder
//! `h = g(W1 x̃ + b1)`, `x̂ = f(W2 h + b2)` (CS294A conventions).
//!
//! Shapes: a batch X is m × inputs (one sample a row); W1 is hidden × inputs
//! (row j is unit j's filter); W2 is inputs × hidden, or W1ᵀ when tied.
//! All parameters live in one flat vector θ = [W1, b1, (W2), b2] so that the
//! optimisers and the gradient check see a single vector.

use super::{Activation, Loss, Penalties, Real};
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use rand::{Rng, RngExt};

/// The shape of an autoencoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arch {
    pub inputs: usize,
    pub hidden: usize,
    pub tied: bool,
    /// A variational autoencoder's latent dimensions (0: an autoencoder).
    /// Its encoder's hidden layer and decoder's hidden layer both have
    /// `hidden` units (see `vae.rs`).
    pub latent: usize,
}

impl Arch {
    /// An autoencoder (not variational).
    pub fn ae(inputs: usize, hidden: usize, tied: bool) -> Arch {
        Arch {
            inputs,
            hidden,
            tied,
            latent: 0,
        }
    }

    pub fn is_vae(&self) -> bool {
        self.latent > 0
    }

    /// Number of scalars in θ.
    /// (The sum of [`shapes`](Self::shapes), without building them: the
    /// step's views ask for it.)
    pub fn len(&self) -> usize {
        let (n, h, l) = (self.inputs, self.hidden, self.latent);
        let middle = if self.is_vae() {
            2 * (l * h + l) + h * l + h
        } else {
            0
        };
        h * n + h + middle + if self.tied { 0 } else { n * h } + n
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The named blocks of θ with their (rows, cols) shapes (1 col for a
    /// bias), in order. W1 and b1 come first in every kind, so a filter is
    /// always row j of θ's first block; the decoder's output layer is W2, b2.
    pub fn shapes(&self) -> Vec<(&'static str, (usize, usize))> {
        let (n, h, l) = (self.inputs, self.hidden, self.latent);
        let mut out = vec![("W1", (h, n)), ("b1", (h, 1))];
        if self.is_vae() {
            out.extend([
                ("Wmu", (l, h)),
                ("bmu", (l, 1)),
                ("Wlv", (l, h)),
                ("blv", (l, 1)),
                ("W3", (h, l)),
                ("b3", (h, 1)),
            ]);
        }
        if !self.tied {
            out.push(("W2", (n, h)));
        }
        out.push(("b2", (n, 1)));
        out
    }

    /// The named blocks of θ with their ranges, in order (for reports).
    pub fn blocks(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let mut at = 0;
        self.shapes()
            .into_iter()
            .map(|(name, (r, c))| {
                at += r * c;
                (name, at - r * c..at)
            })
            .collect()
    }

    /// The range of the block called `name`.
    pub fn block(&self, name: &str) -> std::ops::Range<usize> {
        let blocks = self.blocks();
        let found = blocks.into_iter().find(|(n, _)| *n == name);
        found
            .map(|(_, r)| r)
            .expect("a block of this kind of model")
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
    let b1 = &rest[..h];
    // W2 and b2 end θ; a VAE's middle blocks lie between b1 and them.
    let b2_at = arch.len() - n;
    let b2 = &theta[b2_at..b2_at + n];
    let w2 = (!arch.tied)
        .then(|| ArrayView2::from_shape((n, h), &theta[b2_at - n * h..b2_at]).expect("θ layout"));
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
    // Skip a VAE's middle blocks.
    let middle = arch.len() - n - h * n - h - if arch.tied { 0 } else { n * h };
    let rest = &mut rest[middle..];
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

/// θ borrowed with its shape: what the objective reads, so that a caller
/// holding a bare slice (an L-BFGS trial point) needs no copy of θ.
#[derive(Clone, Copy, Debug)]
pub struct ParamsRef<'a, F> {
    pub arch: Arch,
    pub theta: &'a [F],
}

impl<'a, F> ParamsRef<'a, F> {
    pub fn views(&self) -> Views<'a, F> {
        views(self.arch, self.theta)
    }
}

impl<F> Params<F> {
    /// θ borrowed.
    pub fn borrowed(&self) -> ParamsRef<'_, F> {
        ParamsRef {
            arch: self.arch,
            theta: &self.theta,
        }
    }
}

impl<F: Real> Params<F> {
    /// Glorot-style init as CS294A's `initializeParameters`: weights uniform
    /// in ±√(6 / (inputs + hidden + 1)), biases zero.
    /// (A VAE's latent layers are drawn likewise from their own shapes.)
    pub fn init<R: Rng + ?Sized>(arch: Arch, rng: &mut R) -> Self {
        let mut theta = vec![F::zero(); arch.len()];
        for ((name, range), (_, (rows, cols))) in arch.blocks().into_iter().zip(arch.shapes()) {
            if name.starts_with('W') {
                let r = (6.0 / (rows + cols + 1) as f64).sqrt();
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
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Terms {
    /// (1/m) Σ_i L(x_i, x̂_i).
    pub recon: f64,
    pub weight_decay: f64,
    pub sparsity: f64,
    pub l1: f64,
    pub contractive: f64,
    /// A VAE's β (1/m) Σ_i KL(q(z|x_i) ‖ N(0, I)).
    pub kl: f64,
}

impl std::ops::AddAssign for Terms {
    fn add_assign(&mut self, t: Terms) {
        self.recon += t.recon;
        self.weight_decay += t.weight_decay;
        self.sparsity += t.sparsity;
        self.l1 += t.l1;
        self.contractive += t.contractive;
        self.kl += t.kl;
    }
}

impl Terms {
    pub fn total(&self) -> f64 {
        self.recon + self.weight_decay + self.sparsity + self.l1 + self.contractive + self.kl
    }

    /// The penalty terms by name (for reports and the loss pane).
    pub fn penalties(&self) -> [(&'static str, f64); 5] {
        [
            ("weight_decay", self.weight_decay),
            ("sparsity", self.sparsity),
            ("l1", self.l1),
            ("contractive", self.contractive),
            ("kl", self.kl),
        ]
    }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `len` and the views' offsets, computed without the block list, agree with it.
    #[test]
    fn the_layout_arithmetic_matches_the_blocks() {
        for arch in [
            Arch::ae(5, 3, false),
            Arch::ae(5, 3, true),
            Arch {
                latent: 2,
                ..Arch::ae(5, 3, false)
            },
        ] {
            let blocks = arch.blocks();
            assert_eq!(arch.len(), blocks.last().unwrap().1.end);
            let theta: Vec<f64> = (0..arch.len()).map(|i| i as f64).collect();
            let v = views(arch, &theta);
            assert_eq!(v.b2[0], arch.block("b2").start as f64);
            assert_eq!(v.b2.len(), 5);
            if let Some(w2) = v.w2 {
                assert_eq!(w2[[0, 0]], arch.block("W2").start as f64);
            }
            let mut t = theta.clone();
            let m = views_mut(arch, &mut t);
            assert_eq!(m.b2[0], arch.block("b2").start as f64);
            assert_eq!(m.b1[0], arch.block("b1").start as f64);
        }
    }

    /// With k-sparse tanh codes, a unit the mask switches off counts as 0 in
    /// ρ̂, not as tanh(0) mapped to 0.5.
    #[test]
    fn masked_tanh_units_count_as_off_in_rho_hat() {
        let arch = Arch::ae(2, 2, false);
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
