//! The bottom line: what the last key did, and where help is.

use super::{put, theme};
use crate::ui::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = theme(app);
    let hint = " ? help  q quit";
    put(buf, area, area.x, area.y, app.message(), t.accent());
    let hint_w = hint.len() as u16;
    if area.width > hint_w + app.message().chars().count() as u16 {
        put(buf, area, area.right() - hint_w, area.y, hint, t.dim());
    }
}
