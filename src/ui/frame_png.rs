//! A frame as a picture: every cell of a ratatui `Buffer` drawn as 8 × 16
//! pixels in its colours, so a PNG of the lab looks like the terminal did.
//! Glyphs come from the bitmap font scaled twice in height (half-blocks
//! `▀▄` thus become two coloured pixels high, box lines join); braille is
//! drawn as its dots. Default colours are those of a dark terminal.

use crate::picture::{Canvas, Rgb, font};
use image::RgbImage;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

/// A cell's size in pixels: a terminal cell is about twice as tall as wide.
pub const CELL: (u32, u32) = (8, 16);
/// The terminal's own colours, for cells that keep the default (`Reset`).
const DEFAULT_FG: Rgb = [204, 204, 204];
const DEFAULT_BG: Rgb = [16, 16, 16];

/// The cells of `area` (clipped to the buffer) as a picture.
pub fn render(buf: &Buffer, area: Rect) -> RgbImage {
    let area = area.intersection(buf.area);
    let (cw, ch) = CELL;
    let mut canvas = Canvas::new(
        u32::from(area.width) * cw,
        u32::from(area.height) * ch,
        DEFAULT_BG,
    );
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &buf[(x, y)];
            let (mut fg, mut bg) = (rgb(cell.fg, DEFAULT_FG), rgb(cell.bg, DEFAULT_BG));
            if cell.modifier.contains(Modifier::REVERSED) {
                std::mem::swap(&mut fg, &mut bg);
            }
            let px = i64::from(x - area.x) * i64::from(cw);
            let py = i64::from(y - area.y) * i64::from(ch);
            canvas.fill(px, py, cw, ch, bg);
            draw_symbol(&mut canvas, (px, py), cell.symbol(), fg);
        }
    }
    canvas.into_image()
}

/// One cell's symbol: braille as dots, anything else in the font; a
/// combining circumflex (ρ̂) as a small hat above its letter.
fn draw_symbol(canvas: &mut Canvas, (px, py): (i64, i64), symbol: &str, fg: Rgb) {
    for c in symbol.chars() {
        if let Some(mask) = braille_mask(c) {
            for (bit, (col, row)) in BRAILLE_DOTS.iter().enumerate() {
                if mask >> bit & 1 == 1 {
                    canvas.fill(px + 1 + 4 * col, py + 1 + 4 * row, 2, 2, fg);
                }
            }
        } else if c == '\u{0302}' {
            canvas.fill(px + 3, py, 2, 1, fg);
            canvas.fill(px + 2, py + 1, 1, 1, fg);
            canvas.fill(px + 5, py + 1, 1, 1, fg);
        } else if !font::is_combining(c) {
            canvas.glyph(px, py, c, fg, (1, 2));
        }
    }
}

/// The dot bits of a braille character (U+2800 + bits).
fn braille_mask(c: char) -> Option<u8> {
    let code = u32::from(c);
    (0x2800..=0x28ff)
        .contains(&code)
        .then(|| (code - 0x2800) as u8)
}

/// (column, row) of braille dots 1–8, in the bit order of the Unicode block.
const BRAILLE_DOTS: [(i64, i64); 8] = [
    (0, 0),
    (0, 1),
    (0, 2),
    (1, 0),
    (1, 1),
    (1, 2),
    (0, 3),
    (1, 3),
];

/// The xterm values of the 16 named colours, in index order.
const ANSI16: [Rgb; 16] = [
    [0, 0, 0],
    [205, 0, 0],
    [0, 205, 0],
    [205, 205, 0],
    [0, 0, 238],
    [205, 0, 205],
    [0, 205, 205],
    [229, 229, 229],
    [127, 127, 127],
    [255, 0, 0],
    [0, 255, 0],
    [255, 255, 0],
    [92, 92, 255],
    [255, 0, 255],
    [0, 255, 255],
    [255, 255, 255],
];

/// A terminal colour as RGB, as xterm shows it; `Reset` is `default`.
pub fn rgb(color: Color, default: Rgb) -> Rgb {
    match color {
        Color::Reset => default,
        Color::Rgb(r, g, b) => [r, g, b],
        Color::Indexed(i) => indexed(i),
        Color::Black => ANSI16[0],
        Color::Red => ANSI16[1],
        Color::Green => ANSI16[2],
        Color::Yellow => ANSI16[3],
        Color::Blue => ANSI16[4],
        Color::Magenta => ANSI16[5],
        Color::Cyan => ANSI16[6],
        Color::Gray => ANSI16[7],
        Color::DarkGray => ANSI16[8],
        Color::LightRed => ANSI16[9],
        Color::LightGreen => ANSI16[10],
        Color::LightYellow => ANSI16[11],
        Color::LightBlue => ANSI16[12],
        Color::LightMagenta => ANSI16[13],
        Color::LightCyan => ANSI16[14],
        Color::White => ANSI16[15],
    }
}

/// The xterm 256-colour palette: 16 named, a 6×6×6 cube, 24 greys.
fn indexed(i: u8) -> Rgb {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match i {
        0..=15 => ANSI16[i as usize],
        16..=231 => {
            let k = i - 16;
            [
                LEVELS[(k / 36) as usize],
                LEVELS[(k / 6 % 6) as usize],
                LEVELS[(k % 6) as usize],
            ]
        }
        _ => [8 + 10 * (i - 232); 3],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;

    #[test]
    fn palette_matches_xterm() {
        assert_eq!(indexed(232), [8; 3]);
        assert_eq!(indexed(255), [238; 3]);
        assert_eq!(indexed(196), [255, 0, 0]);
        assert_eq!(rgb(Color::Reset, [1, 2, 3]), [1, 2, 3]);
    }

    /// A half-block cell is its fg colour on top and its bg colour below;
    /// a braille cell has ink only at its dots.
    #[test]
    fn half_blocks_are_two_pixels_high_and_braille_is_dots() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 2, 1));
        buf[(0, 0)].set_char('▀').set_style(
            Style::new()
                .fg(Color::Rgb(250, 0, 0))
                .bg(Color::Rgb(0, 0, 250)),
        );
        buf[(1, 0)].set_char('⠁'); // dot 1 only
        let img = render(&buf, buf.area);
        assert_eq!((img.width(), img.height()), (16, 16));
        assert_eq!(img.get_pixel(3, 2).0, [250, 0, 0]);
        assert_eq!(img.get_pixel(3, 12).0, [0, 0, 250]);
        assert_eq!(img.get_pixel(8 + 1, 1).0, DEFAULT_FG);
        assert_eq!(img.get_pixel(8 + 5, 1).0, DEFAULT_BG);
        assert_eq!(img.get_pixel(8 + 1, 13).0, DEFAULT_BG);
    }
}
