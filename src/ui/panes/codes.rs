//! The code space: the validation samples' hidden codes as a scatter,
//! coloured by label, on two chosen units or the first two principal
//! components. Braille dots (2×4 a cell); under `--ascii` the label digit.

use super::{framed, framed_fit, model, put, theme, who};
use crate::train::Codes;
use crate::ui::app::{App, CodeAxes};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::braille::BRAILLE;

/// The 2-D points to plot, one per sample.
pub fn project(codes: &Codes, axes: CodeAxes) -> Vec<(f64, f64)> {
    let h = &codes.h;
    match axes {
        CodeAxes::Units(x, y) if x < h.ncols() && y < h.ncols() => h
            .rows()
            .into_iter()
            .map(|r| (f64::from(r[x]), f64::from(r[y])))
            .collect(),
        // Computed once per refresh of the codes, on the trainer's thread.
        _ => codes.pca.clone(),
    }
}

pub fn render(app: &App, index: usize, area: Rect, buf: &mut Buffer) {
    let t = theme(app);
    let Some(m) = model(app, index) else {
        framed(app, area, buf, "code space".into(), index);
        return;
    };
    let axes = match app.code_axes() {
        CodeAxes::Pca => "PC1 vs PC2".to_string(),
        CodeAxes::Units(x, y) => format!("unit {x} vs unit {y}"),
    };
    let pieces = [
        format!("code space {}", who(app, index)),
        format!(" {axes}"),
        format!(" ({} samples)", m.codes.h.nrows()),
    ];
    let inner = framed_fit(app, area, buf, &pieces, index);
    if inner.width < 2 || inner.height < 3 {
        return;
    }
    let labelled = m.codes.labels.is_some();
    let inner = if labelled {
        legend(app, inner, buf);
        Rect {
            height: inner.height - 1,
            ..inner
        }
    } else {
        inner
    };
    let points = project(&m.codes, app.code_axes());
    let Some((x_range, y_range)) = ranges(&points) else {
        return;
    };
    // Labelled samples are drawn as their digit (readable without colour),
    // one a cell; unlabelled ones as braille dots.
    let (dots_x, dots_y) = if t.ascii || labelled { (1, 1) } else { (2, 4) };
    let (w, h) = (
        inner.width as usize * dots_x,
        inner.height as usize * dots_y,
    );
    // Per cell: the braille bits set and the label drawn last.
    let mut bits = vec![0u8; inner.width as usize * inner.height as usize];
    let mut labels: Vec<Option<u8>> = vec![None; bits.len()];
    for (i, &(x, y)) in points.iter().enumerate() {
        let px = scale(x, x_range, w);
        let py = h - 1 - scale(y, y_range, h);
        let cell = (py / dots_y) * inner.width as usize + px / dots_x;
        bits[cell] |= braille_bit(px % dots_x, py % dots_y);
        labels[cell] = m
            .codes
            .labels
            .as_ref()
            .and_then(|l| l.get(i).copied())
            .or(labels[cell]);
    }
    for (cell, (&b, &label)) in bits.iter().zip(&labels).enumerate() {
        if b == 0 {
            continue;
        }
        let x = inner.x + (cell % inner.width as usize) as u16;
        let y = inner.y + (cell / inner.width as usize) as u16;
        let style = label
            .and_then(|l| t.label(l))
            .map_or(Style::new(), |c| Style::new().fg(c));
        let glyph = match label {
            Some(l) => char::from(b'0' + l % 10).to_string(),
            None if t.ascii => "*".to_string(),
            None => BRAILLE[b as usize].to_string(),
        };
        put(buf, inner, x, y, &glyph, style);
    }
}

/// The bottom row: each digit in its colour, so the colours can be read.
fn legend(app: &App, inner: Rect, buf: &mut Buffer) {
    let t = theme(app);
    let y = inner.bottom() - 1;
    put(buf, inner, inner.x, y, "label:", t.dim());
    for l in 0..10u8 {
        let style = t.label(l).map_or(Style::new(), |c| Style::new().fg(c));
        let x = inner.x + 7 + 2 * u16::from(l);
        put(buf, inner, x, y, &l.to_string(), style);
    }
}

fn ranges(points: &[(f64, f64)]) -> Option<((f64, f64), (f64, f64))> {
    let finite = points
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite());
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for &(x, y) in finite {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    (x0 <= x1 && y0 <= y1).then_some(((x0, x1), (y0, y1)))
}

/// The dot index in [0, n) of `v` in `range` (the middle when the range is flat or `v` is not finite).
fn scale(v: f64, (lo, hi): (f64, f64), n: usize) -> usize {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) || !v.is_finite() {
        return n / 2;
    }
    (((v - lo) / (hi - lo)) * (n - 1) as f64)
        .round()
        .clamp(0.0, (n - 1) as f64) as usize
}

/// The bit of dot (column, row) in a 2×4 braille cell, in the order of ratatui's BRAILLE table.
fn braille_bit(col: usize, row: usize) -> u8 {
    const BITS: [[u8; 2]; 4] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]];
    BITS[row.min(3)][col.min(1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_or_nan_values_land_mid_plot() {
        assert_eq!(scale(f64::NAN, (0.0, 1.0), 9), 4);
        assert_eq!(scale(3.0, (2.0, 2.0), 9), 4);
        assert_eq!(scale(1.0, (0.0, 1.0), 9), 8);
    }
}
