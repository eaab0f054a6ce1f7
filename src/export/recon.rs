//! Reconstructions: a few validation samples as originals | corrupted |
//! each model's reconstruction, one sample a row. Every model repairs the
//! same corrupted copies (the `eval.corrupt` draw), as in the lab.

use super::layout::{self, DIM, GAP, MARGIN, TEXT};
use crate::picture::{Canvas, text_width};
use crate::train::Snapshot;
use crate::ui::panes::corruption_text;
use crate::ui::panes::filters::shape_for;
use crate::ui::raster::clamp01;
use ndarray::Array2;

pub fn draw(s: &Snapshot) -> Canvas {
    let Some(first) = s.models.first() else {
        return layout::side_by_side("no models", "", &[]);
    };
    let r = &first.recon;
    let shape = shape_for(s.image_shape, r.original.ncols());
    let corrupted = if s.eval_corrupt.is_identity() {
        "input (uncorrupted)".to_string()
    } else {
        corruption_text(&s.eval_corrupt, false)
    };
    let mut columns: Vec<(String, &Array2<f32>)> =
        vec![("original".into(), &r.original), (corrupted, &r.corrupted)];
    for m in &s.models {
        columns.push((m.config.label.clone(), &m.recon.reconstructed));
    }
    let samples = columns.iter().map(|(_, a)| a.nrows()).min().unwrap_or(0);
    let (tw, th) = layout::tile_size(shape);
    // A column is as wide as its tile or its caption, whichever is wider.
    let widths: Vec<u32> = columns
        .iter()
        .map(|(caption, _)| tw.max(text_width(caption, 1)))
        .collect();
    let label_w = text_width("0", 2) + MARGIN / 2;
    let head = layout::line(1);
    let width = label_w + widths.iter().sum::<u32>() + MARGIN * (widths.len() as u32 - 1);
    let height = head + samples as u32 * (th + GAP);
    let mut canvas = Canvas::new(width, height.max(head), layout::BACKGROUND);
    let mut x = label_w;
    for ((caption, images), &w) in columns.iter().zip(&widths) {
        canvas.text(i64::from(x), 0, caption, DIM, 1);
        for i in 0..samples {
            let y = head + i as u32 * (th + GAP);
            let pixels = clamp01(&images.row(i).to_vec());
            canvas.grey(
                i64::from(x),
                i64::from(y),
                &pixels,
                shape,
                layout::tile_scale(shape),
            );
        }
        x += w + MARGIN;
    }
    if let Some(labels) = &r.labels {
        for (i, l) in labels.iter().take(samples).enumerate() {
            let y = head + i as u32 * (th + GAP) + th.saturating_sub(16) / 2;
            canvas.text(0, i64::from(y), &l.to_string(), TEXT, 2);
        }
    }
    let subtitle = format!(
        "step {}, {}: the first validation samples",
        s.step, s.dataset
    );
    layout::side_by_side("reconstructions", &subtitle, &[canvas])
}
