//! `aelab render PRESET --steps N --size WxH`: train N steps headless and
//! write the frame the lab would show, as text, through the same widgets.

use super::{load_data, load_preset};
use crate::train::Trainer;
use crate::ui::{self, App, ColorDepth, UiOptions};
use anyhow::{Context, Result, bail};
use std::path::Path;

/// "120x40" → (120, 40).
pub fn parse_size(text: &str) -> Result<(u16, u16)> {
    let parsed = text
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)));
    match parsed {
        Some((w, h)) if w > 0 && h > 0 => Ok((w, h)),
        _ => bail!("--size {text}: expected WIDTHxHEIGHT, e.g. 120x40"),
    }
}

pub fn run(
    preset: &str,
    sets: &[String],
    steps: u64,
    size: &str,
    out: Option<&Path>,
    ascii: bool,
) -> Result<()> {
    let (width, height) = parse_size(size)?;
    let preset = load_preset(preset, sets)?;
    let (train, val) = load_data(&preset)?;
    let mut trainer = Trainer::new(preset, train, val)?;
    // A recorded session with resets shows its last run: step on until that run reaches `steps`.
    trainer.advance_to(steps)?;
    // Text keeps no colours, so draw as a colourless terminal would: braille, or ASCII.
    let mut app = App::new(UiOptions {
        ascii,
        colors: ColorDepth::None,
    });
    app.absorb(trainer.snapshot());
    ui::frame::fit(&mut app, width, height);
    let text = ui::render_text(&app, width, height);
    match out {
        Some(path) => std::fs::write(path, &text)
            .with_context(|| format!("{}: cannot write", path.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}
