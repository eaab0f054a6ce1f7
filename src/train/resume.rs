//! A trainer into a checkpoint and back: `Trainer::checkpoint` takes every
//! piece of state the next steps depend on, `Trainer::resume` puts it back
//! after checking that it fits this preset's data and models.

use super::checkpoint::{Checkpoint, CheckpointError, ModelState, RunState, SavedOptimizer};
use super::slot::{Slot, Stepper};
use super::{TrainRng, Trainer};
use crate::model::Params;
use std::path::Path;

impl Trainer {
    /// Everything the run depends on, as of now (between steps).
    pub fn checkpoint(&self) -> Checkpoint {
        let run = RunState {
            seed: self.seed,
            step: self.step,
            epoch: self.epoch as u64,
            order: self.order.iter().map(|&i| i as u32).collect(),
            cursor: self.cursor as u64,
            shuffle: self.shuffle.serialize_state().to_vec(),
            timeline_at: self.timeline_at as u64,
            log: self.log.clone(),
        };
        let models = self
            .slots
            .iter()
            .map(|s| ModelState {
                config: s.config.clone(),
                version: s.version,
                theta: s.params.theta.clone(),
                optimizer: match &s.stepper {
                    Stepper::FirstOrder(o) => SavedOptimizer::FirstOrder(o.state()),
                    Stepper::Lbfgs(l) => SavedOptimizer::Lbfgs(l.clone()),
                },
                noise: s.noise.serialize_state().to_vec(),
                epoch_sum: s.epoch_sum,
                val_recon: s.val_recon,
                watch: s.watch.clone(),
            })
            .collect();
        Checkpoint {
            preset: self.preset.origin.clone(),
            sets: self.preset.sets.clone(),
            run,
            models,
        }
    }

    /// Writes [`checkpoint`](Self::checkpoint) to `path`, atomically.
    pub fn save_checkpoint(&self, path: &Path) -> Result<(), CheckpointError> {
        self.checkpoint().write(path)
    }

    /// Continues the run saved at `path`; says what it resumed.
    pub fn resume(&mut self, path: &Path) -> Result<String, CheckpointError> {
        let checkpoint = Checkpoint::read(path)?;
        self.restore(checkpoint, &path.display().to_string())
    }

    /// Puts a checkpoint's state in place of the current run. Nothing changes
    /// unless all of it fits: the same data size, model labels and shapes.
    pub fn restore(&mut self, c: Checkpoint, file: &str) -> Result<String, CheckpointError> {
        let mismatch = |message: String| CheckpointError::Mismatch {
            file: file.to_string(),
            message,
        };
        let samples = self.train.len();
        let order: Vec<usize> = c.run.order.iter().map(|&i| i as usize).collect();
        if order.len() != samples {
            return Err(mismatch(format!(
                "it was taken on {} training samples, but this preset's data has {samples} (check data.* and --set)",
                order.len()
            )));
        }
        let mut seen = vec![false; samples];
        let permutation =
            (order.iter()).all(|&i| i < samples && !std::mem::replace(&mut seen[i], true));
        if !permutation {
            return Err(mismatch(
                "its order of the training samples is damaged".into(),
            ));
        }
        let cursor = usize::try_from(c.run.cursor)
            .ok()
            .filter(|&k| k < samples)
            .ok_or_else(|| {
                mismatch(format!(
                    "its batch position {} is past the data",
                    c.run.cursor
                ))
            })?;
        let shuffle =
            rng(&c.run.shuffle).ok_or_else(|| mismatch("its batch-order RNG is damaged".into()))?;
        let theirs: Vec<String> = c.models.iter().map(|m| m.config.label.clone()).collect();
        let ours: Vec<String> = self.slots.iter().map(|s| s.config.label.clone()).collect();
        if theirs != ours {
            return Err(mismatch(format!(
                "it holds the models {theirs:?}, but this preset has {ours:?}"
            )));
        }
        let inputs = self.train.inputs();
        // Hidden is the one setting a run cannot change: it must be the preset's.
        for (slot, m) in self.slots.iter().zip(&c.models) {
            if slot.config.hidden != m.config.hidden {
                return Err(mismatch(format!(
                    "model \"{}\" has {} hidden units, but this preset's has {}",
                    m.config.label, m.config.hidden, slot.config.hidden
                )));
            }
        }
        let slots = c
            .models
            .into_iter()
            .enumerate()
            .map(|(i, m)| model(m, inputs, i).map_err(&mismatch))
            .collect::<Result<Vec<Slot>, _>>()?;
        let step = c.run.step;
        self.slots = slots;
        self.seed = c.run.seed;
        self.step = step;
        self.epoch = c.run.epoch as usize;
        self.order = order;
        self.cursor = cursor;
        self.shuffle = shuffle;
        self.timeline_at = (c.run.timeline_at as usize).min(self.preset.timeline.len());
        self.log = c.run.log;
        // A new run for the UI: its curves start again from here; a probe of
        // the weights it replaced says nothing about it.
        self.run_id += 1;
        self.probe = super::ProbeState::Idle;
        self.probe_result = None;
        let message = format!(
            "resumed {file}: step {step}, epoch {}, models {}",
            self.epoch,
            ours.join(", ")
        );
        self.message = Some(message.clone());
        Ok(message)
    }
}

/// A ChaCha12 generator from its saved state.
fn rng(bytes: &[u8]) -> Option<TrainRng> {
    Some(TrainRng::deserialize_state(bytes.try_into().ok()?))
}

/// Model `index` as saved, if its weights and optimiser fit its settings.
fn model(m: ModelState, inputs: usize, index: usize) -> Result<Slot, String> {
    let label = m.config.label.clone();
    (m.config.validate()).map_err(|e| format!("model \"{label}\": {}: {}", e.key, e.message))?;
    if m.config.hidden.saturating_mul(inputs) > super::trainer::MAX_WEIGHTS {
        return Err(format!(
            "model \"{label}\" has too many hidden units ({})",
            m.config.hidden
        ));
    }
    let arch = m.config.arch(inputs);
    if m.theta.len() != arch.len() {
        return Err(format!(
            "model \"{label}\" has {} weights, but {inputs} inputs → {} hidden (tied: {}) needs {}",
            m.theta.len(),
            arch.hidden,
            arch.tied,
            arch.len()
        ));
    }
    let noise =
        rng(&m.noise).ok_or_else(|| format!("model \"{label}\": its noise RNG is damaged"))?;
    let mut slot = Slot::new(m.config, inputs, 0, index);
    slot.stepper = match (slot.stepper, m.optimizer) {
        (Stepper::FirstOrder(mut o), SavedOptimizer::FirstOrder(state)) => {
            o.set_state(state)
                .map_err(|e| format!("model \"{label}\": {e}"))?;
            Stepper::FirstOrder(o)
        }
        (Stepper::Lbfgs(_), SavedOptimizer::Lbfgs(l)) if l.fits(arch.len()) => Stepper::Lbfgs(l),
        _ => {
            return Err(format!(
                "model \"{label}\": its optimiser state is not that of {}",
                slot.config.optimizer
            ));
        }
    };
    slot.params = Params {
        arch,
        theta: m.theta,
    };
    slot.noise = noise;
    slot.version = m.version;
    slot.epoch_sum = m.epoch_sum;
    slot.val_recon = m.val_recon;
    slot.watch = m.watch;
    Ok(slot)
}
