//! A VAE's KL(q(z_k|x) ‖ N(0, 1)) per latent dimension k, on validation
//! samples, in place of the ρ̂ histogram: a dimension near 0 is unused (its
//! posterior is the prior), so the bars say how many the model really uses.

use super::latent::{ACTIVE_KL, active};
use super::{EIGHTHS, framed_fit, model, num, put, theme, who};
use crate::ui::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub fn render(app: &App, index: usize, area: Rect, buf: &mut Buffer) {
    let t = theme(app);
    let v = model(app, index).and_then(|m| m.vae.as_deref());
    let pieces = [
        "KL per latent dim".to_string(),
        v.map_or(String::new(), |v| {
            format!(": {} of {} > {ACTIVE_KL}", active(v), v.kl_per_dim.len())
        }),
        format!(" {}", who(app, index)),
    ];
    let inner = framed_fit(app, area, buf, &pieces, index);
    let Some(v) = v else { return };
    if inner.height < 2 || inner.width == 0 {
        return;
    }
    let kl = &v.kl_per_dim;
    let max = kl.iter().copied().fold(0.0f32, f32::max);
    let label = format!("max {} nats", num(max.into()));
    put(buf, inner, inner.x, inner.y, &label, t.dim());
    let rows = inner.height - 1;
    let bar_w = (inner.width as usize / kl.len().max(1)).clamp(1, 3) as u16;
    let shown = (inner.width / bar_w) as usize;
    for (k, &value) in kl.iter().take(shown).enumerate() {
        let eighths = if max > 0.0 {
            (value / max * f32::from(rows) * 8.0).round() as u16
        } else {
            0
        };
        let style = if value > ACTIVE_KL {
            t.series(1)
        } else {
            t.dim()
        };
        for r in 0..rows {
            let filled = eighths.saturating_sub(r * 8).min(8);
            let glyph = match (filled, t.ascii) {
                (0, _) => continue,
                (_, true) => '#',
                (f, false) => EIGHTHS[f as usize - 1],
            };
            for dx in 0..bar_w.saturating_sub(u16::from(bar_w > 1)).max(1) {
                let x = inner.x + k as u16 * bar_w + dx;
                put(
                    buf,
                    inner,
                    x,
                    inner.bottom() - 1 - r,
                    &glyph.to_string(),
                    style,
                );
            }
        }
    }
}
