//! `aelab export PRESET_OR_CHECKPOINT`: train a preset (or continue a
//! checkpoint's run, in the preset it names), then write the pictures and
//! arrays asked for (`crate::export`).

use super::start;
use crate::export::{self, Curves, Request};
use anyhow::{Result, bail};
use std::path::Path;
use std::time::Instant;

/// What `aelab export` was asked.
pub struct Options<'a> {
    /// A preset (file or bundled name) or a checkpoint file saved with `w`.
    pub source: &'a str,
    /// The preset a checkpoint's models belong to (default: the one it names).
    pub preset: Option<&'a str>,
    /// Steps to train first (default: the preset's epochs; 0 from a checkpoint).
    pub steps: Option<u64>,
    pub request: Request,
}

/// A checkpoint is a file that is not a preset (`.toml`).
fn is_checkpoint(source: &str) -> bool {
    let path = Path::new(source);
    path.is_file() && path.extension().is_none_or(|e| e != "toml")
}

pub fn run(options: Options, sets: &[String]) -> Result<()> {
    if options.request.is_empty() {
        bail!(
            "nothing to export: give at least one of --filters, --recon, --codes, --curves (FILE.png), --weights FILE.npz, --codes-npy FILE.npy"
        );
    }
    let checkpoint = is_checkpoint(options.source).then(|| Path::new(options.source));
    let preset_name = match (checkpoint, options.preset) {
        (Some(_), p) => p,
        (None, None) => Some(options.source),
        (None, Some(_)) => bail!(
            "--preset is for a checkpoint; {} is a preset itself",
            options.source
        ),
    };
    let (mut trainer, _) = start(preset_name, sets, checkpoint)?;
    if trainer.preset().stack.is_some() {
        eprintln!(
            "{}: a stacked preset: export trains and draws its first layer only",
            trainer.preset().origin
        );
    }
    let steps = options.steps.unwrap_or(if checkpoint.is_some() {
        0
    } else {
        export::preset_steps(&trainer)
    });
    let curves = if steps > 0 {
        let started = Instant::now();
        let curves = export::train_recording(&mut trainer, steps)?;
        eprintln!(
            "{}: trained {steps} steps ({} epochs) in {:.1} s",
            trainer.preset().origin,
            trainer.epoch(),
            started.elapsed().as_secs_f64()
        );
        curves
    } else {
        Curves::default()
    };
    for path in export::write(&mut trainer, &curves, &options.request)? {
        super::say!("wrote {}", path.display());
    }
    Ok(())
}
