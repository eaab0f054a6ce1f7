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
    if preset.stack.is_some() {
        let lines = super::stacked::probe(preset, epochs)?;
        for (i, (label, size, accuracy)) in lines.into_iter().enumerate() {
            line(
                &label,
                size,
                if i == 0 { "inputs" } else { "codes" },
                accuracy,
            );
        }
        return Ok(());
    }
    let mut trainer = Trainer::new(preset, train, val)?;
    let epochs = epochs.unwrap_or(trainer.preset().epochs);
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
    line(
        "raw pixels",
        trainer.train_set().inputs(),
        "inputs",
        report.raw,
    );
    for ((label, acc), config) in report.codes.iter().zip(trainer.configs()) {
        line(label, config.hidden, "codes", *acc);
    }
    Ok(())
}

/// One line of the report: what the classifier read, how many, its accuracy.
fn line(label: &str, size: usize, what: &str, accuracy: f64) {
    super::say!("{label:<18} {size:>6} {what:<7} val_accuracy={accuracy:.4}");
}
