//! What every exported picture shares: its colours, titles, the size of an
//! image tile, and panels (one a model) set side by side.

use crate::picture::{Canvas, GLYPH, Rgb, text_width};

pub const BACKGROUND: Rgb = [24, 24, 24];
pub const TEXT: Rgb = [230, 230, 230];
pub const DIM: Rgb = [150, 150, 150];
/// Space around a picture and between its panels.
pub const MARGIN: u32 = 16;
/// Space between image tiles (the lab's one-cell gap).
pub const GAP: u32 = 2;
/// Tiles are drawn about this many pixels on their longer side.
const TILE: usize = 56;
/// The height of a line of text at `scale`, with its spacing.
pub fn line(scale: u32) -> u32 {
    GLYPH * scale + 4 * scale
}

/// The colour of class `label`: a categorical palette (matplotlib's tab10)
/// whose ten colours stay apart on a dark ground, unlike the terminal's
/// sixteen, where red and light red look alike.
pub fn label_color(label: u8) -> Rgb {
    const TAB10: [Rgb; 10] = [
        [31, 119, 180],
        [255, 127, 14],
        [44, 160, 44],
        [214, 39, 40],
        [148, 103, 189],
        [140, 86, 75],
        [227, 119, 194],
        [127, 127, 127],
        [188, 189, 34],
        [23, 190, 207],
    ];
    TAB10[label as usize % TAB10.len()]
}

/// A model's name: its label, and its variant when that differs.
pub fn model_name(config: &crate::settings::ModelConfig) -> String {
    let variant = config.variant.name();
    if config.label == variant {
        config.label.clone()
    } else {
        format!("{}: {variant}", config.label)
    }
}

/// Pixels of the canvas per image pixel (x, y) for a tile of `shape` (rows,
/// cols): square pixels scaled to about `TILE`; a row of values (non-image
/// data) becomes a strip a few pixels tall.
pub fn tile_scale(shape: (usize, usize)) -> (u32, u32) {
    let (rows, cols) = shape;
    if rows <= 1 {
        let sx = (TILE * 2 / cols.max(1)).max(1) as u32;
        return (sx, 12);
    }
    let s = (TILE / rows.max(cols)).max(1) as u32;
    (s, s)
}

/// A tile's size in canvas pixels.
pub fn tile_size(shape: (usize, usize)) -> (u32, u32) {
    let (sx, sy) = tile_scale(shape);
    (shape.1 as u32 * sx, shape.0 as u32 * sy)
}

/// Titled panels side by side on one canvas, tops aligned; `title` above
/// all in large letters, `subtitle` (what data, which step) beneath it.
pub fn side_by_side(title: &str, subtitle: &str, panels: &[Canvas]) -> Canvas {
    let width = panels.iter().map(Canvas::width).sum::<u32>() + MARGIN * (panels.len() as u32 + 1);
    let width = width
        .max(text_width(title, 2) + 2 * MARGIN)
        .max(text_width(subtitle, 1) + 2 * MARGIN);
    let top = MARGIN + line(2) + line(1) + MARGIN / 2;
    let height = top + panels.iter().map(Canvas::height).max().unwrap_or(0) + MARGIN;
    let mut canvas = Canvas::new(width, height, BACKGROUND);
    canvas.text(i64::from(MARGIN), i64::from(MARGIN), title, TEXT, 2);
    let below = i64::from(MARGIN + line(2));
    canvas.text(i64::from(MARGIN), below, subtitle, DIM, 1);
    let mut x = MARGIN;
    for panel in panels {
        canvas.paste(panel, i64::from(x), i64::from(top));
        x += panel.width() + MARGIN;
    }
    canvas
}
