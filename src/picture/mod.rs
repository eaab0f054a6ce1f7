//! Pictures as files: an RGB canvas to draw on (`canvas.rs`), the bitmap
//! font its text is drawn in (`font.rs`), and PNGs written atomically
//! (`file.rs`). Nothing here knows about training or the terminal: the lab's
//! frame (`ui::frame_png`) and `aelab export` both draw through it.

mod canvas;
mod file;
pub mod font;

pub use canvas::{Canvas, GLYPH, Rgb, text_width};
pub use file::{PictureError, save_png, timestamp, write_atomic};
