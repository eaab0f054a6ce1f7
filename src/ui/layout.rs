//! Rect → pane rects. The status lines sit on top, the message line at the
//! bottom, and one column per model between them (only the focused model's
//! when the columns would be too narrow). Panes collapse as space shrinks, in
//! the order ρ̂/‖J‖ and reconstructions first, loss and filters last. Plain
//! saturating arithmetic, so no size (0x0 included) can panic.

use super::app::App;
use super::panes::filters;
use ratatui::layout::Rect;

/// Narrower columns than this show too little; show the focused model alone.
const MIN_COLUMN_WIDTH: u16 = 34;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Panes {
    pub status: Rect,
    pub message: Rect,
    pub columns: Vec<Column>,
    /// What the terminal is too small to show, said on the message line.
    pub hidden: Vec<&'static str>,
}

/// The panes of one model; an empty Rect means the pane is collapsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Column {
    pub model: usize,
    pub loss: Rect,
    pub rho_hat: Rect,
    pub jacobian: Rect,
    pub filters: Rect,
    pub recon: Rect,
    /// The largest image tile (width, height) in cells that filters and reconstructions use.
    pub tile_max: (u16, u16),
}

pub fn compute(app: &App, area: Rect) -> Panes {
    let models = app.snapshot().map_or(0, |s| s.models.len());
    let mut rest = area;
    let message = take_bottom(&mut rest, 1);
    let status_h = if rest.height >= 8 {
        1 + models as u16
    } else {
        1
    };
    let status = take_top(&mut rest, status_h);
    let fit = (rest.width / MIN_COLUMN_WIDTH.max(1)) as usize;
    let shown: Vec<usize> = if models <= fit {
        (0..models).collect()
    } else if models > 0 {
        vec![app.focus()]
    } else {
        vec![]
    };
    let mut columns = Vec::new();
    if rest.height >= 5 {
        let n = shown.len().max(1) as u16;
        for (i, &model) in shown.iter().enumerate() {
            // The last column takes the remainder of the division.
            let x = rest.x + rest.width / n * i as u16;
            let w = if i as u16 + 1 == n {
                rest.right() - x
            } else {
                rest.width / n
            };
            columns.push(column(model, Rect::new(x, rest.y, w, rest.height)));
        }
    }
    let mut hidden = Vec::new();
    if shown.len() < models {
        hidden.push("one model shown (Tab: next)");
    }
    if columns.iter().any(|c| c.recon.is_empty()) {
        hidden.push("reconstructions hidden");
    }
    Panes {
        status,
        message,
        columns,
        hidden,
    }
}

fn column(model: usize, area: Rect) -> Column {
    let tile_max = if area.width >= 90 && area.height >= 40 {
        (14, 7)
    } else if area.height >= 30 {
        (8, 4)
    } else {
        (7, 4)
    };
    let mut rest = area;
    let top_h = match rest.height {
        30.. => 12,
        16.. => 8,
        _ => rest.height.min(6),
    };
    let top = take_top(&mut rest, top_h);
    let (loss, rho_hat, jacobian) = if area.height >= 16 {
        let loss_w = top.width * 55 / 100;
        let loss = Rect {
            width: loss_w,
            ..top
        };
        let right = Rect {
            x: top.x + loss_w,
            width: top.width - loss_w,
            ..top
        };
        let rho_h = right.height.div_ceil(2);
        let rho = Rect {
            height: rho_h,
            ..right
        };
        let jac = Rect {
            y: right.y + rho_h,
            height: right.height - rho_h,
            ..right
        };
        (loss, rho, jac)
    } else {
        (top, Rect::default(), Rect::default())
    };
    // A reconstruction row needs one tile, its border and its caption; filters keep as much again.
    let recon_h = tile_max.1 + 3;
    let recon = if rest.height >= 2 * recon_h + 2 {
        take_bottom(&mut rest, recon_h)
    } else {
        Rect::default()
    };
    Column {
        model,
        loss,
        rho_hat,
        jacobian,
        filters: rest,
        recon,
        tile_max,
    }
}

/// The filter grid (columns, rows) the focused model's column shows.
pub fn filter_grid(app: &App, panes: &Panes) -> Option<(usize, usize)> {
    let column = panes.columns.iter().find(|c| c.model == app.focus())?;
    let shape = app.snapshot()?.image_shape;
    Some(filters::grid(
        column.filters,
        shape,
        app.draw_mode(),
        column.tile_max,
    ))
}

/// The help overlay: centred, at most 84 × 30, never larger than `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let (w, h) = (width.min(area.width), height.min(area.height));
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn take_top(rest: &mut Rect, h: u16) -> Rect {
    let h = h.min(rest.height);
    let top = Rect { height: h, ..*rest };
    rest.y += h;
    rest.height -= h;
    top
}

fn take_bottom(rest: &mut Rect, h: u16) -> Rect {
    let h = h.min(rest.height);
    rest.height -= h;
    Rect {
        y: rest.y + rest.height,
        height: h,
        ..*rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::{UiOptions, fixture};

    fn app() -> App {
        let mut app = App::new(UiOptions::default());
        app.absorb(fixture::snapshot(0, 0..10));
        app
    }

    #[test]
    fn both_models_side_by_side_at_80x24_with_reconstructions_from_120x40() {
        let small = compute(&app(), Rect::new(0, 0, 80, 24));
        assert_eq!(small.columns.len(), 2);
        assert!(
            small
                .columns
                .iter()
                .all(|c| c.recon.is_empty() && !c.filters.is_empty())
        );
        let large = compute(&app(), Rect::new(0, 0, 120, 40));
        assert!(
            large
                .columns
                .iter()
                .all(|c| !c.recon.is_empty() && !c.rho_hat.is_empty())
        );
    }

    #[test]
    fn narrow_terminals_show_the_focused_model_alone() {
        let mut a = app();
        a.update(crate::ui::Action::FocusNext);
        let panes = compute(&a, Rect::new(0, 0, 50, 30));
        assert_eq!(
            panes.columns.iter().map(|c| c.model).collect::<Vec<_>>(),
            vec![1]
        );
        assert!(panes.hidden.contains(&"one model shown (Tab: next)"));
        let large = compute(&app(), Rect::new(0, 0, 120, 40));
        assert!(large.hidden.is_empty(), "{:?}", large.hidden);
    }

    #[test]
    fn every_pane_stays_inside_the_area() {
        for (w, h) in [
            (0, 0),
            (1, 1),
            (5, 3),
            (20, 10),
            (80, 24),
            (120, 40),
            (301, 97),
        ] {
            let area = Rect::new(3, 2, w, h);
            let p = compute(&app(), area);
            let mut rects = vec![p.status, p.message];
            for c in &p.columns {
                rects.extend([c.loss, c.rho_hat, c.jacobian, c.filters, c.recon]);
            }
            for r in rects.into_iter().filter(|r| !r.is_empty()) {
                assert_eq!(r.intersection(area), r, "{r:?} outside {area:?}");
            }
        }
    }
}
