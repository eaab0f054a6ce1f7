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
    let message = shortened(app.message(), area.width as usize, app.options().ascii);
    put(buf, area, area.x, area.y, &message, t.accent());
    let used = message.chars().count() as u16;
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

/// The message, or as much as fits and a visible "…": a cut message must
/// not read as a whole one.
fn shortened(message: &str, width: usize, ascii: bool) -> String {
    if message.chars().count() <= width {
        return message.to_string();
    }
    let mark = if ascii { "..." } else { "…" };
    let keep = width.saturating_sub(mark.chars().count());
    let mut out: String = message.chars().take(keep).collect();
    out.push_str(mark);
    out.chars().take(width).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_message_is_visibly_shortened() {
        assert_eq!(super::shortened("abcdef", 6, false), "abcdef");
        assert_eq!(super::shortened("abcdefg", 6, false), "abcde…");
        assert_eq!(super::shortened("abcdefg", 6, true), "abc...");
        assert_eq!(super::shortened("abcdefg", 1, false), "…");
    }
}
