//! A page of learned filters W1[j] / ‖W1[j]‖, each reshaped to the image
//! shape and drawn as a small picture, with a cursor on one unit whose
//! numbers (ρ̂_j, ‖W1[j]‖, mean |∂h_j/∂x|) are shown beneath.

use super::{fit, framed, framed_fit, model, num, put, theme, who};
use crate::ui::app::{App, DrawMode};
use crate::ui::raster;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// The grid area inside the pane: inside the border, above the info line.
fn grid_area(area: Rect) -> Rect {
    let inner = Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    }
}

/// A tile's (width, height) in cells: at most `tile_max`, and small
/// enough that one whole tile fits the grid area, so that a short pane
/// shrinks its tiles rather than cutting them out of shape.
fn tile(g: Rect, shape: (usize, usize), mode: DrawMode, tile_max: (u16, u16)) -> (u16, u16) {
    let room = (
        tile_max.0.min(g.width.saturating_sub(1)),
        tile_max.1.min(g.height),
    );
    raster::tile_size(shape, mode, room)
}

/// (columns, rows) of tiles that fit in the pane `area`. Each tile has a
/// one-cell gap on its left (where the cursor mark goes) and one below.
pub fn grid(
    area: Rect,
    shape: (usize, usize),
    mode: DrawMode,
    tile_max: (u16, u16),
) -> (usize, usize) {
    let g = grid_area(area);
    let (w, h) = tile(g, shape, mode, tile_max);
    (
        (g.width / (w + 1)) as usize,
        ((g.height + 1) / (h + 1)) as usize,
    )
}

/// The image shape a filter row of `len` values is drawn in.
pub fn shape_for(shape: (usize, usize), len: usize) -> (usize, usize) {
    if shape.0 * shape.1 == len {
        shape
    } else {
        (1, len)
    }
}

pub fn render(app: &App, index: usize, area: Rect, buf: &mut Buffer, tile_max: (u16, u16)) {
    let t = theme(app);
    let Some(m) = model(app, index) else {
        framed(app, area, buf, "filters".into(), index);
        return;
    };
    let hidden = m.filters.nrows();
    let shape = shape_for(
        app.snapshot().map_or((1, 1), |s| s.image_shape),
        m.filters.ncols(),
    );
    let (cols, rows) = grid(area, shape, app.draw_mode(), tile_max);
    let per_page = (cols * rows).max(1);
    let cursor = app.cursor().min(hidden.saturating_sub(1));
    let first = cursor / per_page * per_page;
    let last = (first + per_page).min(hidden);
    let pages = if app.zoomed() {
        format!(" unit {cursor}/{hidden}")
    } else {
        format!(" {}-{}/{}", first, last.saturating_sub(1), hidden)
    };
    let pieces = [
        format!("filters {}", who(app, index)),
        m.locality
            .map_or(String::new(), |l| format!(" locality {}", num(l.into()))),
        pages,
        format!(" [{}]", app.draw_mode().name()),
    ];
    let inner = framed_fit(app, area, buf, &pieces, index);
    if hidden == 0 || inner.is_empty() {
        return;
    }
    let g = grid_area(area);
    let live = app.snapshot().map_or(&[][..], |s| &s.live_inputs[..]);
    let pixels = |j: usize| raster::normalise_signed(&m.filters.row(j).to_vec(), live);
    if app.zoomed() {
        // The cursor's filter as large as the pane allows, centred.
        let (w, h) = raster::fit_tile(shape, app.draw_mode(), (g.width, g.height));
        // A tile is never smaller than one glyph: in a sliver of a pane it is cut.
        let at = Rect::new(
            g.x + g.width.saturating_sub(w) / 2,
            g.y + g.height.saturating_sub(h) / 2,
            w,
            h,
        )
        .intersection(g);
        raster::draw(buf, at, &pixels(cursor), shape, app.draw_mode(), &t);
    } else {
        let (w, h) = tile(g, shape, app.draw_mode(), tile_max);
        for j in first..last {
            let k = j - first;
            let x = g.x + (k % cols.max(1)) as u16 * (w + 1) + 1;
            let y = g.y + (k / cols.max(1)) as u16 * (h + 1);
            let tile = Rect::new(x, y, w, h).intersection(g);
            raster::draw(buf, tile, &pixels(j), shape, app.draw_mode(), &t);
            if j == cursor {
                for dy in 0..h {
                    put(buf, g, x - 1, y + dy, ">", t.accent());
                }
            }
        }
    }
    let value = |v: Option<&f32>| v.map_or("-".into(), |&v| num(v.into()));
    let info = [
        format!("unit {cursor}"),
        format!("  {}={}", t.sym("ρ̂", "rho"), value(m.rho_hat.get(cursor))),
        format!(
            "  {}={}",
            t.sym("‖W1‖", "|W1|"),
            value(m.filter_norms.get(cursor))
        ),
        format!(
            "  {}={}",
            t.sym("|∂h/∂x|", "|dh/dx|"),
            value(m.sensitivity.get(cursor))
        ),
    ];
    put(
        buf,
        inner,
        inner.x,
        inner.bottom().saturating_sub(1),
        &fit(&info, inner.width as usize),
        t.title(false),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pane two rows short of a whole 8x4 tile shrinks its tiles, in
    /// proportion, instead of drawing one tile cut to the rows it has.
    #[test]
    fn a_short_pane_shrinks_its_tiles_in_proportion() {
        let (area, mnist) = (Rect::new(0, 0, 60, 5), (28, 28));
        let g = grid_area(area);
        assert_eq!((g.width, g.height), (58, 2));
        // Half-blocks: a cell is one pixel wide and two tall, so 28x28 is
        // 28x14 cells at full size, and 4x2 shrunk to fit two rows.
        assert_eq!(tile(g, mnist, DrawMode::HalfBlocks, (8, 4)), (4, 2));
        assert_eq!(grid(area, mnist, DrawMode::HalfBlocks, (8, 4)), (11, 1));
        // With room, tiles keep the layout's size.
        let tall = Rect::new(0, 0, 60, 12);
        assert_eq!(
            tile(grid_area(tall), mnist, DrawMode::HalfBlocks, (8, 4)),
            (8, 4)
        );
    }
}
