//! A whole frame: every pane drawn into a Buffer, and the Buffer as text
//! (for `aelab render`, screenshots and the snapshot tests).

use super::app::App;
use super::app::HelpPage;
use super::layout::{self, Panes};
use super::panes::{
    codes, filters, help, jacobian, kl_dims, latent, legend, loss, message, recon, rho_hat, status,
};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// Lays the panes out for a `width` × `height` terminal and tells the app
/// the filter grid it will show (for paging); computed once a frame.
pub fn fit(app: &mut App, width: u16, height: u16) -> Panes {
    let panes = layout::compute(app, Rect::new(0, 0, width, height));
    if let Some(grid) = layout::filter_grid(app, &panes) {
        app.set_grid(grid);
    }
    panes
}

/// Draws the lab into `area` of `buf`, laid out anew.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    draw_panes(app, &layout::compute(app, area), area, buf);
}

/// Draws the lab laid out as `panes` into `area` of `buf`; what `run` hands to `terminal.draw`.
pub fn draw_panes(app: &App, panes: &Panes, area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    status::render(app, panes.status, buf);
    for c in &panes.columns {
        // Collapsed panes have empty Rects: skip them rather than draw a lone border.
        let visible = |r: ratatui::layout::Rect| !r.is_empty();
        if visible(c.loss) {
            loss::render(app, c.model, c.loss, buf);
        }
        let vae = app.config(c.model).is_some_and(|m| m.is_vae());
        if visible(c.rho_hat) && vae {
            kl_dims::render(app, c.model, c.rho_hat, buf);
        } else if visible(c.rho_hat) {
            rho_hat::render(app, c.model, c.rho_hat, buf);
        }
        if visible(c.jacobian) {
            jacobian::render(app, c.model, c.jacobian, buf);
        }
        if visible(c.filters) && app.codes_shown() {
            codes::render(app, c.model, c.filters, buf);
        } else if visible(c.filters) && vae {
            latent::render(app, c.model, c.filters, buf, c.tile_max);
        } else if visible(c.filters) {
            filters::render(app, c.model, c.filters, buf, c.tile_max);
        }
        if visible(c.recon) {
            recon::render(app, c.model, c.recon, buf, c.tile_max);
        }
    }
    message::render(app, panes.message, buf, &panes.hidden);
    match app.help_page() {
        Some(HelpPage::Keys) => help::render(app, area, buf),
        Some(HelpPage::Labels) => legend::render(app, area, buf),
        None => {}
    }
}

/// The frame the TUI would show at this size.
pub fn render_buffer(app: &App, width: u16, height: u16) -> Buffer {
    let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
    draw(app, buf.area, &mut buf);
    buf
}

/// The frame as text: one line a row, trailing blanks trimmed.
pub fn render_text(app: &App, width: u16, height: u16) -> String {
    buffer_text(&render_buffer(app, width, height))
}

/// A Buffer's symbols, one line a row (wide glyphs' hidden cells skipped).
pub fn buffer_text(buf: &Buffer) -> String {
    let width = buf.area.width as usize;
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    for row in buf.content.chunks(width) {
        let mut line = String::new();
        let mut skip = 0;
        for cell in row {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(cell.symbol());
            skip = unicode_width(cell.symbol()).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The frame's text followed by its colours, one line a row of runs
/// `fg/bg[+modifiers]*count` (`.` = default colour, numbers = 256-colour
/// indices). Compact enough to store whole frames, and it keeps the filter
/// images, which live in the colours.
pub fn buffer_dump(buf: &Buffer) -> String {
    let mut out = buffer_text(buf);
    out.push_str("-- styles: fg/bg[+modifiers]*count per row --\n");
    let width = buf.area.width as usize;
    for (y, row) in buf.content.chunks(width.max(1)).enumerate() {
        let mut runs: Vec<(String, usize)> = Vec::new();
        for cell in row {
            let mut key = format!("{}/{}", color(cell.fg), color(cell.bg));
            if !cell.modifier.is_empty() {
                key.push_str(
                    &format!("+{:?}", cell.modifier)
                        .to_lowercase()
                        .replace(' ', ""),
                );
            }
            match runs.last_mut() {
                Some((last, n)) if *last == key => *n += 1,
                _ => runs.push((key, 1)),
            }
        }
        let runs: Vec<String> = runs
            .into_iter()
            .map(|(k, n)| if n == 1 { k } else { format!("{k}*{n}") })
            .collect();
        out.push_str(&format!("{y}: {}\n", runs.join(" ")));
    }
    out
}

fn color(c: ratatui::style::Color) -> String {
    use ratatui::style::Color;
    match c {
        Color::Reset => ".".into(),
        Color::Indexed(i) => i.to_string(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        named => format!("{named:?}").to_lowercase(),
    }
}

/// Every glyph we draw is one column wide except CJK-like wide ones ratatui marks by width.
fn unicode_width(symbol: &str) -> usize {
    ratatui::text::Span::raw(symbol).width()
}
