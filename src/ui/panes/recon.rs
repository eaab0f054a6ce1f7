//! A few validation samples as original | corrupted | reconstruction, so the
//! effect of denoising is visible next to the vanilla model's.

use super::filters::shape_for;
use super::{corruption_text, fit, framed, model, put, theme, who};
use crate::ui::app::App;
use crate::ui::raster;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const CAPTIONS: [&str; 3] = ["orig", "noisy", "recon"];

pub fn render(app: &App, index: usize, area: Rect, buf: &mut Buffer, tile_max: (u16, u16)) {
    let t = theme(app);
    let inner = framed(
        app,
        area,
        buf,
        fit(
            &[
                format!("reconstructions {}", who(app, index)),
                app.snapshot()
                    .filter(|s| !s.eval_corrupt.is_identity())
                    .map_or(String::new(), |s| {
                        let ascii = super::theme(app).ascii;
                        format!(" of {}", corruption_text(&s.eval_corrupt, ascii))
                    }),
            ],
            area.width.saturating_sub(2) as usize,
        ),
        index,
    );
    let Some(m) = model(app, index) else { return };
    let r = &m.recon;
    if r.original.nrows() == 0 {
        let t = super::theme(app);
        super::put(
            buf,
            inner,
            inner.x,
            inner.y,
            "no validation samples (data.validation = 0)",
            t.dim(),
        );
        return;
    }
    let shape = shape_for(
        app.snapshot().map_or((1, 1), |s| s.image_shape),
        r.original.ncols(),
    );
    let (w, h) = raster::tile_size(shape, app.draw_mode(), tile_max);
    // One sample is three tiles with a gap after each, and a separator gap.
    let triple_w = 3 * (w + 1) + 1;
    let fit = (inner.width / triple_w) as usize;
    let samples = fit
        .min(r.original.nrows())
        .min(r.corrupted.nrows())
        .min(r.reconstructed.nrows());
    for i in 0..samples {
        let x0 = inner.x + i as u16 * triple_w;
        let images = [&r.original, &r.corrupted, &r.reconstructed];
        for (k, image) in images.iter().enumerate() {
            let x = x0 + k as u16 * (w + 1);
            let caption = match (k, &r.labels) {
                (0, Some(labels)) => {
                    format!("{} {}", CAPTIONS[0], labels.get(i).copied().unwrap_or(0))
                }
                _ => CAPTIONS[k].to_string(),
            };
            let caption: String = caption.chars().take(w as usize).collect();
            put(buf, inner, x, inner.y, &caption, t.dim());
            let pixels = raster::clamp01(&image.row(i).to_vec());
            let tile = Rect::new(x, inner.y + 1, w, h).intersection(inner);
            raster::draw(buf, tile, &pixels, shape, app.draw_mode(), &t);
        }
    }
}
