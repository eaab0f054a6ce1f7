//! Training curves: the objective J of every model over the steps (each
//! step's minibatch value, averaged over at most `BUCKETS` runs of steps so
//! the noise does not hide the trend) beside the validation error, with
//! labelled axes and a legend. A log scale when the values span a factor
//! of `LOG_SPAN` or more.

use super::layout::{self, DIM, TEXT};
use super::record::Curves;
use crate::picture::{Canvas, Rgb, text_width};
use crate::train::Snapshot;
use anyhow::{Result, bail};

const PLOT: (u32, u32) = (520, 320);
const BUCKETS: usize = 400;
const LOG_SPAN: f64 = 20.0;
const TICKS: usize = 5;
/// One colour a model, in preset order.
const MODEL_COLORS: [Rgb; 6] = [
    [255, 196, 60],
    [80, 200, 255],
    [255, 100, 180],
    [140, 230, 120],
    [200, 160, 255],
    [255, 140, 90],
];

type Series = Vec<(f64, f64)>;

/// Averages of runs of consecutive points, at most `buckets` of them.
fn bucketed(points: &[(f64, f64)], buckets: usize) -> Series {
    let per = points.len().div_ceil(buckets.max(1)).max(1);
    points
        .chunks(per)
        .map(|c| {
            let n = c.len() as f64;
            (
                c.iter().map(|p| p.0).sum::<f64>() / n,
                c.iter().map(|p| p.1).sum::<f64>() / n,
            )
        })
        .collect()
}

/// A number in at most about 8 characters.
fn short(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 10_000.0 || v.abs() < 0.01 {
        format!("{v:.1e}")
    } else if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

/// One plot: its series (name, colour, points), axes with ticks and names.
fn plot(title: &str, y_name: &str, series: &[(String, Rgb, Series)]) -> Canvas {
    let (pw, ph) = PLOT;
    let left = text_width("0.0e-00", 1) + 8;
    let head = layout::line(2);
    let below = 2 * layout::line(1) + 4;
    let legend = series.len() as u32 * layout::line(1) + 8;
    let mut canvas = Canvas::new(
        left + pw + 8,
        head + ph + below + legend,
        layout::BACKGROUND,
    );
    canvas.text(0, 0, title, TEXT, 2);
    let (x0, y0) = (i64::from(left), i64::from(head));
    let all = || {
        series
            .iter()
            .flat_map(|(_, _, p)| p.iter())
            .filter(|p| p.1.is_finite())
    };
    let (xmin, xmax) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p.0), b.max(p.0))
    });
    let (ymin, ymax) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p.1), b.max(p.1))
    });
    let log = ymin > 0.0 && ymax / ymin >= LOG_SPAN;
    let f = |v: f64| if log { v.log10() } else { v };
    let (ylo, yhi) = if ymin <= ymax {
        (f(ymin), f(ymax))
    } else {
        (0.0, 1.0)
    };
    let (ylo, yhi) = if yhi > ylo {
        (ylo, yhi)
    } else {
        (ylo - 0.5, ylo + 0.5)
    };
    let (xlo, xhi) = if xmax > xmin {
        (xmin, xmax)
    } else {
        (xmin - 0.5, xmin + 0.5)
    };
    let px = |x: f64| x0 as f64 + (x - xlo) / (xhi - xlo) * f64::from(pw - 1);
    let py = |y: f64| y0 as f64 + (1.0 - (f(y) - ylo) / (yhi - ylo)) * f64::from(ph - 1);
    // Grid lines and ticks.
    for k in 0..TICKS {
        let t = k as f64 / (TICKS - 1) as f64;
        let yv = ylo + t * (yhi - ylo);
        let y = (y0 as f64 + (1.0 - t) * f64::from(ph - 1)).round() as i64;
        canvas.fill(x0, y, pw, 1, [48, 48, 48]);
        let label = short(if log { 10f64.powf(yv) } else { yv });
        canvas.text(
            x0 - 4 - i64::from(text_width(&label, 1)),
            y - 4,
            &label,
            DIM,
            1,
        );
        let xv = xlo + t * (xhi - xlo);
        let x = (x0 as f64 + t * f64::from(pw - 1)).round() as i64;
        canvas.fill(x, y0, 1, ph, [48, 48, 48]);
        let label = format!("{:.0}", xv);
        let lx = (x - i64::from(text_width(&label, 1)) / 2).clamp(
            0,
            i64::from(canvas.width()) - i64::from(text_width(&label, 1)),
        );
        canvas.text(lx, y0 + i64::from(ph) + 4, &label, DIM, 1);
    }
    canvas.fill(x0, y0, 1, ph, DIM);
    canvas.fill(x0, y0 + i64::from(ph) - 1, pw, 1, DIM);
    let x_name = "step";
    let name_y = y0 + i64::from(ph) + 4 + i64::from(layout::line(1));
    canvas.text(
        x0 + i64::from(pw - text_width(x_name, 1)) / 2,
        name_y,
        x_name,
        TEXT,
        1,
    );
    let y_name = if log {
        format!("{y_name} (log scale)")
    } else {
        y_name.to_string()
    };
    canvas.text(x0 + 4, y0 + 4, &y_name, TEXT, 1);
    for (_, color, points) in series {
        let pts: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.1.is_finite())
            .map(|&(x, y)| (px(x), py(y)))
            .collect();
        for w in pts.windows(2) {
            canvas.line(w[0], w[1], *color, 2);
        }
        if let [only] = pts[..] {
            canvas.dot(only.0, only.1, 3.0, *color);
        }
    }
    let mut ly = name_y + i64::from(layout::line(1)) + 4;
    for (name, color, _) in series {
        canvas.fill(x0, ly + 3, 16, 3, *color);
        canvas.text(x0 + 22, ly, name, TEXT, 1);
        ly += i64::from(layout::line(1));
    }
    canvas
}

/// The objective and the validation error of every model over the steps.
pub fn draw(s: &Snapshot, curves: &Curves) -> Result<Canvas> {
    let objective: Vec<(String, Rgb, Series)> = s
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let points: Series = m
                .losses
                .iter()
                .map(|p| (p.step as f64, f64::from(p.total)))
                .collect();
            (
                m.config.label.clone(),
                MODEL_COLORS[i % MODEL_COLORS.len()],
                bucketed(&points, BUCKETS),
            )
        })
        .collect();
    if objective.iter().all(|(_, _, p)| p.is_empty()) {
        bail!(
            "--curves: no training steps to plot (export from a checkpoint trains only with --steps N)"
        );
    }
    let val: Vec<(String, Rgb, Series)> = s
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let points = curves.val.get(i).map_or(Vec::new(), |v| {
                v.iter().map(|&(st, e)| (st as f64, e)).collect()
            });
            (
                m.config.label.clone(),
                MODEL_COLORS[i % MODEL_COLORS.len()],
                points,
            )
        })
        .collect();
    let mut panels = vec![plot("objective J", "J (minibatch mean)", &objective)];
    if val.iter().any(|(_, _, p)| !p.is_empty()) {
        let eval = if s.eval_corrupt.is_identity() {
            "clean inputs".to_string()
        } else {
            format!(
                "from {}",
                crate::ui::panes::corruption_text(&s.eval_corrupt, false)
            )
        };
        panels.push(plot(
            "validation error",
            &format!("per-pixel error, {eval}"),
            &val,
        ));
    }
    let subtitle = format!("{} steps, {}", s.step, s.dataset);
    Ok(layout::side_by_side("training curves", &subtitle, &panels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_average_runs_of_points() {
        let points: Series = (0..10).map(|i| (i as f64, i as f64 * 2.0)).collect();
        assert_eq!(
            bucketed(&points, 5),
            vec![(0.5, 1.0), (2.5, 5.0), (4.5, 9.0), (6.5, 13.0), (8.5, 17.0)]
        );
        assert_eq!(bucketed(&points, 100).len(), 10);
        assert_eq!(short(0.01912), "0.019");
        assert_eq!(short(1234.0), "1234");
        assert_eq!(short(0.0012), "1.2e-3");
    }
}
