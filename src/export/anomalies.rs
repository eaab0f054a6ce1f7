//! The worst reconstructed samples of `aelab anomalies`: for each model a
//! grid of (sample | its reconstruction) pairs, worst first, each captioned
//! with its rank, error and class; abnormal ones in red, normal in green.

use super::layout::{self, DIM, GAP, MARGIN, TEXT};
use crate::analysis::anomaly::Flagged;
use crate::picture::{Canvas, Rgb, text_width};
use crate::ui::raster::clamp01;

/// Pairs per row of a model's grid.
const COLUMNS: usize = 4;
const ABNORMAL: Rgb = [240, 96, 84];
const NORMAL: Rgb = [110, 200, 120];

/// The caption's second line and its colour: class and whether abnormal.
pub fn verdict(f: &Flagged) -> (String, Rgb) {
    let class = f.label.map_or_else(String::new, |l| format!("{l} "));
    match f.abnormal {
        Some(true) => (format!("{class}abnormal"), ABNORMAL),
        Some(false) => (format!("{class}normal"), NORMAL),
        None => (class.trim_end().to_string(), DIM),
    }
}

/// Each sample's two caption lines: "#rank error" and its `verdict`.
pub fn captions(worst: &[Flagged]) -> Vec<[String; 2]> {
    worst
        .iter()
        .enumerate()
        .map(|(i, f)| [format!("#{} {:.4}", i + 1, f.error), verdict(f).0])
        .collect()
}

/// One panel a model: (its name, its worst samples, worst first), images of `shape`.
pub fn draw(
    title: &str,
    subtitle: &str,
    models: &[(String, Vec<Flagged>)],
    shape: (usize, usize),
) -> Canvas {
    let panels: Vec<Canvas> = models
        .iter()
        .map(|(name, worst)| panel(name, worst, shape))
        .collect();
    layout::side_by_side(title, subtitle, &panels)
}

fn panel(name: &str, worst: &[Flagged], shape: (usize, usize)) -> Canvas {
    let (tw, th) = layout::tile_size(shape);
    let scale = layout::tile_scale(shape);
    let captions = captions(worst);
    let widest = captions
        .iter()
        .flatten()
        .map(|c| text_width(c, 1))
        .max()
        .unwrap_or(0);
    let cell_w = (2 * tw + GAP).max(widest) + MARGIN;
    let cell_h = th + 2 * layout::line(1) + MARGIN / 2;
    let rows = worst.len().div_ceil(COLUMNS);
    let columns = worst.len().clamp(1, COLUMNS) as u32;
    let head = layout::line(1) + GAP;
    let width = (columns * cell_w).max(text_width(name, 1));
    let mut canvas = Canvas::new(width, head + rows as u32 * cell_h, layout::BACKGROUND);
    canvas.text(0, 0, name, TEXT, 1);
    for (i, (f, caption)) in worst.iter().zip(&captions).enumerate() {
        let x = i64::from((i % COLUMNS) as u32 * cell_w);
        let y = i64::from(head + (i / COLUMNS) as u32 * cell_h);
        canvas.grey(x, y, &clamp01(&f.input), shape, scale);
        canvas.grey(x + i64::from(tw + GAP), y, &clamp01(&f.recon), shape, scale);
        let below = y + i64::from(th + GAP);
        canvas.text(x, below, &caption[0], DIM, 1);
        let color = verdict(f).1;
        canvas.text(x, below + i64::from(layout::line(1)), &caption[1], color, 1);
    }
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flagged(abnormal: Option<bool>, label: Option<u8>) -> Flagged {
        Flagged {
            error: 0.5,
            label,
            abnormal,
            input: vec![1.0; 4],
            recon: vec![0.0; 4],
        }
    }

    #[test]
    fn captions_say_class_and_verdict() {
        assert_eq!(verdict(&flagged(Some(true), Some(7))).0, "7 abnormal");
        assert_eq!(verdict(&flagged(Some(false), None)).0, "normal");
        assert_eq!(verdict(&flagged(None, Some(3))).0, "3");
    }

    #[test]
    fn a_grid_holds_every_pair() {
        let worst: Vec<Flagged> = (0..6).map(|_| flagged(Some(true), Some(1))).collect();
        let canvas = draw("t", "s", &[("m".into(), worst)], (2, 2));
        // Two rows of pairs under the titles; the first input tile is white.
        assert!(canvas.width() > 4 * 2 * 2 && canvas.height() > 2 * 2);
        let one = draw("t", "s", &[("m".into(), vec![flagged(None, None)])], (2, 2));
        assert!(one.width() < canvas.width() || one.height() < canvas.height());
    }
}
