//! A VAE's latent space, in place of its filters: digits decoded from fixed
//! draws of the prior N(0, I) and a walk from one validation digit's μ to
//! another's; with a 2-D latent space, the map of what the decoder draws at
//! each point of a grid over z (Kingma & Welling's figure 4).

use super::filters::shape_for;
use super::{fit, framed_fit, model, put, theme, who};
use crate::train::VaeView;
use crate::train::vae_views::{MAP_RANGE, MAP_SIDE};
use crate::ui::app::App;
use crate::ui::raster;
use ndarray::Array2;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub fn render(app: &App, index: usize, area: Rect, buf: &mut Buffer, tile_max: (u16, u16)) {
    let t = theme(app);
    let Some(v) = model(app, index).and_then(|m| m.vae.as_deref()) else {
        framed_fit(
            app,
            area,
            buf,
            &[format!("latent space {}", who(app, index))],
            index,
        );
        return;
    };
    let shape = shape_for(
        app.snapshot().map_or((1, 1), |s| s.image_shape),
        v.prior_samples.ncols(),
    );
    if let Some(map) = &v.map {
        let range = format!("{MAP_RANGE}");
        let pieces = [
            format!("latent map {}", who(app, index)),
            if t.ascii {
                format!(": x_hat over z1, z2 in [-{range}, {range}]")
            } else {
                format!(": x̂ over z₁, z₂ ∈ [−{range}, {range}]")
            },
            t.sym(" (z₂ up)", " (z2 up)").to_string(),
        ];
        let inner = framed_fit(app, area, buf, &pieces, index);
        draw_map(app, map, shape, inner, buf);
        return;
    }
    let pieces = [
        format!("latent {}", who(app, index)),
        ": samples from N(0, I)".to_string(),
        format!(" ({} of {} dims active)", active(v), v.kl_per_dim.len()),
    ];
    let inner = framed_fit(app, area, buf, &pieces, index);
    let (w, h) = raster::tile_size(shape, app.draw_mode(), tile_max);
    let per_row = (inner.width / (w + 1)).max(1) as usize;
    // The walk takes its caption row and one row of tiles at the bottom.
    let walk_rows = if inner.height > 2 * (h + 1) { h + 1 } else { 0 };
    let sample_rows = ((inner.height - walk_rows) / (h + 1)) as usize;
    let shown = (per_row * sample_rows).min(v.prior_samples.nrows());
    let tiles = (0..shown).map(|i| (i, i % per_row, i / per_row));
    for (i, col, row) in tiles {
        let at = Rect::new(
            inner.x + col as u16 * (w + 1),
            inner.y + row as u16 * (h + 1),
            w,
            h,
        );
        tile(app, &v.prior_samples, i, shape, at.intersection(inner), buf);
    }
    if walk_rows > 0 {
        let y = inner.y + sample_rows as u16 * (h + 1);
        let caption = match v.walk_labels {
            Some((a, b)) => format!("walk from a {a} to a {b} through μ"),
            None => "walk between two validation samples through μ".into(),
        };
        let caption = fit(&[caption], inner.width as usize);
        put(buf, inner, inner.x, y, &caption, t.dim());
        // Both ends always: the steps in between evenly thinned to fit.
        let n = v.walk.nrows().min(per_row);
        for k in 0..n {
            let i = if n < 2 {
                0
            } else {
                k * (v.walk.nrows() - 1) / (n - 1)
            };
            let at = Rect::new(inner.x + k as u16 * (w + 1), y + 1, w, h);
            tile(app, &v.walk, i, shape, at.intersection(inner), buf);
        }
    }
}

/// Latent dimensions carrying information: mean KL above 0.1 nats.
pub fn active(v: &VaeView) -> usize {
    v.kl_per_dim.iter().filter(|&&kl| kl > ACTIVE_KL).count()
}

pub const ACTIVE_KL: f32 = 0.1;

fn tile(
    app: &App,
    images: &Array2<f32>,
    i: usize,
    shape: (usize, usize),
    at: Rect,
    buf: &mut Buffer,
) {
    let pixels = raster::clamp01(&images.row(i).to_vec());
    raster::draw(buf, at, &pixels, shape, app.draw_mode(), &theme(app));
}

/// The grid of decoded digits, tiles touching, each at least `MIN_TILE`
/// cells: of the trainer's MAP_SIDE² grid, as many evenly spaced columns and
/// rows as fit (so the map spans the same square of z however small).
fn draw_map(app: &App, map: &Array2<f32>, shape: (usize, usize), inner: Rect, buf: &mut Buffer) {
    let (min_w, min_h) = raster::tile_size(shape, app.draw_mode(), MIN_TILE);
    let cols = (inner.width / min_w.max(1)).min(MAP_SIDE as u16) as usize;
    let rows = (inner.height / min_h.max(1)).min(MAP_SIDE as u16) as usize;
    if cols < 2 || rows < 2 {
        put(
            buf,
            inner,
            inner.x,
            inner.y,
            "too small for the map",
            theme(app).dim(),
        );
        return;
    }
    let room = (inner.width / cols as u16, inner.height / rows as u16);
    let (w, h) = raster::fit_tile(shape, app.draw_mode(), room);
    let x0 = inner.x + (inner.width - w * cols as u16) / 2;
    let pick = |i: usize, n: usize| (i * (MAP_SIDE - 1) + (n - 1) / 2) / (n - 1);
    for r in 0..rows {
        for c in 0..cols {
            let i = pick(r, rows) * MAP_SIDE + pick(c, cols);
            let at = Rect::new(x0 + c as u16 * w, inner.y + r as u16 * h, w, h);
            tile(app, map, i, shape, at.intersection(inner), buf);
        }
    }
}

/// The smallest map tile in cells: a 28×28 digit still reads at 8×4 half-blocks.
const MIN_TILE: (u16, u16) = (8, 4);
