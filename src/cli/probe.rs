//! `aelab probe PRESET`: train the preset's autoencoder(s), then a softmax
//! classifier on their hidden codes and one on the raw pixels; report both
//! validation accuracies.

use super::{load_data, load_preset};
use crate::analysis::probe::{Encoder, ITERATIONS, probe};
use crate::progress::Progress;
use crate::train::Trainer;
use anyhow::{Result, bail};

pub fn run(preset: &str, sets: &[String], epochs: Option<usize>) -> Result<()> {
    let preset = load_preset(preset, sets)?;
    let epochs = epochs.unwrap_or(preset.epochs);
    let (train, val) = load_data(&preset)?;
    if train.labels.is_none() {
        bail!(
            "{}: the data has no labels, so there is nothing to classify",
            preset.origin
        );
    }
    if val.is_empty() {
        bail!(
            "{}: data.validation is 0, so there is no split to measure accuracy on",
            preset.origin
        );
    }
    let mut trainer = Trainer::new(preset, train, val)?;
    let mut progress = Progress::new("autoencoder", epochs as u64);
    for e in 0..epochs {
        trainer.run_epoch()?;
        progress.set(e as u64 + 1);
    }
    progress.finish();

    let encoders: Vec<Encoder> = (0..trainer.configs().len())
        .map(|i| Encoder {
            label: trainer.configs()[i].label.clone(),
            objective: trainer.configs()[i].objective(),
            params: trainer.params(i),
        })
        .collect();
    let classifiers = (encoders.len() + 1) as u64;
    let mut progress = Progress::new("classifiers", classifiers * ITERATIONS as u64);
    let report = probe(
        &encoders,
        trainer.train_set(),
        trainer.val_set(),
        |i, it| progress.set(i as u64 * ITERATIONS as u64 + it as u64 + 1),
    )
    .expect("labels were checked above");
    progress.finish();
    super::say!(
        "{:<16} {:>6} inputs  val_accuracy={:.4}",
        "raw pixels",
        trainer.train_set().inputs(),
        report.raw
    );
    for ((label, acc), config) in report.codes.iter().zip(trainer.configs()) {
        super::say!(
            "{label:<16} {:>6} codes   val_accuracy={acc:.4}",
            config.hidden
        );
    }
    Ok(())
}
