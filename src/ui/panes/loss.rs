//! The objective over the run, with its split into reconstruction and
//! penalty; `l` switches between a linear and a log axis.

use super::{corruption_text, fit, framed, num, put, theme, who};
use crate::model::CorruptionKind;
use crate::train::LossPoint;
use crate::ui::app::App;
use crate::ui::plot::{self, Curve};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// Room for an axis label like "1.23e-2".
const GUTTER: u16 = 8;

/// The second line: the error that compares models whatever they train on —
/// clean validation inputs reconstructed from the same corrupted versions —
/// with the best of the models marked.
fn eval_line(app: &App, index: usize, inner: Rect, buf: &mut Buffer) {
    let t = theme(app);
    let Some(s) = app.snapshot() else { return };
    let Some(err) = s.models.get(index).and_then(|m| m.eval_recon) else {
        return;
    };
    let best = s
        .models
        .iter()
        .filter_map(|m| m.eval_recon)
        .fold(f32::INFINITY, f32::min);
    let is_best = s.models.len() > 1 && err <= best;
    let pieces = [
        format!("val err {}", num(err.into())),
        if is_best {
            t.sym(" ★ best", " * best").to_string()
        } else {
            String::new()
        },
        match s.eval_corrupt.kind {
            CorruptionKind::None => " on clean inputs".to_string(),
            _ => format!(" from {}", corruption_text(&s.eval_corrupt, t.ascii)),
        },
    ];
    let style = if is_best { t.good() } else { t.title(false) };
    let text = fit(&pieces, inner.width as usize);
    put(buf, inner, inner.x, inner.y + 1, &text, style);
}

fn penalty(p: &LossPoint) -> f32 {
    p.weight_decay + p.sparsity + p.l1 + p.contractive + p.kl
}

pub fn render(app: &App, index: usize, area: Rect, buf: &mut Buffer) {
    let t = theme(app);
    let scale = if app.log_scale() { " [log]" } else { "" };
    let title = format!("loss {}{scale}", who(app, index));
    let inner = framed(app, area, buf, title, index);
    let Some(series) = app.series(index) else {
        return;
    };
    let Some(last) = series.loss.last() else {
        put(buf, inner, inner.x, inner.y, "no steps yet", t.dim());
        return;
    };
    // Since the objective last changed: an older best is of another J.
    let best = series.best.unwrap_or(last.total);
    // A VAE's terms: −ELBO = reconstruction + KL (its only penalty besides decay).
    let vae = app.config(index).is_some_and(|c| c.is_vae());
    // The KL piece is β·KL: during a warm-up β < 1.
    let (recon, pen) = if vae {
        ("recon", t.sym("β·KL", "beta*KL"))
    } else {
        ("L", "pen")
    };
    // Pieces in order of importance; each is shown only if it fits whole.
    let pieces = [
        // "obj", not the lecture's J: ‖J‖ next door is the Jacobian.
        format!("obj {}", num(last.total.into())),
        format!(" best {}", num(best.into())),
        format!("  {recon} {}", num(last.recon.into())),
        format!(
            "  {pen} {}",
            num(f64::from(if vae { last.kl } else { penalty(last) }))
        ),
    ];
    let mut x = inner.x;
    for (i, piece) in pieces.iter().enumerate() {
        let w = piece.chars().count() as u16;
        if x.saturating_add(w) > inner.right() {
            break;
        }
        put(
            buf,
            inner,
            x,
            inner.y,
            piece,
            t.series(if i >= 2 { i - 1 } else { 0 }),
        );
        x += w;
    }
    eval_line(app, index, inner, buf);
    let points = series.loss.plotted();
    // Log scale: plot log10; zero (a penalty that is off) is not drawn.
    let tf = |v: f32| {
        if !app.log_scale() {
            f64::from(v)
        } else if v > 0.0 {
            f64::from(v).log10()
        } else {
            f64::NAN
        }
    };
    let total: Vec<f64> = points.iter().map(|p| tf(p.total)).collect();
    let recon: Vec<f64> = points.iter().map(|p| tf(p.recon)).collect();
    let pen: Vec<f64> = points.iter().map(|p| tf(penalty(p))).collect();
    let has_penalty = points.iter().any(|p| penalty(p) > 0.0);
    let mut curves = vec![Curve {
        values: &recon,
        style: t.series(1),
        glyph: 'r',
    }];
    if has_penalty {
        curves.push(Curve {
            values: &pen,
            style: t.series(2),
            glyph: 'p',
        });
    }
    curves.push(Curve {
        values: &total,
        style: t.series(0),
        glyph: '*',
    });
    // The axis fits the points since the objective last changed, when the
    // plot shows any: earlier values of another J would squash the curve.
    let since = series.changes.last().copied().unwrap_or(0);
    let first = points.iter().position(|p| p.step >= since).unwrap_or(0);
    let recent: Vec<Curve> = curves
        .iter()
        .map(|c| Curve {
            values: &c.values[first.min(c.values.len())..],
            ..*c
        })
        .collect();
    let Some((lo, hi)) = plot::range(&recent).or_else(|| plot::range(&curves)) else {
        return;
    };
    let plot_area = Rect {
        y: inner.y + 2,
        height: inner.height.saturating_sub(2),
        ..inner
    };
    let untf = |v: f64| if app.log_scale() { 10f64.powf(v) } else { v };
    let gutter = if plot_area.width >= 3 * GUTTER && plot_area.height >= 2 {
        GUTTER
    } else {
        0
    };
    if gutter > 0 {
        put(
            buf,
            plot_area,
            plot_area.x,
            plot_area.y,
            &num(untf(hi)),
            t.dim(),
        );
        put(
            buf,
            plot_area,
            plot_area.x,
            plot_area.bottom() - 1,
            &num(untf(lo)),
            t.dim(),
        );
    }
    let curve_area = Rect {
        x: plot_area.x + gutter,
        width: plot_area.width.saturating_sub(gutter),
        ..plot_area
    };
    let marks: Vec<usize> = series
        .changes
        .iter()
        .filter_map(|&step| {
            points
                .iter()
                .position(|p| p.step >= step)
                .filter(|&i| i > 0)
        })
        .collect();
    plot::draw(buf, curve_area, &curves, (lo, hi), t.ascii);
    plot::mark_columns(buf, curve_area, &marks, points.len(), t.dim(), t.ascii);
}
