//! A VAE's evidence lower bound on held-out data, per sample:
//! −ELBO = E_q[−log p(x|z)] + KL(q(z|x) ‖ N(0, I)), estimated with one
//! draw of z per sample (Kingma & Welling's estimator), at β = 1 whatever
//! the training β.

use crate::model::{Objective, Params};
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

/// −ELBO per sample, split into its two terms (nats for bce).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Elbo {
    pub recon: f64,
    pub kl: f64,
}

impl Elbo {
    pub fn neg_elbo(&self) -> f64 {
        self.recon + self.kl
    }
}

/// Samples per pass: bounds the buffers on a large validation split.
const CHUNK: usize = 1000;

/// The one-sample −ELBO estimate over `x` (ε drawn from a generator seeded
/// with `seed`, so two calls on the same model agree).
pub fn neg_elbo(objective: &Objective, params: &Params<f32>, x: &Array2<f32>, seed: u64) -> Elbo {
    let arch = params.arch;
    assert!(arch.is_vae(), "the ELBO is a VAE's");
    let mut unit = *objective;
    unit.penalties.kl = 1.0;
    unit.penalties.weight_decay = 0.0;
    let mut rng = chacha20::ChaCha12Rng::seed_from_u64(seed);
    let mut cache = crate::model::Cache::default();
    let (mut sum, m) = (Elbo::default(), x.nrows());
    for start in (0..m).step_by(CHUNK) {
        let rows = x
            .slice(ndarray::s![start..(start + CHUNK).min(m), ..])
            .to_owned();
        let eps = cache.vae_noise(rows.nrows(), arch.hidden, arch.latent);
        eps.iter_mut().for_each(|e| *e = rng.sample(StandardNormal));
        unit.forward_into(params, &rows, &mut cache);
        let t = unit.terms(params, &rows, &cache);
        let n = rows.nrows() as f64;
        sum.recon += t.recon * n;
        sum.kl += t.kl * n;
    }
    let m = m.max(1) as f64;
    Elbo {
        recon: sum.recon / m,
        kl: sum.kl / m,
    }
}
