//! The contractive picture: mean ‖J‖²_F over time, the saturated fraction,
//! and how much the reconstruction moves with the input (its gain at a
//! finite and a small noise level), or before that is measured the spread
//! of ‖J‖²_F over hidden units (min / median / max of each unit's share).

use super::{fit, framed, model, num, put, theme};
use crate::ui::app::App;
use crate::ui::plot::{self, Curve};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// (min, median, max) of the finite values.
pub fn spread(values: &[f32]) -> Option<(f32, f32, f32)> {
    let mut v: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    Some((v[0], v[v.len() / 2], v[v.len() - 1]))
}

pub fn render(app: &App, index: usize, area: Rect, buf: &mut Buffer) {
    let t = theme(app);
    let inner = framed(
        app,
        area,
        buf,
        t.sym("‖J‖²_F", "|J|^2_F").to_string(),
        index,
    );
    let Some(m) = model(app, index) else { return };
    let width = inner.width as usize;
    let now = [
        format!("mean {}", num(m.jacobian_fro2.into())),
        format!("  saturated {:.0}%", m.saturated * 100.0),
    ];
    put(
        buf,
        inner,
        inner.x,
        inner.y,
        &fit(&now, width),
        t.title(false),
    );
    // The second line: what the model resists, the most telling first.
    let second = if let Some(a) = m.along_across {
        // The contractive point on the toy curve: sensitive along it, not across.
        let pieces = vec![
            format!("along {}", num(a.along)),
            format!(" across {}", num(a.across)),
        ];
        Some((pieces, t.accent()))
    } else if let Some([large, small]) = m.recon_gain {
        // What a DAE and a CAE each resist: finite and small input moves.
        let pieces = vec![
            format!("{} gain {}", t.sym("x̂", "x_hat"), num(large.into())),
            format!(" ({}0.1)", t.sym("σ ", "sigma ")),
            // One piece with its label: shown together or not at all (a
            // bare second number read as part of the first).
            format!(" {} ({}0.01)", num(small.into()), t.sym("σ ", "sigma ")),
        ];
        Some((pieces, t.accent()))
    } else {
        spread(&m.jacobian_units).map(|(lo, med, hi)| {
            let pieces = vec![
                format!("units min {}", num(lo.into())),
                format!(" med {}", num(med.into())),
                format!(" max {}", num(hi.into())),
            ];
            (pieces, t.dim())
        })
    };
    if let Some((pieces, style)) = second {
        put(
            buf,
            inner,
            inner.x,
            inner.y + 1,
            &fit(&pieces, width),
            style,
        );
    }
    let Some(series) = app.series(index) else {
        return;
    };
    // One point a step, as the loss: frames do not depend on when snapshots came.
    let values: Vec<f64> = series
        .loss
        .plotted()
        .iter()
        .map(|p| f64::from(p.jacobian))
        .collect();
    let curves = [Curve {
        values: &values,
        style: t.series(2),
        glyph: '*',
    }];
    let plot_area = Rect {
        y: inner.y + 2,
        height: inner.height.saturating_sub(2),
        ..inner
    };
    if let Some(range) = plot::range(&curves) {
        plot::draw(buf, plot_area, &curves, range, t.ascii);
    }
}
