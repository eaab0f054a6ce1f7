//! The bottom line: what the last key did, and where help is.

use super::{fit, put, theme};
use crate::ui::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// `hidden`: what the layout had no room for, said before the help hint
/// (whole notes only, when they fit beside the message).
pub fn render(app: &App, area: Rect, buf: &mut Buffer, hidden: &[&str]) {
    let t = theme(app);
    let hint = " ? help  q quit";
    put(buf, area, area.x, area.y, app.message(), t.accent());
    let used = app.message().chars().count() as u16;
    let hint_w = hint.len() as u16;
    if area.width > hint_w + used {
        put(buf, area, area.right() - hint_w, area.y, hint, t.dim());
        let notes: Vec<String> = hidden.iter().map(|h| format!(" [{h}]")).collect();
        let room = (area.width - hint_w - used).saturating_sub(1) as usize;
        let text = fit(&notes, room);
        let w = text.chars().count() as u16;
        put(
            buf,
            area,
            area.right() - hint_w - w,
            area.y,
            &text,
            t.warn(),
        );
    }
}
