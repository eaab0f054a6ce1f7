//! The subcommands behind `main.rs`, one file each.

pub mod bench;
pub mod data;
pub mod export;
pub mod gradcheck;
pub mod lab;
pub mod pca;
pub mod presets;
pub mod probe;
pub mod render;
pub mod train;

use crate::data::Dataset;
use crate::preset::Preset;
use anyhow::{Context, Result};

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
