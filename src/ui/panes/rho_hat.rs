//! Histogram of the hidden units' mean activations ρ̂_j over [0, 1], with the
//! sparsity target ρ marked when the KL penalty is on.

use super::{EIGHTHS, framed, model, num, put, put_wrapped, theme};
use crate::model::Activation;
use crate::ui::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// Counts of `values` in `bins` equal bins over [0, 1] (out-of-range values go to the end bins).
pub fn histogram(values: &[f32], bins: usize) -> Vec<usize> {
    let mut counts = vec![0; bins];
    if bins == 0 {
        return counts;
    }
    for v in values.iter().filter(|v| v.is_finite()) {
        let b = (v.clamp(0.0, 1.0) * bins as f32) as usize;
        counts[b.min(bins - 1)] += 1;
    }
    counts
}

pub fn render(app: &App, index: usize, area: Rect, buf: &mut Buffer) {
    let t = theme(app);
    let m = model(app, index);
    let rho = app
        .config(index)
        .and_then(|c| c.penalties.sparsity)
        .map(|s| s.rho);
    let name = t.sym("ρ̂", "rho-hat");
    let target = rho.map_or(String::new(), |r| {
        format!(" {}={}", t.sym("ρ", "rho"), num(r))
    });
    // A linear autoencoder's pane holds the lecture's result instead of ρ̂.
    let title = match m.and_then(|m| m.pca.as_ref()) {
        Some(_) => "AE vs PCA".to_string(),
        None => format!("{name}{target}"),
    };
    let inner = framed(app, area, buf, title, index);
    let Some(m) = m else { return };
    if let Some(p) = m.pca {
        // The lecture's result, live: a linear autoencoder's error meets PCA's.
        let lines = [
            format!("k = {} (training set)", p.k),
            format!("AE  {} {}", t.sym("‖x−x̂‖²", "|x-x_hat|^2"), num(p.ae_error)),
            format!(
                "PCA {} {}",
                t.sym("‖x−x̂‖²", "|x-x_hat|^2"),
                num(p.pca_error)
            ),
            format!("subspace min cos {}", num(p.min_cos)),
            "(mean over samples; L = half of AE's)".to_string(),
        ];
        for (i, line) in lines.iter().enumerate() {
            put(
                buf,
                inner,
                inner.x,
                inner.y + i as u16,
                line,
                t.title(false),
            );
        }
        return;
    }
    let encoder = app.config(index).map(|c| c.encoder);
    if matches!(encoder, Some(Activation::Relu | Activation::Linear)) {
        // A mean activation on [0, 1] means nothing for unbounded codes.
        let text = format!(
            "{name} is for codes in (0, 1); {} codes are unbounded",
            encoder.map_or("", |e| e.name())
        );
        put_wrapped(buf, inner, &text, t.dim());
        return;
    }
    if inner.height < 2 || inner.width < 2 {
        return;
    }
    let bins = inner.width as usize;
    let counts = histogram(&m.rho_hat, bins);
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let bar_rows = inner.height - 1;
    let target_bin = rho.map(|r| ((r.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1));
    for (b, &count) in counts.iter().enumerate() {
        let style = if Some(b) == target_bin {
            t.accent()
        } else {
            t.title(false)
        };
        // Bar height in eighths of a row.
        let eighths = (count * bar_rows as usize * 8).div_ceil(max);
        for r in 0..bar_rows as usize {
            let fill = eighths.saturating_sub(r * 8).min(8);
            if fill == 0 {
                break;
            }
            let glyph = if t.ascii {
                "#".to_string()
            } else {
                EIGHTHS[fill - 1].to_string()
            };
            let y = inner.y + bar_rows - 1 - r as u16;
            put(buf, inner, inner.x + b as u16, y, &glyph, style);
        }
    }
    let axis_y = inner.bottom() - 1;
    let mean = m.rho_hat.iter().sum::<f32>() / m.rho_hat.len().max(1) as f32;
    put(buf, inner, inner.x, axis_y, "0", t.dim());
    let mean_text = format!("mean {}", num(mean.into()));
    if inner.width as usize > mean_text.len() + 4 {
        put(
            buf,
            inner,
            inner.x + (inner.width - mean_text.len() as u16) / 2,
            axis_y,
            &mean_text,
            t.dim(),
        );
    }
    put(buf, inner, inner.right() - 1, axis_y, "1", t.dim());
    if let Some(b) = target_bin {
        put(buf, inner, inner.x + b as u16, axis_y, "^", t.accent());
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn histogram_counts_every_unit_once() {
        let counts = super::histogram(&[0.0, 0.05, 0.5, 0.99, 1.0, 1.5, -1.0, f32::NAN], 4);
        assert_eq!(counts, vec![3, 0, 1, 3]);
    }
}
