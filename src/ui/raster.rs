//! Pixels → terminal cells. A grey image (rows × cols, values in [0, 1]) is
//! resampled to the tile's pixel grid and drawn as half-blocks (2 pixels a
//! cell, in colour), braille (2×4 dots a cell) or an ASCII shading ramp.

use super::app::DrawMode;
use super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::braille::BRAILLE;

/// Darkest to brightest; one pixel pair per cell.
pub const ASCII_RAMP: &[u8] = b" .:-=+*#%@";

/// Signed values (filters) to [0, 1] with 0 at mid-grey, scaled on the
/// `live` inputs only (those that vary in the data; the others are drawn
/// mid-grey): MNIST's border pixels are almost always 0, so nothing holds
/// their weights, and with Adam they grow until they set the grey scale and
/// the stroke in the middle vanishes. Full scale is `CONTRAST_RMS`
/// root-mean-squares (or max|v| if smaller), so a few extreme weights among
/// the live ones cannot flatten the rest either.
pub fn normalise_signed(values: &[f32], live: &[bool]) -> Vec<f32> {
    let counts = |i: usize| live.get(i).copied().unwrap_or(true);
    let finite = || {
        values
            .iter()
            .enumerate()
            .filter(|&(i, v)| counts(i) && v.is_finite())
            .map(|(_, v)| v)
    };
    let max = finite().fold(0.0f32, |m, v| m.max(v.abs()));
    let count = finite().count().max(1) as f32;
    let rms = (finite().map(|v| v * v).sum::<f32>() / count).sqrt();
    let full = max.min(CONTRAST_RMS * rms);
    let scale = if full > 0.0 { 0.5 / full } else { 0.0 };
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if counts(i) && v.is_finite() {
                (0.5 + v * scale).clamp(0.0, 1.0)
            } else {
                0.5
            }
        })
        .collect()
}

/// How many RMS of a filter map to full black or white.
const CONTRAST_RMS: f32 = 2.5;

/// Data (pixels meant to be in [0, 1]) clamped there; noise may push them out.
pub fn clamp01(values: &[f32]) -> Vec<f32> {
    values
        .iter()
        .map(|v| {
            if v.is_finite() {
                v.clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect()
}

/// Pixels per cell (columns, rows) of a drawing mode. ASCII cells are about
/// twice as tall as wide, so one cell shades a vertical pair.
pub fn pixels_per_cell(mode: DrawMode) -> (usize, usize) {
    match mode {
        DrawMode::HalfBlocks | DrawMode::Ascii => (1, 2),
        DrawMode::Braille => (2, 4),
    }
}

/// The tile (width, height) in cells for an image of `shape` (rows, cols):
/// natural size, shrunk by one factor to fit within `max` cells.
pub fn tile_size(shape: (usize, usize), mode: DrawMode, max: (u16, u16)) -> (u16, u16) {
    let (pw, ph) = pixels_per_cell(mode);
    let w = shape.1.div_ceil(pw).max(1) as f64;
    let h = shape.0.div_ceil(ph).max(1) as f64;
    let k = (w / f64::from(max.0.max(1)))
        .max(h / f64::from(max.1.max(1)))
        .max(1.0);
    ((w / k).ceil() as u16, (h / k).ceil() as u16)
}

/// The largest tile (width, height) in cells inside `room` that shows an
/// image of `shape` undistorted, growing it past one pixel a dot if need be.
pub fn fit_tile(shape: (usize, usize), mode: DrawMode, room: (u16, u16)) -> (u16, u16) {
    let (pw, ph) = pixels_per_cell(mode);
    let (w, h) = (shape.1 as f64 / pw as f64, shape.0 as f64 / ph as f64);
    let k = (f64::from(room.0) / w.max(1e-9)).min(f64::from(room.1) / h.max(1e-9));
    (
        ((w * k).floor() as u16).clamp(1, room.0.max(1)),
        ((h * k).floor() as u16).clamp(1, room.1.max(1)),
    )
}

/// Box-averages (or repeats, when growing) `pixels` (rows × cols) to out_rows × out_cols.
pub fn resample(pixels: &[f32], shape: (usize, usize), out: (usize, usize)) -> Vec<f32> {
    let (rows, cols) = shape;
    if rows * cols == 0 || pixels.len() < rows * cols {
        return vec![0.0; out.0 * out.1];
    }
    let span = |i: usize, n: usize, m: usize| {
        let lo = i * n / m;
        (lo, ((i + 1) * n / m).max(lo + 1).min(n))
    };
    let mut result = Vec::with_capacity(out.0 * out.1);
    for r in 0..out.0 {
        let (r0, r1) = span(r, rows, out.0);
        for c in 0..out.1 {
            let (c0, c1) = span(c, cols, out.1);
            let sum: f32 = (r0..r1)
                .flat_map(|y| &pixels[y * cols + c0..y * cols + c1])
                .sum();
            result.push(sum / ((r1 - r0) * (c1 - c0)) as f32);
        }
    }
    result
}

/// Draws `pixels` (rows × cols, in [0, 1]) into the tile `at`, clipped to the buffer.
pub fn draw(
    buf: &mut Buffer,
    at: Rect,
    pixels: &[f32],
    shape: (usize, usize),
    mode: DrawMode,
    theme: &Theme,
) {
    let at = at.intersection(buf.area);
    if at.is_empty() {
        return;
    }
    // Half-blocks carry the image in colour; without colour fall back to glyph shading.
    let mode = match (mode, theme.grey(0.0), theme.ascii) {
        (_, _, true) => DrawMode::Ascii,
        (DrawMode::HalfBlocks, None, _) => DrawMode::Ascii,
        (m, _, _) => m,
    };
    let (pw, ph) = pixels_per_cell(mode);
    let (w, h) = (at.width as usize, at.height as usize);
    let (pr, pc) = (h * ph, w * pw);
    let img = resample(pixels, shape, (pr, pc));
    let mean = img.iter().sum::<f32>() / img.len().max(1) as f32;
    let px = |x: usize, y: usize| img[y * pc + x];
    for cy in 0..h {
        for cx in 0..w {
            let Some(cell) = buf.cell_mut((at.x + cx as u16, at.y + cy as u16)) else {
                continue;
            };
            match mode {
                DrawMode::HalfBlocks => {
                    cell.set_char('▀');
                    if let Some(fg) = theme.grey(px(cx, 2 * cy)) {
                        cell.set_fg(fg);
                    }
                    if let Some(bg) = theme.grey(px(cx, 2 * cy + 1)) {
                        cell.set_bg(bg);
                    }
                }
                DrawMode::Braille => {
                    // BRAILLE is indexed by a row-major 2×4 dot mask: bit = row * 2 + column.
                    let mut mask = 0usize;
                    for dy in 0..4 {
                        for dx in 0..2 {
                            if px(2 * cx + dx, 4 * cy + dy) > mean {
                                mask |= 1 << (dy * 2 + dx);
                            }
                        }
                    }
                    cell.set_char(BRAILLE[mask]);
                }
                DrawMode::Ascii => {
                    let v = (px(cx, 2 * cy) + px(cx, 2 * cy + 1)) / 2.0;
                    let i = (v.clamp(0.0, 1.0) * (ASCII_RAMP.len() - 1) as f32).round() as usize;
                    cell.set_char(ASCII_RAMP[i] as char);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::options::{ColorDepth, UiOptions};
    use ratatui::style::Color;

    fn theme(colors: ColorDepth, ascii: bool) -> Theme {
        Theme::new(UiOptions { ascii, colors })
    }

    #[test]
    fn half_blocks_put_the_top_pixel_in_fg_and_the_bottom_in_bg() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 2, 1));
        let pixels = [0.0, 1.0, 1.0, 0.0]; // 2 × 2
        let area = buf.area;
        draw(
            &mut buf,
            area,
            &pixels,
            (2, 2),
            DrawMode::HalfBlocks,
            &theme(ColorDepth::Ansi256, false),
        );
        assert_eq!(buf[(0, 0)].symbol(), "▀");
        assert_eq!(
            (buf[(0, 0)].fg, buf[(0, 0)].bg),
            (Color::Indexed(232), Color::Indexed(255))
        );
        assert_eq!(
            (buf[(1, 0)].fg, buf[(1, 0)].bg),
            (Color::Indexed(255), Color::Indexed(232))
        );
    }

    #[test]
    fn braille_sets_the_dots_brighter_than_the_mean() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 1, 1));
        let pixels = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]; // 4 × 2: top-left and bottom-right
        let area = buf.area;
        draw(
            &mut buf,
            area,
            &pixels,
            (4, 2),
            DrawMode::Braille,
            &theme(ColorDepth::None, false),
        );
        assert_eq!(buf[(0, 0)].symbol(), "⢁");
    }

    #[test]
    fn ascii_ramp_runs_from_blank_to_at_sign_and_stays_ascii() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 2, 1));
        let area = buf.area;
        draw(
            &mut buf,
            area,
            &[0.0, 1.0, 0.0, 1.0],
            (2, 2),
            DrawMode::HalfBlocks,
            &theme(ColorDepth::Ansi256, true),
        );
        assert_eq!((buf[(0, 0)].symbol(), buf[(1, 0)].symbol()), (" ", "@"));
    }

    #[test]
    fn tiles_shrink_to_fit_and_resampling_averages() {
        assert_eq!(tile_size((28, 28), DrawMode::HalfBlocks, (14, 7)), (14, 7));
        assert_eq!(tile_size((28, 28), DrawMode::Braille, (14, 7)), (14, 7));
        assert_eq!(tile_size((8, 8), DrawMode::HalfBlocks, (14, 7)), (8, 4));
        assert_eq!(resample(&[0.0, 1.0, 1.0, 0.0], (2, 2), (1, 1)), vec![0.5]);
        assert_eq!(
            normalise_signed(&[-2.0, 0.0, 1.0], &[]),
            vec![0.0, 0.5, 0.75]
        );
        // A dead input is mid-grey and does not set the scale.
        assert_eq!(
            normalise_signed(&[-2.0, 0.0, 1.0, 90.0], &[true, true, true, false]),
            vec![0.0, 0.5, 0.75, 0.5]
        );
    }
}
