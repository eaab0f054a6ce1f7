//! Actions that change a model's settings: each edits the UI's copy of the
//! focused model's config (so a second key press builds on the first before
//! the trainer's next snapshot confirms it) and returns the `Command::Set`s
//! that ask the trainer for the same change.

use super::action::Action;
use crate::model::CorruptionKind;
use crate::preset::{ModelConfig, default_level};
use crate::train::Command;
use toml::Value;

/// Learning rates `[`/`]` stay between: beyond them training only diverges or stalls.
const MIN_LR: f64 = 1e-6;
const MAX_LR: f64 = 10.0;

/// The corruption step of `+`/`-`.
const LEVEL_STEP: f64 = 0.05;

/// Applies a settings action to `config` (model `index`); returns the commands
/// and the message-line text. `None` if `action` is not a settings action.
pub fn steer(
    action: Action,
    index: usize,
    config: &mut ModelConfig,
    ascii: bool,
) -> Option<(Vec<Command>, String)> {
    let set = |key: &str, value: Value| Command::Set {
        model: Some(index),
        key: key.to_string(),
        value,
    };
    let label = config.label.clone();
    let mut commands = Vec::new();
    match action {
        Action::NextVariant | Action::PrevVariant => {
            config.variant = config.variant.cycle(action == Action::NextVariant);
            commands.push(set("variant", Value::String(config.variant.name().into())));
            return Some((
                commands,
                format!("variant {} (model {label})", config.variant.name()),
            ));
        }
        Action::CorruptionUp | Action::CorruptionDown => {
            let up = action == Action::CorruptionUp;
            let c = &mut config.corrupt;
            if c.kind == CorruptionKind::None {
                if !up {
                    return Some((commands, format!("corruption none (model {label})")));
                }
                // `+` on "none" starts masking, the lecture's denoising corruption.
                c.kind = CorruptionKind::Mask;
                c.level = 0.0;
                commands.push(set("corrupt.kind", Value::String(c.kind.name().into())));
            }
            let step = if up { LEVEL_STEP } else { -LEVEL_STEP };
            c.level = clamp_level(c.kind, c.level + step);
            commands.push(set("corrupt.level", Value::Float(c.level)));
        }
        Action::NextCorruptionKind => {
            let all = CorruptionKind::ALL;
            let i = all
                .iter()
                .position(|&k| k == config.corrupt.kind)
                .unwrap_or(0);
            let c = &mut config.corrupt;
            c.kind = all[(i + 1) % all.len()];
            commands.push(set("corrupt.kind", Value::String(c.kind.name().into())));
            // A level of 0 would make the new kind invisible; σ may exceed 1 but q may not.
            let level = if c.level == 0.0 {
                default_level(c.kind)
            } else {
                clamp_level(c.kind, c.level)
            };
            // Always sent: the trainer starts a new kind from its own default level otherwise.
            c.level = level;
            commands.push(set("corrupt.level", Value::Float(c.level)));
        }
        Action::LrDown | Action::LrUp => {
            config.lr =
                (config.lr * if action == Action::LrUp { 2.0 } else { 0.5 }).clamp(MIN_LR, MAX_LR);
            commands.push(set("train.lr", Value::Float(config.lr)));
            return Some((
                commands,
                format!("learning rate {:.2e} (model {label})", config.lr),
            ));
        }
        _ => return None,
    }
    let message = format!(
        "corruption {} (model {label})",
        corruption_text(config, ascii)
    );
    Some((commands, message))
}

/// Levels move on a 0.05 grid; q is a probability, σ has no upper bound.
fn clamp_level(kind: CorruptionKind, level: f64) -> f64 {
    let level = (level * 100.0).round() / 100.0;
    match kind {
        CorruptionKind::Gaussian => level.max(0.0),
        _ => level.clamp(0.0, 1.0),
    }
}

/// "mask q=0.30", "gaussian σ=0.10", "none".
pub fn corruption_text(config: &ModelConfig, ascii: bool) -> String {
    let c = config.corrupt;
    if c.kind == CorruptionKind::None {
        return "none".into();
    }
    let name = match (c.kind, ascii) {
        (CorruptionKind::Gaussian, true) => "sigma",
        _ => c.kind.level_name(),
    };
    format!("{} {name}={:.2}", c.kind.name(), c.level)
}
