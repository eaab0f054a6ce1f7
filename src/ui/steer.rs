//! The keys that change a model's settings: each becomes typed changes,
//! computed by `settings::rules` from what the user sees (the last snapshot
//! with every change still on its way folded in), so a burst of keys builds
//! on itself and none is lost.

use super::action::Action;
use super::panes::corruption_text;
use super::panes::status::penalties_text;
use super::theme::Theme;
use crate::model::CorruptionKind;
use crate::settings::{Change, Context, ModelConfig, rules};

/// The changes a settings action asks of `config`, and the message-line
/// text; `None` if `action` is not a settings action.
pub fn steer(
    action: Action,
    config: &ModelConfig,
    ctx: &Context,
    theme: &Theme,
) -> Option<(Vec<Change>, String)> {
    let label = &config.label;
    let changes = match action {
        Action::NextVariant | Action::PrevVariant => {
            let forward = action == Action::NextVariant;
            return Some(match rules::next_variant(config, forward, ctx) {
                Some(v) => {
                    let also = rules::apply(config, Change::Variant(v), ctx)
                        .map_or(String::new(), |after| brought(config, &after, theme));
                    (
                        vec![Change::Variant(v)],
                        format!("variant {} (model {label}){also}", v.name()),
                    )
                }
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
            let unused = if !config.optimizer.takes_lr() {
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
            corruption_text(&after.corrupt, theme.ascii)
        ),
    ))
}

/// What a variant's lecture defaults changed besides the variant, as the
/// model line shows it (`: corrupt mask q=0.25, no penalty, untied`), so
/// that a dropped tie, penalty or new corruption is not a surprise.
fn brought(before: &ModelConfig, after: &ModelConfig, theme: &Theme) -> String {
    let corrupt = |c: &ModelConfig| format!("corrupt {}", corruption_text(&c.corrupt, theme.ascii));
    let penalties = |c: &ModelConfig| penalties_text(c, theme);
    let mut parts: Vec<String> = [corrupt(before), penalties(before)]
        .into_iter()
        .zip([corrupt(after), penalties(after)])
        .filter(|(was, now)| was != now)
        .map(|(_, now)| now)
        .collect();
    if after.tied != before.tied {
        parts.push(if after.tied { "tied" } else { "untied" }.to_string());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, Loss, Variant};
    use crate::optim::OptimizerKind;

    /// The demo's tied vanilla model: `v` makes it denoising, and the
    /// message says the variant's defaults masked it and dropped the tie.
    #[test]
    fn a_variant_key_says_what_its_defaults_changed() {
        let d = Variant::Vanilla.defaults();
        let config = ModelConfig {
            label: "vanilla".into(),
            variant: Variant::Vanilla,
            hidden: 8,
            encoder: Activation::Sigmoid,
            decoder: Activation::Sigmoid,
            tied: true,
            loss: Loss::Mse,
            penalties: d.penalties,
            corrupt: d.corrupt,
            optimizer: OptimizerKind::Adam,
            lr: 1e-2,
            latent: 0,
            kl_warmup: 0,
        };
        let ctx = Context {
            shared_batches: true,
            targets_in_unit_interval: true,
        };
        let theme = Theme::new(crate::ui::options::UiOptions::default());
        let (changes, message) = steer(Action::NextVariant, &config, &ctx, &theme).unwrap();
        assert_eq!(changes, vec![Change::Variant(Variant::Denoising)]);
        assert_eq!(
            message,
            "variant denoising (model vanilla): corrupt mask q=0.25, untied"
        );
    }
}
