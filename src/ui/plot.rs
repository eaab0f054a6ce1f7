//! Line plots of a few series into a rectangle: braille dots (2×4 a cell)
//! or, under `--ascii`, one character a cell. Used by the loss and ‖J‖ panes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::braille::BRAILLE;

/// One curve: its values (oldest first), colour and ASCII glyph.
pub struct Curve<'a> {
    pub values: &'a [f64],
    pub style: Style,
    pub glyph: char,
}

/// The finite (min, max) over all curves, widened when flat so a constant is drawn mid-height.
pub fn range(curves: &[Curve]) -> Option<(f64, f64)> {
    let finite = curves
        .iter()
        .flat_map(|c| c.values.iter().copied())
        .filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if lo > hi {
        return None;
    }
    let pad = if hi > lo {
        0.0
    } else {
        lo.abs().max(1.0) * 0.5
    };
    Some((lo - pad, hi + pad))
}

/// For each of `width` columns, the (low, high) rows (0 = bottom, of `height`)
/// the curve covers there, joined to the previous column so it reads as a line.
fn columns(
    values: &[f64],
    width: usize,
    height: usize,
    (lo, hi): (f64, f64),
) -> Vec<Option<(usize, usize)>> {
    let row = |v: f64| {
        (((v - lo) / (hi - lo)) * (height - 1) as f64)
            .round()
            .clamp(0.0, (height - 1) as f64) as usize
    };
    let mut out = vec![None; width];
    let n = values.len();
    let mut previous: Option<usize> = None;
    for (col, slot) in out.iter_mut().enumerate() {
        // The points that fall into this column (the last column gets the last point).
        let a = col * n / width;
        let b = ((col + 1) * n / width).max(a + 1).min(n);
        let rows: Vec<usize> = values[a.min(n)..b]
            .iter()
            .filter(|v| v.is_finite())
            .map(|&v| row(v))
            .collect();
        let (Some(&min), Some(&max)) = (rows.iter().min(), rows.iter().max()) else {
            continue;
        };
        let (min, max) = previous.map_or((min, max), |p| (min.min(p), max.max(p)));
        *slot = Some((min, max));
        previous = rows.last().copied();
    }
    out
}

/// Marks the columns where points `at` (indices into `n` points) fall, after
/// the curves are drawn: a `▾` on the top row and a dotted line through the
/// cells the curves left empty. Where the objective changed.
pub fn mark_columns(
    buf: &mut Buffer,
    area: Rect,
    at: &[usize],
    n: usize,
    style: Style,
    ascii: bool,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() || n == 0 {
        return;
    }
    let w = area.width as usize;
    for &i in at {
        // The same column `columns` puts point i in.
        let x = area.x + ((i * w) / n).min(w - 1) as u16;
        for y in area.top()..area.bottom() {
            let cell = &mut buf[(x, y)];
            if y == area.top() {
                cell.set_symbol(if ascii { "v" } else { "▾" })
                    .set_style(style);
            } else if cell.symbol() == " " {
                cell.set_symbol(if ascii { ":" } else { "┊" })
                    .set_style(style);
            }
        }
    }
}

/// Draws the curves into `area` over the value range `range`; later curves are drawn on top.
pub fn draw(buf: &mut Buffer, area: Rect, curves: &[Curve], range: (f64, f64), ascii: bool) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let (w, h) = (area.width as usize, area.height as usize);
    let (dx, dy) = if ascii { (1, 1) } else { (2, 4) };
    // Per cell: the braille mask of every curve, and the style of the last one there.
    let mut masks = vec![0usize; w * h];
    let mut styles: Vec<Option<(Style, char)>> = vec![None; w * h];
    for curve in curves {
        if curve.values.is_empty() {
            continue;
        }
        // Few points are spread over the width; many are squeezed into it (min to max a column).
        for (x, span) in columns(curve.values, w * dx, h * dy, range)
            .into_iter()
            .enumerate()
        {
            let Some((lo, hi)) = span else { continue };
            for r in lo..=hi {
                let top_row = h * dy - 1 - r;
                let cell = (top_row / dy) * w + x / dx;
                masks[cell] |= 1 << ((top_row % dy) * 2 + x % dx);
                styles[cell] = Some((curve.style, curve.glyph));
            }
        }
    }
    for (i, style) in styles.into_iter().enumerate() {
        let Some((style, glyph)) = style else {
            continue;
        };
        let (x, y) = (area.x + (i % w) as u16, area.y + (i / w) as u16);
        if let Some(cell) = buf.cell_mut((x, y)) {
            cell.set_char(if ascii {
                glyph
            } else {
                BRAILLE[masks[i] & 0xff]
            });
            cell.set_style(style);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_falling_line_starts_top_left_and_ends_bottom_right() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 2));
        let values = [3.0, 2.0, 1.0, 0.0];
        let curve = Curve {
            values: &values,
            style: Style::new(),
            glyph: '*',
        };
        let area = buf.area;
        draw(&mut buf, area, &[curve], (0.0, 3.0), true);
        assert_eq!(buf, Buffer::with_lines(["*** ", "  **"]));
    }

    #[test]
    fn flat_and_empty_curves_do_not_panic() {
        let values = [1.0; 10];
        let curve = Curve {
            values: &values,
            style: Style::new(),
            glyph: '*',
        };
        let r = range(std::slice::from_ref(&curve)).unwrap();
        for (w, h) in [(0, 0), (1, 1), (3, 1), (40, 5)] {
            let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
            let area = buf.area;
            draw(&mut buf, area, std::slice::from_ref(&curve), r, false);
            let area = buf.area;
            draw(
                &mut buf,
                area,
                &[Curve {
                    values: &[],
                    style: Style::new(),
                    glyph: '*',
                }],
                r,
                true,
            );
        }
        assert_eq!(range(&[]), None);
    }
}
