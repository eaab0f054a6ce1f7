//! One pane a file; each is a pure function of `&App` drawing into a Rect.
//! Small helpers they share live here.

pub mod codes;
pub mod filters;
pub mod help;
pub mod jacobian;
pub mod kl_dims;
pub mod latent;
pub mod legend;
pub mod loss;
pub mod message;
pub mod recon;
pub mod rho_hat;
pub mod status;

use super::app::App;
use super::theme::Theme;
use crate::model::{Corruption, CorruptionKind};
use crate::train::ModelView;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Widget};

/// Eighths of a cell, for bars finer than one row (ρ̂, KL per dimension).
pub const EIGHTHS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The model a column shows, if the trainer has reported it.
pub fn model(app: &App, index: usize) -> Option<&ModelView> {
    app.snapshot()?.models.get(index)
}

/// "vanilla", or "vanilla: sparse" once the model labelled vanilla runs
/// another variant: what a pane's title calls the model.
pub fn who(app: &App, index: usize) -> String {
    match app.config(index) {
        Some(c) if c.label == c.variant.name() => c.label.clone(),
        Some(c) => format!("{}: {}", c.label, c.variant.name()),
        None => String::new(),
    }
}

pub fn theme(app: &App) -> Theme {
    Theme::new(app.options())
}

/// Draws the pane's border and title; returns the inner area.
pub fn framed(app: &App, area: Rect, buf: &mut Buffer, title: String, index: usize) -> Rect {
    let area = area.intersection(buf.area);
    let block: Block = theme(app).block(title, index == app.focus());
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// The pieces that fit whole in `width` characters, in order; a piece that
/// does not fit is dropped with all after it, so nothing is cut mid-number.
pub fn fit(pieces: &[String], width: usize) -> String {
    let mut out = String::new();
    for piece in pieces {
        if out.chars().count() + piece.chars().count() > width {
            break;
        }
        out.push_str(piece);
    }
    out
}

/// `framed` with a title made of whole pieces that fit the border.
pub fn framed_fit(
    app: &App,
    area: Rect,
    buf: &mut Buffer,
    pieces: &[String],
    index: usize,
) -> Rect {
    let title = fit(pieces, area.width.saturating_sub(2) as usize);
    framed(app, area, buf, title, index)
}

/// Writes `text` into `area` word by word, line by line, as far as it fits;
/// returns the rows it took.
pub fn put_wrapped(buf: &mut Buffer, area: Rect, text: &str, style: Style) -> u16 {
    let width = area.width as usize;
    let mut line = String::new();
    let mut y = area.y;
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            put(buf, area, area.x, y, &line, style);
            y += 1;
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    put(buf, area, area.x, y, &line, style);
    y - area.y + 1
}

/// Writes `text` at (x, y), clipped to `area` and the buffer (set_stringn alone panics outside).
pub fn put(buf: &mut Buffer, area: Rect, x: u16, y: u16, text: &str, style: Style) {
    let area = area.intersection(buf.area);
    if x < area.x || y < area.y || x >= area.right() || y >= area.bottom() {
        return;
    }
    buf.set_stringn(x, y, text, (area.right() - x) as usize, style);
}

/// "mask q=0.30", "gaussian σ=0.10", "none": a corruption as every pane and
/// message names it.
pub fn corruption_text(c: &Corruption, ascii: bool) -> String {
    let name = match (c.kind, ascii) {
        (CorruptionKind::None, _) => return "none".into(),
        (CorruptionKind::Gaussian, true) => "sigma",
        (kind, _) => kind.level_name(),
    };
    format!("{} {name}={:.2}", c.kind.name(), c.level)
}

/// A number in at most 8 characters: plain in [0.001, 10⁴), scientific otherwise.
pub fn num(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 {
        "0".into()
    } else if !v.is_finite() {
        format!("{v}")
    } else if (0.001..10_000.0).contains(&a) {
        // Three significant digits below 1 (0.0196, not 0.02), four above.
        let magnitude = a.log10().floor();
        let digits = if magnitude < 0.0 {
            (2.0 - magnitude) as usize
        } else {
            3usize.saturating_sub(magnitude as usize)
        };
        let text = format!("{v:.digits$}");
        // 3.000 → 3, 0.050 → 0.05: settings read better without padding zeros.
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.')
        } else {
            &text
        };
        text.to_string()
    } else {
        format!("{v:.2e}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_stay_short() {
        assert_eq!(super::num(0.123456), "0.123");
        assert_eq!(super::num(123.456), "123.5");
        assert_eq!(super::num(1.5e-5), "1.50e-5");
        assert_eq!(super::num(0.0), "0");
        assert_eq!(super::num(3.0), "3");
        assert_eq!(super::num(0.05), "0.05");
        assert_eq!(super::num(0.019_64), "0.0196");
        assert_eq!(super::num(0.009_08), "0.00908");
    }
}
