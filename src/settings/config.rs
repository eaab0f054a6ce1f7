//! The resolved settings of one model, and the combinations that make no sense.

use crate::model::{
    Activation, Arch, Corruption, CorruptionKind, Loss, Objective, Penalties, Variant,
};
use crate::optim::OptimizerKind;

/// The resolved settings of one model: what the trainer runs.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelConfig {
    pub label: String,
    pub variant: Variant,
    pub hidden: usize,
    pub encoder: Activation,
    pub decoder: Activation,
    pub tied: bool,
    pub loss: Loss,
    pub penalties: Penalties,
    pub corrupt: Corruption,
    pub optimizer: OptimizerKind,
    pub lr: f64,
    /// A VAE's latent dimensions (0 for an autoencoder).
    pub latent: usize,
    /// A VAE's KL warm-up: β rises linearly from 0 over this many steps (0: none).
    pub kl_warmup: u64,
}

/// A setting out of its allowed range, or two that contradict each other:
/// the key to blame first and why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct Invalid {
    pub key: &'static str,
    pub message: String,
}

fn invalid(key: &'static str, message: String) -> Invalid {
    Invalid { key, message }
}

impl ModelConfig {
    pub fn objective(&self) -> Objective {
        Objective {
            encoder: self.encoder,
            decoder: self.decoder,
            loss: self.loss,
            penalties: self.penalties,
        }
    }

    /// The objective at training step `step`: a VAE's β during its KL
    /// warm-up is β · step / kl_warmup.
    pub fn objective_at(&self, step: u64) -> Objective {
        let mut o = self.objective();
        if self.kl_warmup > 0 && step < self.kl_warmup {
            o.penalties.kl *= step as f64 / self.kl_warmup as f64;
        }
        o
    }

    pub fn is_vae(&self) -> bool {
        self.variant == Variant::Vae
    }

    pub fn arch(&self, inputs: usize) -> Arch {
        Arch {
            inputs,
            hidden: self.hidden,
            tied: self.tied,
            latent: if self.is_vae() { self.latent } else { 0 },
        }
    }

    /// The combinations that make no sense, refused with the reason.
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.hidden == 0 {
            return Err(invalid("model.hidden", "must be at least 1".into()));
        }
        self.validate_vae()?;
        if self.loss == Loss::Bce && self.decoder != Activation::Sigmoid {
            return Err(invalid(
                "model.loss",
                format!(
                    "bce needs a sigmoid decoder (outputs in (0, 1)), got decoder = \"{}\"",
                    self.decoder.name()
                ),
            ));
        }
        if let Some(s) = self.penalties.sparsity {
            if !(s.rho > 0.0 && s.rho < 1.0) {
                return Err(invalid(
                    "regularize.sparsity",
                    format!("rho must be in (0, 1), got {}", s.rho),
                ));
            }
            if !(s.beta >= 0.0 && s.beta.is_finite()) {
                return Err(invalid(
                    "regularize.sparsity",
                    format!("beta must be ≥ 0, got {}", s.beta),
                ));
            }
            if !matches!(self.encoder, Activation::Sigmoid | Activation::Tanh) {
                return Err(invalid(
                    "regularize.sparsity",
                    format!(
                        "KL sparsity needs codes in (0, 1): use encoder = \"sigmoid\" or \"tanh\", not \"{}\"",
                        self.encoder.name()
                    ),
                ));
            }
        }
        let p = &self.penalties;
        for (key, v) in [
            ("regularize.weight_decay", p.weight_decay),
            ("regularize.l1", p.l1),
            ("regularize.contractive", p.contractive),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(invalid(key, format!("must be a number ≥ 0, got {v}")));
            }
        }
        if p.k_sparse > self.hidden {
            return Err(invalid(
                "regularize.k_sparse",
                format!(
                    "keeps k = {} codes but the model has only {} hidden units",
                    p.k_sparse, self.hidden
                ),
            ));
        }
        check_corruption(&self.corrupt).map_err(|m| invalid("corrupt.level", m))?;
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            return Err(invalid(
                "train.lr",
                format!("must be a number > 0, got {}", self.lr),
            ));
        }
        Ok(())
    }
}

impl ModelConfig {
    /// What only a VAE has, and what a VAE cannot have.
    fn validate_vae(&self) -> Result<(), Invalid> {
        let p = &self.penalties;
        if !self.is_vae() {
            if self.latent > 0 {
                return Err(invalid(
                    "model.latent",
                    "only a variational autoencoder has a latent layer: set variant = \"vae\""
                        .into(),
                ));
            }
            let vae_only =
                "is a VAE's: set variant = \"vae\", or, in a [[compare]] entry beside a VAE,";
            if p.kl != 0.0 {
                return Err(invalid(
                    "regularize.kl",
                    format!(
                        "the KL term to N(0, I) {vae_only} regularize = {{ kl = 0 }} (sparsity's KL is regularize.sparsity)"
                    ),
                ));
            }
            if self.kl_warmup > 0 {
                return Err(invalid(
                    "regularize.kl_warmup",
                    format!("the KL warm-up {vae_only} regularize = {{ kl_warmup = 0 }}"),
                ));
            }
            return Ok(());
        }
        if self.latent == 0 {
            return Err(invalid(
                "model.latent",
                "a VAE needs at least 1 latent dimension".into(),
            ));
        }
        if !(p.kl >= 0.0 && p.kl.is_finite()) {
            return Err(invalid(
                "regularize.kl",
                format!("β must be a number ≥ 0, got {}", p.kl),
            ));
        }
        if self.tied {
            return Err(invalid(
                "model.tied",
                "a VAE's decoder has its own weights: tied = false".into(),
            ));
        }
        for (key, on) in [
            ("regularize.sparsity", p.sparsity.is_some()),
            ("regularize.l1", p.l1 != 0.0),
            ("regularize.k_sparse", p.k_sparse != 0),
            ("regularize.contractive", p.contractive != 0.0),
        ] {
            if on {
                return Err(invalid(
                    key,
                    "not for a VAE: its regulariser is the KL term (regularize.kl)".into(),
                ));
            }
        }
        Ok(())
    }
}

/// The level a corruption kind starts at when none is given.
pub fn default_level(kind: CorruptionKind) -> f64 {
    match kind {
        CorruptionKind::None => 0.0,
        CorruptionKind::Mask | CorruptionKind::SaltPepper => 0.25,
        CorruptionKind::Gaussian => 0.1,
    }
}

/// q is a probability; σ has no upper bound.
pub fn check_corruption(c: &Corruption) -> Result<(), String> {
    let bounded = matches!(c.kind, CorruptionKind::Mask | CorruptionKind::SaltPepper);
    if !c.level.is_finite() || c.level < 0.0 || (bounded && c.level > 1.0) {
        let allowed = if bounded {
            "a probability in [0, 1]"
        } else {
            "σ ≥ 0"
        };
        return Err(format!(
            "level {} for {} corruption: expected {allowed}",
            c.level,
            c.kind.name()
        ));
    }
    Ok(())
}
