//! From a model's table to its settings. Resolution order for one model:
//! built-in defaults ← the variant's defaults ← the preset's keys ← its
//! `[[compare]]` entry ← `--set`. (Runtime changes go through
//! `settings::rules` on the resolved settings.)

use super::PresetError;
use super::schema::{RawCorrupt, RawModel};
use super::source::{Source, friendly};
use crate::model::{Activation, Corruption, CorruptionKind, Loss, Penalties, Variant};
use crate::optim::OptimizerKind;
use crate::settings::{ModelConfig, default_level};
use toml::Table;

/// Defaults where neither the variant nor the preset says otherwise.
pub const DEFAULT_HIDDEN: usize = 64;
pub const DEFAULT_LR: f64 = 1e-3;
/// A VAE's latent dimensions when the preset does not say (Kingma & Welling's MNIST figure uses 20).
pub const DEFAULT_LATENT: usize = 20;

/// The settings of model `index` (0 = the base; `i + 1` = `[[compare]]` entry `i`).
pub fn model(source: &Source, table: Table, index: usize) -> Result<ModelConfig, PresetError> {
    let compare = index.checked_sub(1);
    let raw: RawModel = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| PresetError::Invalid {
            origin: source.origin("compare", compare),
            message: friendly(e.message()),
        })?;
    let variant = raw.variant.unwrap_or(Variant::Vanilla);
    let d = variant.defaults();
    let arch = raw.model.unwrap_or_default();
    let reg = raw.regularize.unwrap_or_default();
    let train = raw.train.unwrap_or_default();
    let mut penalties = Penalties {
        weight_decay: reg.weight_decay.unwrap_or(d.penalties.weight_decay),
        sparsity: reg.sparsity.or(d.penalties.sparsity),
        l1: reg.l1.unwrap_or(d.penalties.l1),
        k_sparse: reg.k_sparse.unwrap_or(d.penalties.k_sparse),
        contractive: reg.contractive.unwrap_or(d.penalties.contractive),
        kl: reg.kl.unwrap_or(d.penalties.kl),
    };
    // β = 0 turns the KL term off.
    if penalties.sparsity.is_some_and(|s| s.beta == 0.0) {
        penalties.sparsity = None;
    }
    let corrupt = corruption(raw.corrupt.unwrap_or_default(), d.corrupt).map_err(|message| {
        PresetError::Invalid {
            origin: source.origin("corrupt.level", compare),
            message,
        }
    })?;
    let config = ModelConfig {
        label: raw.label.unwrap_or_else(|| variant.name().to_string()),
        variant,
        hidden: arch.hidden.unwrap_or(DEFAULT_HIDDEN),
        encoder: arch.encoder.unwrap_or(Activation::Sigmoid),
        decoder: arch.decoder.unwrap_or(Activation::Sigmoid),
        tied: arch.tied.unwrap_or(d.tied),
        loss: arch.loss.unwrap_or(Loss::Mse),
        penalties,
        corrupt,
        optimizer: train.optimizer.unwrap_or(OptimizerKind::Adam),
        lr: train.lr.unwrap_or(DEFAULT_LR),
        latent: arch.latent.unwrap_or(if variant == Variant::Vae {
            DEFAULT_LATENT
        } else {
            0
        }),
        kl_warmup: reg.kl_warmup.unwrap_or(0),
    };
    config.validate().map_err(|e| PresetError::Invalid {
        origin: source.origin(e.key, compare),
        message: format!("{} (model \"{}\")", e.message, config.label),
    })?;
    Ok(config)
}

/// The corruption from a `[corrupt]` table over the variant's default. A
/// level alone keeps the default kind; on a model without corruption that
/// is refused rather than silently turning denoising on.
pub fn corruption(raw: RawCorrupt, default: Corruption) -> Result<Corruption, String> {
    match (raw.kind, raw.level) {
        (None, None) => Ok(default),
        (Some(kind), level) => {
            // A kind without a level takes the lecture's level for it.
            let fallback = if kind == default.kind {
                default.level
            } else {
                default_level(kind)
            };
            Ok(Corruption {
                kind,
                level: level.unwrap_or(fallback),
            })
        }
        (None, Some(level)) if default.kind == CorruptionKind::None && level != 0.0 => {
            Err(format!(
                "level {level} given but the corruption kind is none: set corrupt.kind too (mask, gaussian or salt-pepper)"
            ))
        }
        (None, Some(level)) => Ok(Corruption {
            kind: default.kind,
            level,
        }),
    }
}
