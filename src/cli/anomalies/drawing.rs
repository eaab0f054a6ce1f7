//! The worst samples of `aelab anomalies` in the terminal: (sample |
//! reconstruction) pairs through the lab's raster, captioned with rank,
//! error and class (abnormal in red, normal in green).

use crate::analysis::anomaly::Flagged;
use crate::export::anomalies::captions;
use crate::ui::raster;
use crate::ui::theme::Theme;
use crate::ui::{ColorDepth, DrawMode, UiOptions};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::io::IsTerminal;

/// Each tile at most this many cells (wide, tall): 28x28 digits at half size.
const TILE: (u16, u16) = (14, 7);
/// Columns when standard output is not a terminal.
const WIDTH: u16 = 100;

/// Pairs of (sample | reconstruction), as many a row as the terminal holds,
/// each captioned with its rank, error and class. Half-blocks in grey on a
/// colour terminal; ASCII shading with `--ascii`, without colours or when
/// standard output is not a terminal.
pub fn lines(worst: &[Flagged], shape: (usize, usize), ascii: bool) -> Vec<String> {
    let terminal = std::io::stdout().is_terminal();
    let mut options = UiOptions::detect(ascii);
    if !terminal {
        options = UiOptions {
            ascii: true,
            colors: ColorDepth::None,
        };
    }
    let theme = Theme::new(options);
    let width = match crossterm::terminal::size() {
        Ok((w, _)) if terminal => w,
        _ => WIDTH,
    };
    let mode = DrawMode::HalfBlocks;
    let (tw, th) = raster::tile_size(shape, mode, TILE);
    let captions = captions(worst);
    let widest = captions
        .iter()
        .flatten()
        .map(|c| c.len())
        .max()
        .unwrap_or(0) as u16;
    let cell_w = (2 * tw + 1).max(widest) + 3;
    let per_row = (width / cell_w).max(1) as usize;
    let cell_h = th + 3;
    let rows = worst.len().div_ceil(per_row) as u16;
    let mut buf = Buffer::empty(Rect::new(0, 0, cell_w * per_row as u16, rows * cell_h));
    for (i, (f, caption)) in worst.iter().zip(&captions).enumerate() {
        let x = (i % per_row) as u16 * cell_w;
        let y = (i / per_row) as u16 * cell_h;
        let tile = |dx| Rect::new(x + dx, y, tw, th);
        raster::draw(
            &mut buf,
            tile(0),
            &raster::clamp01(&f.input),
            shape,
            mode,
            &theme,
        );
        raster::draw(
            &mut buf,
            tile(tw + 1),
            &raster::clamp01(&f.recon),
            shape,
            mode,
            &theme,
        );
        buf.set_string(x, y + th, &caption[0], theme.dim());
        let style = match f.abnormal {
            Some(true) => theme.warn(),
            Some(false) => theme.good(),
            None => theme.dim(),
        };
        buf.set_string(x, y + th + 1, &caption[1], style);
    }
    if options.colors == ColorDepth::None {
        crate::ui::frame::buffer_text(&buf)
            .lines()
            .map(str::to_string)
            .collect()
    } else {
        ansi_lines(&buf)
    }
}

/// A buffer's rows with their colours as ANSI escapes, for printing.
fn ansi_lines(buf: &Buffer) -> Vec<String> {
    use ratatui::backend::IntoCrossterm;
    use ratatui::crossterm::style::{Color, Stylize};
    let width = buf.area.width as usize;
    buf.content
        .chunks(width.max(1))
        .map(|row| {
            row.iter()
                .map(|cell| {
                    let (fg, bg): (Color, Color) =
                        (cell.fg.into_crossterm(), cell.bg.into_crossterm());
                    match (fg, bg) {
                        (Color::Reset, Color::Reset) => cell.symbol().to_string(),
                        _ => cell.symbol().with(fg).on(bg).to_string(),
                    }
                })
                .collect::<String>()
        })
        .collect()
}
