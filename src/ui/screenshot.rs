//! `S` in the lab: the frame as text (colourless, as `aelab render` writes
//! it) and as a PNG with its colours, side by side under one timestamped
//! name. The message line is left out of the picture: it would only say
//! that a frame is being saved.

use super::app::App;
use super::{frame, frame_png, layout};
use crate::picture::{self, PictureError};
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};

/// Writes `aelab-frame-step<N>-<UTC time>.txt` and `.png` of the lab at
/// this size into `dir`; returns both paths.
pub fn save(app: &App, width: u16, height: u16, dir: &Path) -> Result<[PathBuf; 2], PictureError> {
    let step = app.snapshot().map_or(0, |s| s.step);
    let stem = dir.join(format!("aelab-frame-step{step}-{}", picture::timestamp()));
    let (text_path, png_path) = (stem.with_extension("txt"), stem.with_extension("png"));
    let text = frame::render_text(&app.for_text(), width, height);
    picture::write_atomic(&text_path, text.as_bytes())?;
    let buf = frame::render_buffer(app, width, height);
    let message = layout::compute(app, buf.area).message;
    // The message line is the bottom row; everything above it is the lab.
    let shown = Rect {
        height: message.y.min(height),
        ..buf.area
    };
    picture::save_png(&png_path, &frame_png::render(&buf, shown))?;
    Ok([text_path, png_path])
}
