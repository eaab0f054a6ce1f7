//! `aelab presets`: the bundled presets, each with the first sentence of its header comment.

use crate::preset::{BUNDLED, summary};
use anyhow::Result;

pub fn run() -> Result<()> {
    let width = BUNDLED
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0);
    for (name, text) in BUNDLED {
        super::say!("{name:<width$}  {}", summary(text));
    }
    Ok(())
}
