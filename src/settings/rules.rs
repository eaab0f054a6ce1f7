//! The rule book: which changes a model may take, what each implies, and the
//! clamps the lab's keys respect. Used alike by the preset loader (`--set`,
//! `[[timeline]]`), the trainer (at a step boundary) and the UI (to show a
//! change before the trainer confirms it).

use super::config::{Invalid, ModelConfig, default_level};
use super::{Change, Event};
use crate::model::{Corruption, CorruptionKind, Loss, Sparsity, Variant};
use crate::optim::OptimizerKind;

/// Learning rates `[`/`]` stay between: beyond them training only diverges or stalls.
pub const MIN_LR: f64 = 1e-6;
pub const MAX_LR: f64 = 10.0;
/// The corruption step of `+`/`-`.
pub const LEVEL_STEP: f64 = 0.05;

/// What a change is judged against besides the model itself: facts of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    /// More than one model: they share the batches, so all use L-BFGS or none.
    pub shared_batches: bool,
    /// Whether every training value is in [0, 1] (what bce needs).
    pub targets_in_unit_interval: bool,
}

/// Why a change was not made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    Invalid(#[from] Invalid),
    #[error("{key} is fixed while training: edit the preset and restart")]
    Fixed { key: &'static str },
    #[error("every model must use L-BFGS, or none: they share the batches")]
    MixedOptimizers,
    #[error("bce needs targets in [0, 1], but this data has values outside it")]
    BceOutsideUnitInterval,
    #[error(
        "corrupt.level: the corruption kind is none: set corrupt.kind first (mask, gaussian or salt-pepper)"
    )]
    LevelWithoutKind,
    #[error("regularize.sparsity is off: set regularize.sparsity = {{ rho = …, beta = … }} first")]
    SparsityOff,
    #[error("no model {0} (the preset has {1})")]
    NoSuchModel(usize, usize),
}

/// `config` with `change` made, or why not.
pub fn apply(config: &ModelConfig, change: Change, ctx: &Context) -> Result<ModelConfig, Refusal> {
    let mut c = config.clone();
    match change {
        Change::Variant(v) => {
            // A variant is the lecture's recipe: its penalties, corruption and tying.
            let d = v.defaults();
            c.variant = v;
            c.penalties = d.penalties;
            c.corrupt = d.corrupt;
            c.tied = d.tied;
        }
        Change::CorruptKind(kind) => c.corrupt = with_kind(c.corrupt, kind),
        Change::CorruptLevel(level) => {
            if c.corrupt.kind == CorruptionKind::None {
                return Err(Refusal::LevelWithoutKind);
            }
            c.corrupt.level = level;
        }
        Change::Lr(lr) => c.lr = lr,
        Change::Optimizer(o) => c.optimizer = o,
        Change::Encoder(a) => c.encoder = a,
        Change::Decoder(a) => c.decoder = a,
        Change::Loss(l) => c.loss = l,
        Change::Tied(t) => c.tied = t,
        Change::Hidden(h) => c.hidden = h,
        Change::WeightDecay(v) => c.penalties.weight_decay = v,
        // β = 0 turns the KL term off.
        Change::Sparsity(s) => c.penalties.sparsity = s.filter(|s| s.beta != 0.0),
        Change::SparsityRho(rho) => sparsity(&mut c)?.rho = rho,
        Change::SparsityBeta(beta) => sparsity(&mut c)?.beta = beta,
        Change::L1(v) => c.penalties.l1 = v,
        Change::KSparse(k) => c.penalties.k_sparse = k,
        Change::Contractive(v) => c.penalties.contractive = v,
    }
    if c.is_vae() != config.is_vae() {
        return Err(Refusal::Fixed {
            key: "variant (vae)",
        });
    }
    c.validate()?;
    if c.hidden != config.hidden {
        return Err(Refusal::Fixed {
            key: "model.hidden",
        });
    }
    let lbfgs = |c: &ModelConfig| c.optimizer == OptimizerKind::Lbfgs;
    if ctx.shared_batches && lbfgs(&c) != lbfgs(config) {
        return Err(Refusal::MixedOptimizers);
    }
    if c.loss == Loss::Bce && !ctx.targets_in_unit_interval {
        return Err(Refusal::BceOutsideUnitInterval);
    }
    Ok(c)
}

fn sparsity(c: &mut ModelConfig) -> Result<&mut Sparsity, Refusal> {
    c.penalties.sparsity.as_mut().ok_or(Refusal::SparsityOff)
}

/// A new corruption kind keeps the level it had when that means something
/// for the new kind (clamped to a probability for mask and salt-and-pepper);
/// from none, or at level 0, it starts at the kind's default level.
fn with_kind(c: Corruption, kind: CorruptionKind) -> Corruption {
    let level = if kind == CorruptionKind::None {
        0.0
    } else if c.kind == CorruptionKind::None || c.level == 0.0 {
        default_level(kind)
    } else {
        clamp_level(kind, c.level)
    };
    Corruption { kind, level }
}

/// Applies an event's change to every model it aims at; the models' new
/// settings, or the first refusal (then none is changed).
pub fn apply_to(
    configs: &[ModelConfig],
    model: Option<usize>,
    change: Change,
    ctx: &Context,
) -> Result<Vec<ModelConfig>, Refusal> {
    let mut out = configs.to_vec();
    let targets: Vec<usize> = match model {
        Some(i) if i < configs.len() => vec![i],
        Some(i) => return Err(Refusal::NoSuchModel(i, configs.len())),
        None => (0..configs.len()).collect(),
    };
    for i in targets {
        out[i] = apply(&configs[i], change, ctx)?;
    }
    Ok(out)
}

/// The settings after a sequence of events, skipping the refused ones (what
/// the trainer will do with them, so the UI can show it ahead of time).
pub fn fold<'a>(
    configs: &[ModelConfig],
    events: impl IntoIterator<Item = &'a Event>,
    ctx: &Context,
) -> Vec<ModelConfig> {
    let mut configs = configs.to_vec();
    for event in events {
        if let Event::Change { model, change } = *event
            && let Ok(next) = apply_to(&configs, model, change, ctx)
        {
            configs = next;
        }
    }
    configs
}

// ---- what the lab's keys ask for, computed from what the user sees ----

/// `v`/`V`: the next variant in that direction that this model can take
/// (sparse is skipped on a linear encoder, say), or `None` if none can.
pub fn next_variant(config: &ModelConfig, forward: bool, ctx: &Context) -> Option<Variant> {
    // At most one lap: a VAE is not on the cycle, so it never comes round.
    let mut v = config.variant.cycle(forward);
    for _ in 0..Variant::ALL.len() {
        if v == config.variant {
            break;
        }
        if apply(config, Change::Variant(v), ctx).is_ok() {
            return Some(v);
        }
        v = v.cycle(forward);
    }
    None
}

/// `+`/`-`: the changes that move the level one step. `+` on no corruption
/// starts masking (the lecture's denoising corruption) at the first step.
pub fn level_step(c: Corruption, up: bool) -> Vec<Change> {
    if c.kind == CorruptionKind::None {
        return if up {
            vec![
                Change::CorruptKind(CorruptionKind::Mask),
                Change::CorruptLevel(LEVEL_STEP),
            ]
        } else {
            Vec::new()
        };
    }
    let step = if up { LEVEL_STEP } else { -LEVEL_STEP };
    let level = clamp_level(c.kind, c.level + step);
    if level == c.level {
        Vec::new() // at the end of its range already
    } else {
        vec![Change::CorruptLevel(level)]
    }
}

/// `c`: the next corruption kind, cycling through none.
pub fn next_kind(c: Corruption) -> Change {
    let all = CorruptionKind::ALL;
    let i = all.iter().position(|&k| k == c.kind).unwrap_or(0);
    Change::CorruptKind(all[(i + 1) % all.len()])
}

/// `[`/`]`: half or double the learning rate, within [MIN_LR, MAX_LR];
/// `None` when already at the bound.
pub fn lr_step(lr: f64, up: bool) -> Option<Change> {
    let next = (lr * if up { 2.0 } else { 0.5 }).clamp(MIN_LR, MAX_LR);
    (next != lr).then_some(Change::Lr(next))
}

/// Levels move on a 0.01 grid; q is a probability, σ has no upper bound.
pub fn clamp_level(kind: CorruptionKind, level: f64) -> f64 {
    let level = (level * 100.0).round() / 100.0;
    match kind {
        CorruptionKind::Gaussian => level.max(0.0),
        _ => level.clamp(0.0, 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Activation;

    fn config(variant: Variant) -> ModelConfig {
        let d = variant.defaults();
        ModelConfig {
            label: "m".into(),
            variant,
            hidden: 8,
            encoder: Activation::Sigmoid,
            decoder: Activation::Sigmoid,
            tied: d.tied,
            loss: Loss::Mse,
            penalties: d.penalties,
            corrupt: d.corrupt,
            optimizer: OptimizerKind::Adam,
            lr: 1e-2,
            latent: if variant == Variant::Vae { 2 } else { 0 },
            kl_warmup: 0,
        }
    }

    /// A VAE takes no other variant (its θ has another shape), and asking
    /// for the next one ends (it looped forever: the VAE is off the cycle).
    #[test]
    fn a_vae_has_no_next_variant() {
        let vae = config(Variant::Vae);
        assert_eq!(next_variant(&vae, true, &CTX), None);
        assert_eq!(next_variant(&vae, false, &CTX), None);
        assert!(apply(&vae, Change::Variant(Variant::Vanilla), &CTX).is_err());
    }

    const CTX: Context = Context {
        shared_batches: true,
        targets_in_unit_interval: true,
    };

    #[test]
    fn a_variant_brings_its_recipe_and_keeps_the_rest() {
        let mut c = config(Variant::Denoising);
        c.lr = 0.3;
        let s = apply(&c, Change::Variant(Variant::Sparse), &CTX).unwrap();
        assert_eq!(s.corrupt, Corruption::NONE);
        assert!(s.penalties.sparsity.is_some());
        assert_eq!(s.lr, 0.3);
    }

    #[test]
    fn plus_on_no_corruption_starts_masking_and_levels_stay_in_range() {
        let c = config(Variant::Vanilla);
        let mut shown = c.clone();
        for _ in 0..100 {
            for ch in level_step(shown.corrupt, true) {
                shown = apply(&shown, ch, &CTX).unwrap();
            }
        }
        assert_eq!(shown.corrupt.kind, CorruptionKind::Mask);
        assert_eq!(shown.corrupt.level, 1.0);
        assert!(level_step(shown.corrupt, true).is_empty());
        assert!(level_step(c.corrupt, false).is_empty());
    }

    #[test]
    fn a_new_kind_keeps_a_level_that_fits_it() {
        let c = Corruption {
            kind: CorruptionKind::Gaussian,
            level: 1.5,
        };
        assert_eq!(with_kind(c, CorruptionKind::Mask).level, 1.0);
        assert_eq!(
            with_kind(Corruption::NONE, CorruptionKind::Gaussian).level,
            0.1
        );
        assert_eq!(with_kind(c, CorruptionKind::None), Corruption::NONE);
    }

    #[test]
    fn refusals_say_why_and_variants_skip_what_cannot_apply() {
        let mut c = config(Variant::Vanilla);
        assert_eq!(
            apply(&c, Change::CorruptLevel(0.5), &CTX),
            Err(Refusal::LevelWithoutKind)
        );
        assert_eq!(
            apply(&c, Change::Hidden(9), &CTX),
            Err(Refusal::Fixed {
                key: "model.hidden"
            })
        );
        assert_eq!(
            apply(&c, Change::Optimizer(OptimizerKind::Lbfgs), &CTX),
            Err(Refusal::MixedOptimizers)
        );
        c.encoder = Activation::Linear;
        // vanilla → denoising is fine; from denoising, sparse (KL) cannot apply to linear codes.
        c.variant = Variant::Denoising;
        assert_eq!(next_variant(&c, true, &CTX), Some(Variant::Contractive));
    }

    #[test]
    fn the_learning_rate_keys_stop_at_their_bounds() {
        assert_eq!(lr_step(1e-2, true), Some(Change::Lr(2e-2)));
        assert_eq!(lr_step(MAX_LR, true), None);
        assert_eq!(lr_step(MIN_LR * 1.5, false), Some(Change::Lr(MIN_LR)));
    }
}
