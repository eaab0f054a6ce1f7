//! The second `?` page: what every label on screen measures, and the focused
//! model's objective in the lecture's notation, term by term, with the
//! values of its last step.

use super::{fit, num, put, put_wrapped};
use crate::model::Loss;
use crate::ui::app::App;
use crate::ui::layout::centered;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Widget};

/// (label, what it measures): unicode and ASCII spellings of the label.
const LABELS: &[(&str, &str, &str)] = &[
    (
        "obj",
        "obj",
        "J, the objective the model minimises, on its last training batch",
    ),
    (
        "best",
        "best",
        "the smallest obj since J last changed (a change is marked on the curve)",
    ),
    (
        "L / pen",
        "L / pen",
        "J's reconstruction term / its penalty terms (curves r and p)",
    ),
    (
        "val err",
        "val err",
        "per-pixel (x̂-x)² of clean validation inputs reconstructed from the same corrupted ones for every model: the number that compares them",
    ),
    (
        "ρ̂",
        "rho-hat",
        "histogram of each unit's mean activation over the batch; ρ the KL target",
    ),
    (
        "‖J‖²_F",
        "|J|^2_F",
        "mean squared Frobenius norm of the encoder Jacobian ∂h/∂x; saturated: codes within 5% of the activation's ends",
    ),
    (
        "locality",
        "locality",
        "mean share of a filter's energy in its strongest k×k window (k = side/4), over inputs that vary in the data; random ≈ 0.18 on MNIST",
    ),
    (
        "filters",
        "filters",
        "W1[j]/‖W1[j]‖ as an image, grey = 0, scaled on the inputs that vary (the others grey)",
    ),
    (
        "|∂h/∂x|",
        "|dh/dx|",
        "unit j's mean sensitivity to its inputs on the batch",
    ),
];

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = Theme::new(app.options());
    let overlay = centered(area.intersection(buf.area), 100, 30);
    Clear.render(overlay, buf);
    let block = t.block("what the labels mean (Esc closes)".to_string(), true);
    let inner = block.inner(overlay);
    block.render(overlay, buf);
    const LABEL_W: u16 = 9;
    let text_area = Rect {
        x: inner.x + LABEL_W + 1,
        width: inner.width.saturating_sub(LABEL_W + 1),
        ..inner
    };
    let mut y = inner.y;
    for &(unicode, ascii, meaning) in LABELS {
        let label = if t.ascii { ascii } else { unicode };
        put(buf, inner, inner.x, y, label, t.accent());
        let meaning = if t.ascii {
            asciify(meaning)
        } else {
            meaning.to_string()
        };
        y += put_wrapped(buf, Rect { y, ..text_area }, &meaning, t.title(false));
    }
    y += 1;
    for line in objective(app, &t) {
        if y >= inner.bottom() {
            break;
        }
        put(buf, inner, inner.x, y, &line, t.good());
        y += 1;
    }
}

fn asciify(text: &str) -> String {
    text.replace("x̂", "x_hat")
        .replace('²', "^2")
        .replace("ρ̂", "rho-hat")
        .replace('ρ', "rho")
        .replace('∂', "d")
        .replace('‖', "|")
        .replace('≈', "~")
        .replace('×', "x")
}

/// "J of dae now:" and the objective term by term with its last values,
/// as many lines as it takes.
pub fn objective(app: &App, t: &Theme) -> Vec<String> {
    let index = app.focus();
    let (Some(c), Some(series)) = (app.config(index), app.series(index)) else {
        return Vec::new();
    };
    let Some(p) = series.loss.last() else {
        return vec![format!("J of {}: no step yet", c.label)];
    };
    let s = |u: &'static str, a: &'static str| t.sym(u, a);
    let loss = match c.loss {
        Loss::Mse => s("½‖x̂−x‖²", "1/2|x_hat-x|^2"),
        Loss::Bce => s("CE(x, x̂)", "CE(x, x_hat)"),
    };
    let pen = &c.penalties;
    let mut terms = vec![format!("{loss} {}", num(p.recon.into()))];
    if pen.weight_decay > 0.0 {
        terms.push(format!(
            "{} {}",
            s("λ/2 ‖W‖²", "lambda/2 |W|^2"),
            num(p.weight_decay.into())
        ));
    }
    if pen.sparsity.is_some() {
        terms.push(format!(
            "{} {}",
            s("β ΣKL(ρ‖ρ̂)", "beta sum KL(rho||rho-hat)"),
            num(p.sparsity.into())
        ));
    }
    if pen.l1 > 0.0 {
        terms.push(format!("{} {}", s("λ₁‖h‖₁", "l1 |h|_1"), num(p.l1.into())));
    }
    if pen.contractive > 0.0 {
        terms.push(format!(
            "{} {}",
            s("λc‖J‖²_F", "lambda_c |J|^2_F"),
            num(p.contractive.into())
        ));
    }
    let mut pieces = vec![format!("J = {}", terms[0])];
    pieces.extend(terms[1..].iter().map(|term| format!(" + {term}")));
    pieces.push(format!(" = {}", num(p.total.into())));
    let mut lines = vec![format!(
        "J of {} (the focused model, Tab) at step {}:",
        c.label, p.step
    )];
    // Whole terms a line, so no value is split.
    let mut rest: &[String] = &pieces;
    while !rest.is_empty() {
        let line = fit(rest, 96);
        let used = rest
            .iter()
            .scan(0, |n, piece| {
                *n += piece.chars().count();
                Some(*n)
            })
            .take_while(|&n| n <= line.chars().count())
            .count()
            .max(1);
        lines.push(rest[..used].concat());
        rest = &rest[used..];
    }
    lines
}
