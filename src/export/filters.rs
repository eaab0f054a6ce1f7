//! The filter grid: W1[j] / ‖W1[j]‖ of every model, each reshaped to the
//! image and drawn with the lab's contrast rule (`ui::raster::normalise_signed`:
//! 0 is mid-grey, scaled on the inputs that vary in the data), a gap between
//! tiles; one page of units, or the most local ones first.

use super::layout::{self, DIM, GAP, TEXT};
use crate::analysis::locality::locality;
use crate::picture::{Canvas, text_width};
use crate::train::{ModelView, Snapshot};
use crate::ui::panes::filters::shape_for;
use crate::ui::raster::normalise_signed;
use anyhow::{Result, bail};
use ndarray::Array2;

/// Filters on one page of the grid: 10 × 10.
pub const PAGE: usize = 100;

/// Which units to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Units `PAGE * p ..`, in order.
    Page(usize),
    /// The `n` units whose filters are most local (`analysis::locality`), most local first.
    MostLocal(usize),
}

impl Default for Selection {
    fn default() -> Self {
        Selection::Page(0)
    }
}

/// The units a selection picks for one model, with each one's locality.
fn chosen(
    m: &ModelView,
    shape: (usize, usize),
    live: &[bool],
    selection: Selection,
) -> Result<Vec<(usize, Option<f32>)>> {
    let hidden = m.filters.nrows();
    let local = |j: usize| locality(m.filters.row(j), shape, live);
    match selection {
        Selection::Page(p) => {
            let first = p.saturating_mul(PAGE);
            if first >= hidden {
                bail!(
                    "--page {p}: model \"{}\" has {hidden} units, {} page(s) of {PAGE} (the first is 0)",
                    m.config.label,
                    hidden.div_ceil(PAGE)
                );
            }
            Ok((first..(first + PAGE).min(hidden))
                .map(|j| (j, local(j)))
                .collect())
        }
        Selection::MostLocal(n) => {
            if n == 0 {
                bail!("--most-local 0: expected at least 1 unit");
            }
            let mut units: Vec<(usize, Option<f32>)> = (0..hidden).map(|j| (j, local(j))).collect();
            if units.iter().all(|(_, l)| l.is_none()) {
                bail!(
                    "--most-local: locality needs image data of at least 6 × 6; this data is {} × {}",
                    shape.0,
                    shape.1
                );
            }
            units.sort_by(|a, b| b.1.unwrap_or(-1.0).total_cmp(&a.1.unwrap_or(-1.0)));
            units.truncate(n);
            Ok(units)
        }
    }
}

/// One panel: a title, a subtitle, and the rows `units` of `filters` as a grid.
fn grid(
    (title, subtitle): (&str, &str),
    filters: &Array2<f32>,
    units: &[usize],
    s: &Snapshot,
) -> Canvas {
    let shape = shape_for(s.image_shape, filters.ncols());
    let columns = if shape.0 <= 1 {
        units.len().clamp(1, 4)
    } else {
        ((units.len() as f64).sqrt().ceil() as usize).max(1)
    };
    let rows = units.len().div_ceil(columns);
    let (tw, th) = layout::tile_size(shape);
    let grid_w = (columns as u32 * (tw + GAP)).saturating_sub(GAP);
    let grid_h = (rows as u32 * (th + GAP)).saturating_sub(GAP);
    let head = layout::line(2) + layout::line(1);
    let width = grid_w
        .max(text_width(subtitle, 1))
        .max(text_width(title, 2));
    let mut canvas = Canvas::new(width, head + grid_h, layout::BACKGROUND);
    canvas.text(0, 0, title, TEXT, 2);
    canvas.text(0, i64::from(layout::line(2)), subtitle, DIM, 1);
    let scale = layout::tile_scale(shape);
    for (k, &j) in units.iter().enumerate() {
        let pixels = normalise_signed(&filters.row(j).to_vec(), &s.live_inputs);
        let x = (k % columns) as u32 * (tw + GAP);
        let y = head + (k / columns) as u32 * (th + GAP);
        canvas.grey(i64::from(x), i64::from(y), &pixels, shape, scale);
    }
    canvas
}

/// One model's panel: its name, which units, their mean locality.
fn panel(m: &ModelView, s: &Snapshot, selection: Selection) -> Result<Canvas> {
    let shape = shape_for(s.image_shape, m.filters.ncols());
    let units = chosen(m, shape, &s.live_inputs, selection)?;
    let hidden = m.filters.nrows();
    let which = match selection {
        Selection::Page(_) => format!(
            "units {}-{} of {hidden}",
            units[0].0,
            units[units.len() - 1].0
        ),
        Selection::MostLocal(_) => format!("the {} most local of {hidden}", units.len()),
    };
    let subtitle = match m.locality {
        Some(l) => format!("mean locality {l:.3} · {which}"),
        None => which,
    };
    let units: Vec<usize> = units.iter().map(|&(j, _)| j).collect();
    let title = layout::model_name(&m.config);
    Ok(grid((&title, &subtitle), &m.filters, &units, s))
}

/// Every model's filters side by side; then, for a linear autoencoder, the
/// top principal components of the training data (`pca`: k × inputs),
/// whose span its filters should share.
pub fn draw(s: &Snapshot, selection: Selection, pca: Option<&Array2<f32>>) -> Result<Canvas> {
    let mut panels = s
        .models
        .iter()
        .map(|m| panel(m, s, selection))
        .collect::<Result<Vec<_>>>()?;
    if let Some(components) = pca {
        let agreement = s
            .models
            .first()
            .and_then(|m| m.pca)
            .map_or(String::new(), |p| {
                format!(" · smallest cosine to the AE's span {:.4}", p.min_cos)
            });
        let subtitle = format!("top {} of the training data{agreement}", components.nrows());
        let units: Vec<usize> = (0..components.nrows()).collect();
        panels.push(grid(("PCA components", &subtitle), components, &units, s));
    }
    let subtitle = format!(
        "step {}, {}; mid-grey is 0, scaled on the inputs that vary in the data",
        s.step, s.dataset
    );
    Ok(layout::side_by_side(
        "filters W1[j]/‖W1[j]‖",
        &subtitle,
        &panels,
    ))
}
