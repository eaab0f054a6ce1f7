//! Training for an export: the trainer's own steps, with the validation
//! error of every model measured at about `VAL_POINTS` evenly spaced steps
//! (the objective of every step comes with the snapshot afterwards).

use crate::optim::OptimizerKind;
use crate::progress::Progress;
use crate::train::{Diverged, Trainer};

/// How many times the validation error is measured over a training.
const VAL_POINTS: u64 = 60;

/// The validation error of each model (in preset order) as (step, val_recon).
#[derive(Clone, Debug, Default)]
pub struct Curves {
    pub val: Vec<Vec<(u64, f64)>>,
}

/// The steps the preset's epochs take: one a batch, or one an epoch for L-BFGS (full batch).
pub fn preset_steps(trainer: &Trainer) -> u64 {
    let preset = trainer.preset();
    let epochs = preset.epochs as u64;
    let full_batch = trainer
        .configs()
        .first()
        .is_some_and(|c| c.optimizer == OptimizerKind::Lbfgs);
    if full_batch {
        epochs
    } else {
        epochs * (trainer.train_set().len().div_ceil(preset.batch.max(1)) as u64)
    }
}

/// Takes `steps` more steps, measuring the validation error as it goes
/// (and before the first step, so a curve starts where training did).
pub fn train_recording(trainer: &mut Trainer, steps: u64) -> Result<Curves, Diverged> {
    let models = trainer.configs().len();
    let mut curves = Curves {
        val: vec![Vec::new(); models],
    };
    let every = (steps / VAL_POINTS).max(1);
    let measure = |trainer: &Trainer, curves: &mut Curves| {
        for (i, points) in curves.val.iter_mut().enumerate() {
            let v = trainer.evaluate(i).val_recon;
            if v.is_finite() {
                points.push((trainer.step_count(), v));
            }
        }
    };
    measure(trainer, &mut curves);
    let mut progress = Progress::bar_only("training", steps);
    for k in 1..=steps {
        trainer.step()?;
        if k % every == 0 || k == steps {
            measure(trainer, &mut curves);
            progress.set(k);
        }
    }
    progress.finish();
    Ok(curves)
}
