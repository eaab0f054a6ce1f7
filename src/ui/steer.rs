//! The keys that change a model's settings: each becomes typed changes,
//! computed by `settings::rules` from what the user sees (the last snapshot
//! with every change still on its way folded in), so a burst of keys builds
//! on itself and none is lost.

use super::action::Action;
use super::panes::corruption_text;
use crate::model::CorruptionKind;
use crate::optim::OptimizerKind;
use crate::settings::{Change, Context, ModelConfig, rules};

/// The changes a settings action asks of `config`, and the message-line
/// text; `None` if `action` is not a settings action.
pub fn steer(
    action: Action,
    config: &ModelConfig,
    ctx: &Context,
    ascii: bool,
) -> Option<(Vec<Change>, String)> {
    let label = &config.label;
    let changes = match action {
        Action::NextVariant | Action::PrevVariant => {
            let forward = action == Action::NextVariant;
            return Some(match rules::next_variant(config, forward, ctx) {
                Some(v) => (
                    vec![Change::Variant(v)],
                    format!("variant {} (model {label})", v.name()),
                ),
                None => (Vec::new(), format!("no other variant fits model {label}")),
            });
        }
        Action::CorruptionUp | Action::CorruptionDown => {
            rules::level_step(config.corrupt, action == Action::CorruptionUp)
        }
        Action::NextCorruptionKind => vec![rules::next_kind(config.corrupt)],
        Action::LrDown | Action::LrUp => {
            let change = rules::lr_step(config.lr, action == Action::LrUp);
            let lr = match change {
                Some(Change::Lr(lr)) => lr,
                _ => config.lr,
            };
            let bound = if change.is_none() { " (its bound)" } else { "" };
            // Kept for a switch to a first-order optimiser, but said to be unused.
            let unused = if config.optimizer == OptimizerKind::Lbfgs {
                ", unused by L-BFGS's line search"
            } else {
                ""
            };
            return Some((
                change.into_iter().collect(),
                format!("learning rate {lr:.2e}{bound} (model {label}{unused})"),
            ));
        }
        _ => return None,
    };
    // The message says what the corruption will be once the changes are made.
    let after = changes.iter().fold(config.clone(), |c, &ch| {
        rules::apply(&c, ch, ctx).unwrap_or(c)
    });
    let limit = if changes.is_empty() && after.corrupt.kind != CorruptionKind::None {
        " (its bound)"
    } else {
        ""
    };
    Some((
        changes,
        format!(
            "corruption {}{limit} (model {label})",
            corruption_text(&after.corrupt, ascii)
        ),
    ))
}
