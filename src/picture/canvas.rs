//! An RGB canvas: filled rectangles, grey images scaled by whole pixels,
//! lines, dots and text in the bitmap font; everything clipped to the canvas.

use super::font;
use image::RgbImage;

pub type Rgb = [u8; 3];

pub struct Canvas {
    image: RgbImage,
}

/// Width of one glyph of the bitmap font, in pixels at scale 1.
pub const GLYPH: u32 = 8;

impl Canvas {
    pub fn new(width: u32, height: u32, background: Rgb) -> Canvas {
        Canvas {
            image: RgbImage::from_pixel(width.max(1), height.max(1), image::Rgb(background)),
        }
    }

    pub fn width(&self) -> u32 {
        self.image.width()
    }

    pub fn height(&self) -> u32 {
        self.image.height()
    }

    pub fn into_image(self) -> RgbImage {
        self.image
    }

    /// Copies `other` onto this canvas with its top left at (x, y), clipped.
    pub fn paste(&mut self, other: &Canvas, x: i64, y: i64) {
        image::imageops::replace(&mut self.image, &other.image, x, y);
    }

    /// The colour at (x, y), if inside.
    pub fn at(&self, x: u32, y: u32) -> Option<Rgb> {
        (x < self.width() && y < self.height()).then(|| self.image.get_pixel(x, y).0)
    }

    /// Sets one pixel; outside the canvas, nothing.
    pub fn put(&mut self, x: i64, y: i64, color: Rgb) {
        if x >= 0 && y >= 0 && (x as u32) < self.width() && (y as u32) < self.height() {
            self.image.put_pixel(x as u32, y as u32, image::Rgb(color));
        }
    }

    pub fn fill(&mut self, x: i64, y: i64, width: u32, height: u32, color: Rgb) {
        for dy in 0..i64::from(height) {
            for dx in 0..i64::from(width) {
                self.put(x + dx, y + dy, color);
            }
        }
    }

    /// A grey image (rows × cols, values in [0, 1], 0 black) at (x, y), each
    /// pixel `sx` × `sy` canvas pixels.
    pub fn grey(
        &mut self,
        x: i64,
        y: i64,
        pixels: &[f32],
        shape: (usize, usize),
        (sx, sy): (u32, u32),
    ) {
        let (rows, cols) = shape;
        for r in 0..rows {
            for c in 0..cols {
                let v = pixels.get(r * cols + c).copied().unwrap_or(0.0);
                let g = if v.is_finite() {
                    (v.clamp(0.0, 1.0) * 255.0).round() as u8
                } else {
                    0
                };
                let (px, py) = (x + c as i64 * i64::from(sx), y + r as i64 * i64::from(sy));
                self.fill(px, py, sx, sy, [g; 3]);
            }
        }
    }

    /// One glyph, each font pixel `sx` × `sy` canvas pixels.
    pub fn glyph(&mut self, x: i64, y: i64, c: char, color: Rgb, (sx, sy): (u32, u32)) {
        for (row, bits) in font::glyph(c).iter().enumerate() {
            for col in 0..8 {
                if bits >> col & 1 == 1 {
                    let (px, py) = (x + col * i64::from(sx), y + row as i64 * i64::from(sy));
                    self.fill(px, py, sx, sy, color);
                }
            }
        }
    }

    /// `text` from (x, y) (its top left) at a whole-pixel `scale`; returns its width.
    pub fn text(&mut self, x: i64, y: i64, text: &str, color: Rgb, scale: u32) -> u32 {
        let mut at = x;
        for c in text.chars().filter(|&c| !font::is_combining(c)) {
            self.glyph(at, y, c, color, (scale, scale));
            at += i64::from(GLYPH * scale);
        }
        text_width(text, scale)
    }

    /// A straight line `thickness` pixels wide (a square pen), endpoints included.
    pub fn line(&mut self, from: (f64, f64), to: (f64, f64), color: Rgb, thickness: u32) {
        let steps = (to.0 - from.0)
            .abs()
            .max((to.1 - from.1).abs())
            .ceil()
            .max(1.0) as usize;
        let half = i64::from(thickness) / 2;
        for i in 0..=steps {
            let t = i as f64 / steps as f64;
            let x = (from.0 + t * (to.0 - from.0)).round() as i64;
            let y = (from.1 + t * (to.1 - from.1)).round() as i64;
            self.fill(x - half, y - half, thickness, thickness, color);
        }
    }

    /// A filled disc of `radius` pixels centred on (x, y).
    pub fn dot(&mut self, x: f64, y: f64, radius: f64, color: Rgb) {
        let r = radius.ceil() as i64;
        let (cx, cy) = (x.round() as i64, y.round() as i64);
        for dy in -r..=r {
            for dx in -r..=r {
                if ((dx * dx + dy * dy) as f64) <= radius * radius {
                    self.put(cx + dx, cy + dy, color);
                }
            }
        }
    }
}

/// The width of `text` in pixels at `scale`.
pub fn text_width(text: &str, scale: u32) -> u32 {
    text.chars().filter(|&c| !font::is_combining(c)).count() as u32 * GLYPH * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawing_is_clipped_and_grey_pixels_are_scaled() {
        let mut c = Canvas::new(4, 4, [0, 0, 0]);
        c.fill(-2, -2, 100, 3, [9, 9, 9]);
        c.grey(2, 2, &[1.0, 0.5, 0.0, f32::NAN], (2, 2), (1, 1));
        c.line((0.0, 3.0), (-5.0, 3.0), [1, 2, 3], 1);
        let img = c.into_image();
        assert_eq!(img.get_pixel(3, 0).0, [9, 9, 9]);
        assert_eq!(img.get_pixel(2, 2).0, [255; 3]);
        assert_eq!(img.get_pixel(3, 2).0, [128; 3]);
        assert_eq!(img.get_pixel(3, 3).0, [0; 3]);
        assert_eq!(img.get_pixel(0, 3).0, [1, 2, 3]);
        assert_eq!(text_width("ρ\u{302}ab", 2), 48);
    }
}
