//! `aelab probe PRESET`: train the preset's autoencoder(s), then a softmax
//! classifier on their hidden codes and one on the raw pixels; report both
//! validation accuracies.

use super::progress::Progress;
use super::{load_data, load_preset};
use crate::analysis::probe::Softmax;
use crate::train::Trainer;
use anyhow::{Result, bail};
use ndarray::Array2;

/// L-BFGS iterations for each classifier.
pub const ITERATIONS: usize = 200;

pub fn run(preset: &str, sets: &[String], epochs: Option<usize>) -> Result<()> {
    let preset = load_preset(preset, sets)?;
    let epochs = epochs.unwrap_or(preset.epochs);
    let (train, val) = load_data(&preset)?;
    let (Some(y_train), Some(y_val)) = (train.labels.clone(), val.labels.clone()) else {
        bail!(
            "{}: the data has no labels, so there is nothing to classify",
            preset.origin
        );
    };
    if val.is_empty() {
        bail!(
            "{}: data.validation is 0, so there is no split to measure accuracy on",
            preset.origin
        );
    }
    let classes = y_train
        .iter()
        .chain(&y_val)
        .copied()
        .max()
        .map_or(1, |c| c as usize + 1);
    let mut trainer = Trainer::new(preset, train, val)?;
    let mut progress = Progress::new("autoencoder", epochs as u64);
    for e in 0..epochs {
        trainer.run_epoch()?;
        progress.set(e as u64 + 1);
    }
    progress.finish();

    let raw = |x: &Array2<f32>| x.mapv(f64::from);
    let (x_train, x_val) = (raw(&trainer.train_set().x), raw(&trainer.val_set().x));
    let pixels = fit("raw pixels", &x_train, &y_train, &x_val, &y_val, classes);
    println!(
        "{:<16} {:>6} inputs  val_accuracy={pixels:.4}",
        "raw pixels",
        x_train.ncols()
    );
    for (i, config) in trainer.configs().iter().enumerate() {
        let objective = config.objective();
        let codes = |x: &Array2<f32>| objective.forward(trainer.params(i), x).h.mapv(f64::from);
        let (c_train, c_val) = (codes(&trainer.train_set().x), codes(&trainer.val_set().x));
        let acc = fit(&config.label, &c_train, &y_train, &c_val, &y_val, classes);
        println!(
            "{:<16} {:>6} codes   val_accuracy={acc:.4}",
            config.label,
            c_train.ncols()
        );
    }
    Ok(())
}

fn fit(
    label: &str,
    x: &Array2<f64>,
    y: &[u8],
    x_val: &Array2<f64>,
    y_val: &[u8],
    classes: usize,
) -> f64 {
    let mut softmax = Softmax::new(classes, x.ncols());
    let mut progress = Progress::new(label, ITERATIONS as u64);
    softmax.fit(x, y, ITERATIONS, |i| progress.set(i as u64 + 1));
    progress.finish();
    softmax.accuracy(x_val, y_val)
}
