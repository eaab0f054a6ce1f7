//! The `?` overlay: every KEYMAP row, in two columns when one is too tall.

use super::put;
use crate::ui::app::App;
use crate::ui::keys::{KEYMAP, label};
use crate::ui::layout::centered;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Widget};

/// Key column width: "Ctrl-c" and "Right" fit.
const KEY_W: usize = 7;
/// One column: key, two spaces, help (≤ 29 chars), so two columns fit in 80.
const COLUMN_W: u16 = 38;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = Theme::new(app.options());
    let rows = KEYMAP.len() as u16;
    let one_column = area.height >= rows + 2;
    let (w, h) = if one_column {
        (COLUMN_W + 2, rows + 2)
    } else {
        (2 * COLUMN_W + 3, rows.div_ceil(2) + 2)
    };
    let overlay = centered(area.intersection(buf.area), w, h);
    Clear.render(overlay, buf);
    let title = "keys (Esc closes)".to_string();
    let block = t.block(title, true);
    let inner = block.inner(overlay);
    block.render(overlay, buf);
    let per_column = if one_column { rows } else { rows.div_ceil(2) };
    for (i, binding) in KEYMAP.iter().enumerate() {
        let (col, row) = (i as u16 / per_column, i as u16 % per_column);
        let x = inner.x + col * (COLUMN_W + 1);
        let text = format!("{:>KEY_W$}  {}", label(binding), binding.help);
        put(buf, inner, x, inner.y + row, &text, t.title(false));
    }
}
