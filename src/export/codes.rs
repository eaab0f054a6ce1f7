//! The code space: each model's hidden codes of the first validation
//! samples on their first two principal components, a dot a sample,
//! coloured by label, with a legend of the colours.

use super::layout::{self, DIM, TEXT};
use crate::picture::{Canvas, text_width};
use crate::train::{ModelView, Snapshot};
use anyhow::{Result, bail};

/// The plot's side in pixels.
const PLOT: u32 = 360;
const DOT: f64 = 2.5;

fn panel(m: &ModelView) -> Canvas {
    let codes = &m.codes;
    let head = layout::line(2);
    let legend = if codes.labels.is_some() {
        layout::line(2) + 8
    } else {
        0
    };
    let axis = layout::line(1);
    let mut canvas = Canvas::new(PLOT + axis, head + PLOT + axis + legend, layout::BACKGROUND);
    canvas.text(0, 0, &layout::model_name(&m.config), TEXT, 2);
    let (x0, y0) = (i64::from(axis), i64::from(head));
    // The frame of the plot, and its axes' names.
    canvas.fill(x0, y0, PLOT, 1, DIM);
    canvas.fill(x0, y0 + i64::from(PLOT) - 1, PLOT, 1, DIM);
    canvas.fill(x0, y0, 1, PLOT, DIM);
    canvas.fill(x0 + i64::from(PLOT) - 1, y0, 1, PLOT, DIM);
    let below = y0 + i64::from(PLOT) + 4;
    canvas.text(
        x0 + i64::from(PLOT - text_width("PC1", 1)) / 2,
        below,
        "PC1",
        DIM,
        1,
    );
    for (k, c) in "PC2".chars().enumerate() {
        let y = y0 + i64::from(PLOT) / 2 - 12 + 9 * k as i64;
        canvas.text(0, y, &c.to_string(), DIM, 1);
    }
    let finite: Vec<(f64, f64)> = codes
        .pca
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    let range = |f: fn(&(f64, f64)) -> f64| {
        let lo = finite.iter().map(f).fold(f64::INFINITY, f64::min);
        let hi = finite.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
        (lo, if hi > lo { hi - lo } else { 1.0 })
    };
    let ((xl, xs), (yl, ys)) = (range(|p| p.0), range(|p| p.1));
    let inner = f64::from(PLOT) - 2.0 * (DOT + 4.0);
    let pad = DOT + 4.0;
    for (i, &(x, y)) in codes.pca.iter().enumerate() {
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        let color = codes
            .labels
            .as_ref()
            .and_then(|l| l.get(i))
            .map_or(TEXT, |&l| layout::label_color(l));
        let px = x0 as f64 + pad + (x - xl) / xs * inner;
        let py = y0 as f64 + pad + (1.0 - (y - yl) / ys) * inner;
        canvas.dot(px, py, DOT, color);
    }
    if let Some(labels) = &codes.labels {
        let y = below + i64::from(axis);
        let mut x = x0;
        for l in 0..=labels.iter().copied().max().unwrap_or(0).min(9) {
            canvas.dot(x as f64 + 6.0, y as f64 + 8.0, 5.0, layout::label_color(l));
            canvas.text(x + 14, y, &l.to_string(), TEXT, 2);
            x += 34;
        }
    }
    canvas
}

/// Every model's code space side by side.
pub fn draw(s: &Snapshot) -> Result<Canvas> {
    let Some(first) = s.models.first() else {
        bail!("--codes: the preset has no models");
    };
    if first.codes.pca.is_empty() {
        bail!("--codes: no validation samples to encode (data.validation = 0)");
    }
    let panels: Vec<Canvas> = s.models.iter().map(panel).collect();
    let subtitle = format!(
        "step {}: the codes of {} validation samples on their first two principal components",
        s.step,
        first.codes.pca.len()
    );
    Ok(layout::side_by_side("code space", &subtitle, &panels))
}
