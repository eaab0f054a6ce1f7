//! The subcommands behind `main.rs`, one file each.

/// `println!` that stops printing, quietly, once standard output is closed
/// (`aelab presets | head`): `println!` would panic there.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
pub(crate) use say;

pub mod anomalies;
pub mod bench;
pub mod data;
pub mod export;
pub mod gradcheck;
pub mod lab;
pub mod pca;
pub mod presets;
pub mod probe;
pub mod render;
pub mod stacked;
pub mod train;

use crate::data::Dataset;
use crate::preset::Preset;
use crate::train::{Checkpoint, Trainer};
use anyhow::{Context, Result};
use std::path::Path;

/// The preset `aelab` opens with no argument: vanilla vs denoising on MNIST.
pub const DEFAULT_PRESET: &str = "demo";

/// Loads a preset (a path or a bundled name) with `--set` overrides.
pub fn load_preset(name: &str, sets: &[String]) -> Result<Preset> {
    Ok(Preset::open(name, sets)?)
}

/// The preset's data, limited and split into (train, validation).
pub fn load_data(preset: &Preset) -> Result<(Dataset, Dataset)> {
    let set = crate::data::load_seeded(&preset.data, preset.seed)
        .with_context(|| format!("{}: [data]", preset.origin))?;
    Ok(set.split(preset.data.validation, preset.seed))
}

/// The trainer a command starts with: the preset named (else the one the
/// checkpoint names, else the demo) on its data, continuing the checkpoint's
/// run if there is one; with the line saying what was resumed.
pub fn start(
    name: Option<&str>,
    sets: &[String],
    resume: Option<&Path>,
) -> Result<(Trainer, Option<String>)> {
    let checkpoint = resume.map(Checkpoint::read).transpose()?;
    let preset = match (name, &checkpoint) {
        (Some(name), _) => load_preset(name, sets)?,
        (None, Some(c)) => {
            let sets = [c.sets.as_slice(), sets].concat();
            // A relative path saved elsewhere may not be found from here: the bundled name then.
            load_preset(&c.preset, &sets).or_else(|e| {
                load_preset(&crate::preset::name_of(&c.preset), &sets).map_err(|_| e)
            })?
        }
        (None, None) => load_preset(DEFAULT_PRESET, sets)?,
    };
    let (train, val) = load_data(&preset)?;
    let mut trainer = Trainer::new(preset, train, val)?;
    let resumed = match (checkpoint, resume) {
        (Some(c), Some(path)) => Some(trainer.restore(c, &path.display().to_string())?),
        _ => None,
    };
    Ok((trainer, resumed))
}
