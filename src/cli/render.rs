//! `aelab render PRESET --steps N --size WxH`: train N steps headless and
//! write the frame the lab would show, as text, through the same widgets.

use super::{load_data, load_preset};
use crate::train::{Command, Trainer};
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

/// The frame, as text, of a lab that ran `trainer` until the last run of its
/// timeline reached `steps` and was stopped there (what `S` saves then).
pub fn frame_after(
    mut trainer: Trainer,
    steps: u64,
    (width, height): (u16, u16),
    ascii: bool,
) -> Result<String> {
    // A recorded session with resets shows its last run: step on until that run reaches `steps`.
    trainer.advance_to(steps)?;
    trainer.apply(Command::SetRunning(false));
    // Text keeps no colours, so it is drawn as a colourless terminal would: braille, or ASCII.
    let mut app = App::new(UiOptions {
        ascii,
        colors: ColorDepth::None,
    });
    app.absorb(trainer.snapshot());
    let mut app = app.for_text();
    ui::frame::fit(&mut app, width, height);
    Ok(ui::render_text(&app, width, height))
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
    let trainer = Trainer::new(preset, train, val)?;
    let text = frame_after(trainer, steps, (width, height), ascii)?;
    match out {
        Some(path) => std::fs::write(path, &text)
            .with_context(|| format!("{}: cannot write", path.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}
