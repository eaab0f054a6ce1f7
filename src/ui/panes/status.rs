//! The top lines: the run (data, step, epoch, speed, running) and one line
//! per model (variant, corruption, regularisers that are on, optimiser).

use super::{corruption_text, fit, num, put, theme};
use crate::settings::ModelConfig;
use crate::train::ProbeState;
use crate::ui::app::App;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = theme(app);
    let sep = t.sym(" · ", " | ");
    let Some(s) = app.snapshot() else {
        put(
            buf,
            area,
            area.x,
            area.y,
            "aelab: waiting for the trainer...",
            t.dim(),
        );
        return;
    };
    let state = if app.running() {
        t.sym("▶ running", "> running")
    } else {
        t.sym("⏸ paused", "|| paused")
    };
    // The state first: it is what matters most and must survive a narrow terminal.
    put(
        buf,
        area,
        area.x,
        area.y,
        state,
        if app.running() { t.good() } else { t.warn() },
    );
    let x = area.x.saturating_add(state.chars().count() as u16);
    let probe = match &s.probe {
        ProbeState::Idle => String::new(),
        ProbeState::Running { .. } => format!("{sep}probe running"),
        ProbeState::Done { step, report } => {
            let codes: Vec<String> = report
                .codes
                .iter()
                .map(|(l, a)| format!("{l} {a:.3}"))
                .collect();
            format!(
                "{sep}probe@{step}: pixels {:.3} {}",
                report.raw,
                codes.join(" ")
            )
        }
    };
    // Whole fields only: what does not fit is left out, never cut.
    let stage = s
        .stage
        .as_ref()
        .map_or(String::new(), |st| format!("{sep}{st}"));
    let run = [
        stage,
        format!("{sep}step {}", s.step),
        format!("{sep}epoch {}", s.epoch),
        format!("{sep}{:.0} samples/s", s.samples_per_s),
        format!("{sep}run {} seed {}", s.run_id, s.seed),
        probe,
        format!("{sep}{}", s.dataset),
    ];
    let room = area.right().saturating_sub(x) as usize;
    put(buf, area, x, area.y, &fit(&run, room), t.title(false));
    for i in 0..s.models.len() {
        let Some(config) = app.config(i) else { break };
        let focused = i == app.focus();
        let marker = if focused { t.sym("▸ ", "> ") } else { "  " };
        let mut pieces = vec![marker.to_string()];
        pieces.extend(model_line(config, &t, sep));
        let line = fit(&pieces, area.width as usize);
        put(
            buf,
            area,
            area.x,
            area.y.saturating_add(1 + i as u16),
            &line,
            t.title(focused),
        );
    }
}

/// "dae: denoising · corrupt mask q=0.25 · λ=0.003 · adam lr 1.00e-3 · sigmoid/sigmoid h=64"
/// in fields, what a key changes first, the architecture (fixed) last.
pub fn model_line(c: &ModelConfig, t: &Theme, sep: &str) -> Vec<String> {
    let tied = if c.tied { " tied" } else { "" };
    let regs = penalties_text(c, t);
    vec![
        format!("{}: {}", c.label, c.variant.name()),
        format!("{sep}corrupt {}", corruption_text(&c.corrupt, t.ascii)),
        format!("{sep}{regs}"),
        if c.optimizer.takes_lr() {
            format!("{sep}{} lr {:.2e}", c.optimizer.name(), c.lr)
        } else {
            format!("{sep}{} line search", c.optimizer.name())
        },
        format!(
            "{sep}{}/{} h={}{tied}{}",
            c.encoder.name(),
            c.decoder.name(),
            c.hidden,
            if c.is_vae() {
                format!(" z={}", c.latent)
            } else {
                String::new()
            }
        ),
    ]
}

/// The model's penalties as the model line shows them ("λ=0.003 ρ=0.05
/// β=3", or "no penalty").
pub fn penalties_text(c: &ModelConfig, t: &Theme) -> String {
    let p = &c.penalties;
    let mut regs = Vec::new();
    if p.weight_decay > 0.0 {
        regs.push(format!("{}={}", t.sym("λ", "lambda"), num(p.weight_decay)));
    }
    if let Some(s) = p.sparsity {
        regs.push(format!(
            "{}={} {}={}",
            t.sym("ρ", "rho"),
            num(s.rho),
            t.sym("β", "beta"),
            num(s.beta)
        ));
    }
    if p.l1 > 0.0 {
        regs.push(format!("{}={}", t.sym("λ1", "l1"), num(p.l1)));
    }
    if p.k_sparse > 0 {
        regs.push(format!("k={}", p.k_sparse));
    }
    if p.contractive > 0.0 {
        regs.push(format!(
            "{}={}",
            t.sym("λc", "lambda_c"),
            num(p.contractive)
        ));
    }
    if c.is_vae() {
        let warmup = match c.kl_warmup {
            0 => String::new(),
            n => format!(" (warm-up {n} steps)"),
        };
        regs.push(format!(
            "{}={}{warmup}",
            t.sym("β·KL", "beta*KL"),
            num(p.kl)
        ));
    }
    if regs.is_empty() {
        "no penalty".to_string()
    } else {
        regs.join(" ")
    }
}
