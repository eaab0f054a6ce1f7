//! The training loop, without threads: models, data and RNGs; one `step()`
//! at a time; commands applied at step boundaries. The same `Trainer` runs
//! headless (`aelab train`) and behind the TUI (see `worker.rs`).

use super::{Codes, Command, LossPoint, ModelView, ProbeState, Recon, Snapshot};
use crate::analysis::jacobian::{AlongAcross, along_across};
use crate::analysis::probe::{self, Encoder, ProbeReport};
use crate::data::Dataset;
use crate::model::{Activation, Cache, Objective, Params, Terms, Variant};
use crate::optim::{self, Lbfgs, Optimizer, OptimizerKind};
use crate::preset::{ModelConfig, Preset, PresetError};
use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};
use toml::Value;

/// The most weights (hidden × inputs) a model may have: beyond this a typo
/// in model.hidden would exhaust the memory rather than train.
const MAX_WEIGHTS: usize = 50_000_000;

/// How many validation samples the reconstruction pane shows.
const RECON_SAMPLES: usize = 6;
/// How many validation samples the code-space scatter shows, and how often
/// their codes are recomputed (a forward pass of them each snapshot would
/// cost the trainer more than the picture is worth).
const CODE_SAMPLES: usize = 500;
const CODE_REFRESH: Duration = Duration::from_secs(1);
/// Codes closer than this to the ends of the activation's range count as saturated.
const SATURATION_MARGIN: f32 = 0.05;

/// An optimiser: one update per minibatch, or L-BFGS on the full batch.
enum Stepper {
    FirstOrder(Box<dyn Optimizer<f32>>),
    Lbfgs(Lbfgs<f32>),
}

impl Stepper {
    fn new(kind: OptimizerKind, lr: f64, len: usize) -> Self {
        match optim::first_order(kind, lr, len) {
            Some(o) => Stepper::FirstOrder(o),
            None => Stepper::Lbfgs(Lbfgs::default()),
        }
    }
}

/// One model under training.
struct Slot {
    config: ModelConfig,
    /// Runtime changes on top of the preset, in order (`key`, value).
    changes: Vec<(String, Value)>,
    params: Params<f32>,
    stepper: Stepper,
    /// The corruption noise: each model its own stream, seeded from the preset.
    noise: StdRng,
    grad: Vec<f32>,
    /// The last batch's forward pass, kept for the next snapshot: the
    /// pictures' statistics (saturation, sensitivity) come from it then.
    last: Option<Cache<f32>>,
    losses: Vec<LossPoint>,
    /// Sums over the current epoch, for the epoch report.
    epoch_sum: EpochSum,
    val_recon: Option<f32>,
    /// The codes last shown, with the step and time they were computed at.
    last_codes: Option<(u64, Instant, Arc<Codes>)>,
}

struct BatchStats {
    rho_hat: Vec<f32>,
    jacobian_units: Vec<f32>,
    saturated: f32,
    sensitivity: Vec<f32>,
}

#[derive(Default, Clone, Copy)]
struct EpochSum {
    batches: usize,
    terms: Terms,
    /// Σ over batches of the per-pixel MSE between X̂ and the clean X.
    recon_mse: f64,
}

/// What one epoch of one model came to (a JSON line of `aelab train`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ModelReport {
    pub label: String,
    /// Mean over the epoch's batches of the whole objective J.
    pub loss: f64,
    /// Mean per-pixel squared error of the reconstructions (training batches).
    pub recon: f64,
    pub weight_decay: f64,
    pub sparsity: f64,
    pub l1: f64,
    pub contractive: f64,
    /// Mean ρ̂ over units, on the clean validation inputs.
    pub rho_hat_mean: f64,
    /// Mean ‖J_h(x)‖²_F on the clean validation inputs.
    pub jacobian_fro2: f64,
    /// Per-pixel MSE between clean validation inputs and the reconstruction of
    /// their `eval.corrupt`-corrupted versions.
    pub val_recon: f64,
    /// Toy data only: mean ‖J t‖ along the curve's tangent t, and the largest
    /// singular value of J across it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jacobian_along: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jacobian_across: Option<f64>,
}

/// Training diverged: the objective became NaN or infinite.
#[derive(Debug, thiserror::Error)]
#[error(
    "model \"{label}\" diverged at step {step}: the objective is {value}; lower train.lr (the [ key in the lab) and reset (r)"
)]
pub struct Diverged {
    pub label: String,
    pub step: u64,
    pub value: f64,
}

pub struct Trainer {
    preset: Preset,
    train: Dataset,
    val: Dataset,
    slots: Vec<Slot>,
    /// The epoch's order of training samples, and where the next batch starts.
    order: Vec<usize>,
    cursor: usize,
    shuffle: StdRng,
    step: u64,
    epoch: usize,
    run_id: u64,
    running: bool,
    steps_requested: u64,
    /// Every command applied, with the step it was applied before: a replayable timeline.
    log: Vec<(u64, Command)>,
    /// The timeline entries of the preset not yet applied (sorted by step).
    timeline_at: usize,
    message: Option<String>,
    /// Samples seen and when the throughput window started.
    window: (usize, Instant),
    samples_per_s: f64,
    probe: ProbeState,
    /// Whether every training value is in [0, 1] (what bce needs).
    targets_in_unit_interval: bool,
    /// Where the background probe's result arrives.
    probe_result: Option<Receiver<Option<ProbeReport>>>,
}

impl Trainer {
    /// Builds the models of a preset on its data (already split).
    pub fn new(preset: Preset, train: Dataset, val: Dataset) -> Result<Trainer, PresetError> {
        if train.is_empty() {
            return Err(PresetError::Invalid {
                origin: preset.origin.clone(),
                message: "the training split is empty".into(),
            });
        }
        let targets_in_unit_interval = train.x.iter().all(|v| (0.0..=1.0).contains(v));
        if preset
            .models
            .iter()
            .any(|m| m.loss == crate::model::Loss::Bce)
            && !targets_in_unit_interval
        {
            return Err(PresetError::Invalid {
                origin: format!("{}: model.loss", preset.origin),
                message: "bce needs targets in [0, 1], but the data has values outside it; use loss = \"mse\"".into(),
            });
        }
        let too_big = preset
            .models
            .iter()
            .find(|m| m.hidden.saturating_mul(train.inputs()) > MAX_WEIGHTS);
        if let Some(m) = too_big {
            return Err(PresetError::Invalid {
                origin: format!("{}: model.hidden", preset.origin),
                message: format!(
                    "{} hidden units × {} inputs is more weights than aelab trains ({MAX_WEIGHTS}) (model \"{}\")",
                    m.hidden,
                    train.inputs(),
                    m.label
                ),
            });
        }
        let mut t = Trainer {
            targets_in_unit_interval,
            order: (0..train.len()).collect(),
            cursor: 0,
            shuffle: StdRng::seed_from_u64(preset.seed),
            slots: Vec::new(),
            step: 0,
            epoch: 0,
            run_id: 0,
            running: true,
            steps_requested: 0,
            log: Vec::new(),
            timeline_at: 0,
            message: None,
            window: (0, Instant::now()),
            samples_per_s: 0.0,
            probe: ProbeState::Idle,
            probe_result: None,
            preset,
            train,
            val,
        };
        t.init_models();
        Ok(t)
    }

    /// (Re-)initialises every model from the seed: the same initial weights
    /// for models of the same shape.
    fn init_models(&mut self) {
        let inputs = self.train.inputs();
        let seed = self.preset.seed;
        let old: Vec<(ModelConfig, Vec<(String, Value)>)> = if self.slots.is_empty() {
            self.preset
                .models
                .iter()
                .map(|c| (c.clone(), Vec::new()))
                .collect()
        } else {
            self.slots
                .drain(..)
                .map(|s| (s.config, s.changes))
                .collect()
        };
        for (i, (config, changes)) in old.into_iter().enumerate() {
            let mut init_rng = StdRng::seed_from_u64(seed);
            let params = Params::init(config.arch(inputs), &mut init_rng);
            let len = params.theta.len();
            self.slots.push(Slot {
                stepper: Stepper::new(config.optimizer, config.lr, len),
                config,
                changes,
                params,
                noise: StdRng::seed_from_u64(seed.wrapping_add(1 + i as u64)),
                grad: vec![0.0; len],
                last: None,
                losses: Vec::new(),
                epoch_sum: EpochSum::default(),
                val_recon: None,
                last_codes: None,
            });
        }
        self.shuffle = StdRng::seed_from_u64(seed);
        self.order = (0..self.train.len()).collect();
        self.order.shuffle(&mut self.shuffle);
        self.cursor = 0;
    }

    pub fn step_count(&self) -> u64 {
        self.step
    }

    pub fn epoch(&self) -> usize {
        self.epoch
    }

    pub fn running(&self) -> bool {
        self.running
    }

    pub fn run_id(&self) -> u64 {
        self.run_id
    }

    pub fn preset(&self) -> &Preset {
        &self.preset
    }

    pub fn configs(&self) -> Vec<&ModelConfig> {
        self.slots.iter().map(|s| &s.config).collect()
    }

    /// The parameters of model `i` (for analyses after training).
    pub fn params(&self, i: usize) -> &Params<f32> {
        &self.slots[i].params
    }

    pub fn train_set(&self) -> &Dataset {
        &self.train
    }

    pub fn val_set(&self) -> &Dataset {
        &self.val
    }

    /// The commands applied so far, each with the step it was applied before.
    pub fn log(&self) -> &[(u64, Command)] {
        &self.log
    }

    /// Starts every model from the weights in a checkpoint (by label).
    pub fn resume(&mut self, path: &std::path::Path) -> Result<(), String> {
        for slot in &mut self.slots {
            slot.params = super::checkpoint::load(path, &slot.config.label, slot.params.arch)?;
        }
        Ok(())
    }

    /// Whether the worker should take a step now.
    pub fn wants_step(&self) -> bool {
        self.running || self.steps_requested > 0
    }

    /// Applies a command at this step boundary.
    pub fn apply(&mut self, command: Command) {
        self.log.push((self.step, command.clone()));
        self.execute(command);
    }

    /// Carries a command out, without logging it (the preset's own timeline is not re-recorded).
    fn execute(&mut self, command: Command) {
        match command {
            Command::SetRunning(on) => {
                self.running = on;
                self.steps_requested = 0;
            }
            Command::StepOnce => {
                self.running = false;
                self.steps_requested += 1;
            }
            Command::Reset => {
                // A probe of the old weights says nothing about the new run.
                self.probe = ProbeState::Idle;
                self.probe_result = None;
                self.run_id += 1;
                self.step = 0;
                self.epoch = 0;
                self.timeline_at = 0;
                self.init_models();
                self.message = Some("weights re-initialised".into());
            }
            Command::Probe => self.start_probe(),
            Command::SaveCheckpoint(path) => {
                let models: Vec<(String, &Params<f32>)> = self
                    .slots
                    .iter()
                    .map(|s| (s.config.label.clone(), &s.params))
                    .collect();
                self.message = Some(
                    match super::checkpoint::save(&path, &self.preset.origin, self.step, &models) {
                        Ok(()) => format!(
                            "weights saved to {} (aelab --resume {})",
                            path.display(),
                            path.display()
                        ),
                        Err(e) => e,
                    },
                );
            }
            Command::SaveTimeline(path) => {
                let labels: Vec<String> =
                    self.slots.iter().map(|s| s.config.label.clone()).collect();
                let text = super::timeline::recorded(
                    self.preset.source_text(),
                    self.preset.overrides(),
                    &self.log,
                    &labels,
                );
                self.message = Some(match std::fs::write(&path, text) {
                    Ok(()) => format!(
                        "timeline saved to {} (replay: aelab {})",
                        path.display(),
                        path.display()
                    ),
                    Err(e) => format!("cannot write {}: {e}", path.display()),
                });
            }
            Command::Set { model, key, value } => {
                let targets: Vec<usize> = match model {
                    Some(i) if i < self.slots.len() => vec![i],
                    Some(_) => Vec::new(),
                    None => (0..self.slots.len()).collect(),
                };
                for i in targets {
                    if let Err(e) = self.set(i, &key, value.clone()) {
                        self.message = Some(e);
                        if key == "variant" {
                            self.skip_to_a_valid_variant(i, &value);
                        }
                    }
                }
            }
        }
    }

    /// `v`/`V` asked for a variant this model cannot take (sparse on a
    /// linear encoder, say): go on in the same direction to the first one it
    /// can, so the keys never get stuck.
    fn skip_to_a_valid_variant(&mut self, i: usize, refused: &Value) {
        let current = self.slots[i].config.variant;
        let Some(refused) = refused
            .as_str()
            .and_then(|name| Variant::ALL.into_iter().find(|v| v.name() == name))
        else {
            return;
        };
        let forward = current.cycle(true) == refused;
        let mut next = refused.cycle(forward);
        while next != current {
            if self
                .set(i, "variant", Value::String(next.name().into()))
                .is_ok()
            {
                self.message = Some(format!(
                    "variant {} cannot apply here; skipped to {}",
                    refused.name(),
                    next.name()
                ));
                return;
            }
            next = next.cycle(forward);
        }
    }

    /// Changes one key of model `i`, keeping its weights.
    fn set(&mut self, i: usize, key: &str, value: Value) -> Result<(), String> {
        let targets_in_unit_interval = self.targets_in_unit_interval;
        let shared_batches = self.slots.len() > 1;
        let slot = &mut self.slots[i];
        let mut changes = slot.changes.clone();
        if key == "train.batch" || key == "train.epochs" {
            return Err(format!(
                "{key} is shared by every model: set it in the preset and restart"
            ));
        }
        crate::preset::push_change(&mut changes, key, value);
        let config = self
            .preset
            .resolve_model(i, &changes)
            .map_err(|e| e.to_string())?;
        let lbfgs = |c: &ModelConfig| c.optimizer == OptimizerKind::Lbfgs;
        if lbfgs(&config) != lbfgs(&slot.config) && shared_batches {
            return Err("every model must use L-BFGS, or none: they share the batches".into());
        }
        if config.loss == crate::model::Loss::Bce && !targets_in_unit_interval {
            return Err("bce needs targets in [0, 1], but this data has values outside it".into());
        }
        if config.hidden != slot.config.hidden {
            return Err(
                "model.hidden cannot change while training: edit the preset and restart".into(),
            );
        }
        if config.tied != slot.config.tied {
            slot.params = slot.params.with_tied(config.tied);
            slot.grad = vec![0.0; slot.params.theta.len()];
            slot.stepper = Stepper::new(config.optimizer, config.lr, slot.params.theta.len());
        } else if config.optimizer != slot.config.optimizer {
            slot.stepper = Stepper::new(config.optimizer, config.lr, slot.params.theta.len());
        }
        match &mut slot.stepper {
            Stepper::FirstOrder(o) => o.set_lr(config.lr),
            // The objective changed: old curvature pairs no longer describe it.
            Stepper::Lbfgs(l) => l.reset(),
        }
        slot.config = config;
        slot.changes = changes;
        Ok(())
    }

    /// Takes one step: the next minibatch for every model (the same batch for
    /// all), or one L-BFGS iteration on the full batch.
    pub fn step(&mut self) -> Result<(), Diverged> {
        self.apply_timeline();
        self.steps_requested = self.steps_requested.saturating_sub(1);
        let full_batch = matches!(
            self.slots.first().map(|s| &s.stepper),
            Some(Stepper::Lbfgs(_))
        );
        // L-BFGS takes the whole training set as it is; a minibatch is gathered.
        let gathered;
        let x = if full_batch {
            &self.train.x
        } else {
            let end = (self.cursor + self.preset.batch).min(self.order.len());
            gathered = self.train.rows(&self.order[self.cursor..end]);
            &gathered
        };
        let samples = x.nrows();
        let step = self.step;
        // Every model takes the batch, so they stay in step even if one diverges.
        let mut diverged = None;
        for slot in &mut self.slots {
            if let Err(value) = slot.step(x, step) {
                diverged.get_or_insert(Diverged {
                    label: slot.config.label.clone(),
                    step,
                    value,
                });
            }
        }
        self.step += 1;
        self.count_samples(samples);
        if full_batch {
            self.epoch += 1;
        } else {
            self.cursor += samples;
            if self.cursor >= self.order.len() {
                self.epoch += 1;
                self.cursor = 0;
                self.order.shuffle(&mut self.shuffle);
            }
        }
        match diverged {
            None => Ok(()),
            Some(err) => {
                self.running = false;
                self.steps_requested = 0;
                self.message = Some(format!("{err}: paused"));
                Err(err)
            }
        }
    }

    fn apply_timeline(&mut self) {
        while let Some(entry) = self.preset.timeline.get(self.timeline_at) {
            if entry.step > self.step {
                break;
            }
            let entry = entry.clone();
            self.timeline_at += 1;
            if entry.step < self.step {
                continue;
            }
            for (key, value) in entry.set {
                self.execute(Command::Set {
                    model: entry.model,
                    key,
                    value,
                });
            }
        }
    }

    fn count_samples(&mut self, n: usize) {
        self.window.0 += n;
        let elapsed = self.window.1.elapsed().as_secs_f64();
        if elapsed >= 0.5 {
            self.samples_per_s = self.window.0 as f64 / elapsed;
            self.window = (0, Instant::now());
        }
    }

    /// Runs steps until the current epoch ends, then evaluates every model.
    pub fn run_epoch(&mut self) -> Result<Vec<ModelReport>, Diverged> {
        let epoch = self.epoch;
        for slot in &mut self.slots {
            slot.epoch_sum = EpochSum::default();
        }
        while self.epoch == epoch {
            self.step()?;
        }
        Ok((0..self.slots.len()).map(|i| self.report(i)).collect())
    }

    /// The epoch report of model `i`, evaluated on the validation split.
    fn report(&mut self, i: usize) -> ModelReport {
        let eval = self.evaluate(i);
        let slot = &mut self.slots[i];
        slot.val_recon = Some(eval.val_recon as f32);
        let s = slot.epoch_sum;
        let n = s.batches.max(1) as f64;
        ModelReport {
            label: slot.config.label.clone(),
            loss: s.terms.total() / n,
            recon: s.recon_mse / n,
            weight_decay: s.terms.weight_decay / n,
            sparsity: s.terms.sparsity / n,
            l1: s.terms.l1 / n,
            contractive: s.terms.contractive / n,
            rho_hat_mean: eval.rho_hat_mean,
            jacobian_fro2: eval.jacobian_fro2,
            val_recon: eval.val_recon,
            jacobian_along: eval.along_across.map(|a| a.along),
            jacobian_across: eval.along_across.map(|a| a.across),
        }
    }

    /// Starts the probe on a thread of its own, on copies of the weights and
    /// data, so training goes on meanwhile.
    fn start_probe(&mut self) {
        if matches!(self.probe, ProbeState::Running { .. }) {
            self.message = Some("the probe is already running".into());
            return;
        }
        if self.train.labels.is_none() || self.val.is_empty() {
            self.message = Some("probe: the data has no labels or no validation split".into());
            return;
        }
        let models: Vec<(String, Objective, Params<f32>)> = self
            .slots
            .iter()
            .map(|s| {
                (
                    s.config.label.clone(),
                    s.config.objective(),
                    s.params.clone(),
                )
            })
            .collect();
        let (train, val) = (self.train.clone(), self.val.clone());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let encoders: Vec<Encoder> = models
                .iter()
                .map(|(label, objective, params)| Encoder {
                    label: label.clone(),
                    objective: *objective,
                    params,
                })
                .collect();
            // The UI may have gone by the time this finishes; nobody to tell then.
            let _ = tx.send(probe::probe(&encoders, &train, &val, |_, _| {}));
        });
        self.probe_result = Some(rx);
        self.probe = ProbeState::Running { step: self.step };
        self.message = Some("probe started: softmax on the codes and on the raw inputs".into());
    }

    /// Whether the background probe has just finished (its result is then in the next snapshot).
    pub fn poll_probe(&mut self) -> bool {
        let Some(rx) = &self.probe_result else {
            return false;
        };
        let result = match rx.try_recv() {
            Ok(result) => result,
            Err(mpsc::TryRecvError::Empty) => return false,
            Err(mpsc::TryRecvError::Disconnected) => {
                self.message = Some("the probe stopped without a result".into());
                None
            }
        };
        self.probe_result = None;
        let step = match self.probe {
            ProbeState::Running { step } => step,
            _ => self.step,
        };
        self.probe = match result {
            Some(report) => ProbeState::Done { step, report },
            None => ProbeState::Idle,
        };
        true
    }

    /// Validation statistics of model `i`; the eval corruption noise is the
    /// same draw for every model and every call, so numbers compare.
    pub fn evaluate(&self, i: usize) -> Evaluation {
        let slot = &self.slots[i];
        let objective = slot.config.objective();
        let x = &self.val.x;
        if x.nrows() == 0 {
            // Nothing to measure: NaN (null in JSON), not a perfect 0.
            return Evaluation {
                val_recon: f64::NAN,
                rho_hat_mean: f64::NAN,
                jacobian_fro2: f64::NAN,
                along_across: None,
            };
        }
        let mut rng = StdRng::seed_from_u64(self.preset.seed ^ 0x5eed_e7a1);
        let x_tilde = self.preset.eval_corrupt.apply(x, &mut rng);
        let corrupted = objective.forward(&slot.params, &x_tilde);
        let clean = objective.forward(&slot.params, x);
        Evaluation {
            val_recon: per_pixel_mse(x, &corrupted.x_hat),
            rho_hat_mean: clean.rho_hat.mean().unwrap_or(0.0) as f64,
            jacobian_fro2: clean.jacobian_units.sum() as f64,
            along_across: self
                .val
                .tangents
                .as_ref()
                .map(|t| along_across(&objective, &slot.params, x, t)),
        }
    }

    /// The state for the UI: loss points since the previous snapshot, and the
    /// newest pictures.
    pub fn snapshot(&mut self) -> Snapshot {
        self.poll_probe();
        let step = self.step;
        let seed = self.preset.seed;
        let val = &self.val;
        let k = RECON_SAMPLES.min(val.len());
        let idx: Vec<usize> = (0..k).collect();
        let original = val.rows(&idx);
        let labels = val.label_rows(&idx);
        let models = self
            .slots
            .iter_mut()
            .map(|slot| {
                // The shown corruption is redrawn each snapshot from a fixed seed, so frames are reproducible.
                let mut rng = StdRng::seed_from_u64(seed);
                let corrupted = slot.config.corrupt.apply(&original, &mut rng);
                let objective = slot.config.objective();
                let reconstructed = objective.forward(&slot.params, &corrupted).x_hat;
                let stats = match &slot.last {
                    Some(cache) => slot.stats(&objective, cache),
                    None => slot.stats(&objective, &objective.forward(&slot.params, &original)),
                };
                let (filters, filter_norms) = normalised_filters(&slot.params);
                ModelView {
                    config: slot.config.clone(),
                    losses: std::mem::take(&mut slot.losses),
                    jacobian_fro2: stats.jacobian_units.iter().sum(),
                    rho_hat: stats.rho_hat,
                    jacobian_units: stats.jacobian_units,
                    saturated: stats.saturated,
                    filters: Arc::new(filters),
                    filter_norms,
                    sensitivity: stats.sensitivity,
                    recon: Arc::new(Recon {
                        original: original.clone(),
                        corrupted,
                        reconstructed,
                        labels: labels.clone(),
                    }),
                    val_recon: slot.val_recon,
                    codes: slot.codes(&objective, val, step),
                }
            })
            .collect();
        Snapshot {
            run_id: self.run_id,
            step: self.step,
            epoch: self.epoch,
            // A paused trainer processes nothing; its last rate would mislead.
            samples_per_s: if self.running {
                self.samples_per_s
            } else {
                0.0
            },
            running: self.running,
            dataset: format!(
                "{} ({} train / {} val)",
                self.train.name,
                self.train.len(),
                self.val.len()
            ),
            image_shape: self.train.shape,
            models,
            message: self.message.take(),
            probe: self.probe.clone(),
        }
    }
}

/// Validation statistics of one model.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Evaluation {
    pub val_recon: f64,
    pub rho_hat_mean: f64,
    pub jacobian_fro2: f64,
    /// The encoder's sensitivity along / across the data's tangents, when the data has them (toy).
    pub along_across: Option<AlongAcross>,
}

impl Slot {
    /// The codes of the first validation samples, recomputed when the weights
    /// have changed and the last ones are older than `CODE_REFRESH`.
    fn codes(&mut self, objective: &Objective, val: &Dataset, step: u64) -> Arc<Codes> {
        if let Some((at, when, codes)) = &self.last_codes
            && (*at == step || when.elapsed() < CODE_REFRESH)
        {
            return codes.clone();
        }
        let idx: Vec<usize> = (0..CODE_SAMPLES.min(val.len())).collect();
        let h = objective.forward(&self.params, &val.rows(&idx)).h;
        let codes = Arc::new(Codes {
            h,
            labels: val.label_rows(&idx),
        });
        self.last_codes = Some((step, Instant::now(), codes.clone()));
        codes
    }

    /// One update on the clean batch `x`; returns the step's loss point.
    /// One update on the clean batch `x`. If the objective or θ stops being
    /// finite, θ goes back to where it was, the optimiser starts afresh, and
    /// the objective's value is the error.
    fn step(&mut self, x: &Array2<f32>, step: u64) -> Result<LossPoint, f64> {
        let objective = self.config.objective();
        let before = self.params.theta.clone();
        // Fresh noise each time a sample is seen; drawn once per step so that
        // L-BFGS's line search sees one fixed objective.
        let x_tilde = self.config.corrupt.apply(x, &mut self.noise);
        let (terms, cache) = match &mut self.stepper {
            Stepper::FirstOrder(opt) => {
                let (terms, cache) =
                    objective.value_and_gradient(&self.params, x, &x_tilde, &mut self.grad);
                opt.step(&mut self.params.theta, &self.grad);
                (terms, cache)
            }
            Stepper::Lbfgs(lbfgs) => {
                if !self.config.corrupt.is_identity() {
                    // This step's noise draw is a new objective: the cached f and g are of the last one.
                    lbfgs.forget_iterate();
                }
                let arch = self.params.arch;
                let mut cost = |theta: &[f32], grad: &mut [f32]| {
                    let p = Params {
                        arch,
                        theta: theta.to_vec(),
                    };
                    let (terms, _) = objective.value_and_gradient(&p, x, &x_tilde, grad);
                    terms.total() as f32
                };
                lbfgs.step(&mut self.params.theta, &mut cost);
                let cache = objective.forward(&self.params, &x_tilde);
                (objective.terms(&self.params, x, &cache), cache)
            }
        };
        if !terms.total().is_finite() || self.params.theta.iter().any(|v| !v.is_finite()) {
            self.params.theta = before;
            // Moments or curvature pairs built from the bad step would repeat it.
            self.stepper = Stepper::new(
                self.config.optimizer,
                self.config.lr,
                self.params.theta.len(),
            );
            return Err(terms.total());
        }
        let point = LossPoint {
            step,
            total: terms.total() as f32,
            recon: terms.recon as f32,
            weight_decay: terms.weight_decay as f32,
            sparsity: terms.sparsity as f32,
            l1: terms.l1 as f32,
            contractive: terms.contractive as f32,
        };
        self.epoch_sum.batches += 1;
        self.epoch_sum.recon_mse += per_pixel_mse(x, &cache.x_hat);
        self.epoch_sum.terms += terms;
        self.last = Some(cache);
        self.losses.push(point);
        Ok(point)
    }

    fn stats(&self, objective: &Objective, cache: &Cache<f32>) -> BatchStats {
        let (lo, hi) = objective.encoder.range();
        let saturated = match objective.encoder {
            Activation::Sigmoid | Activation::Tanh => {
                let margin = SATURATION_MARGIN * (hi - lo) as f32;
                cache
                    .h
                    .iter()
                    .filter(|&&h| h < lo as f32 + margin || h > hi as f32 - margin)
                    .count()
            }
            // A relu unit is flat (dead) where it outputs 0; linear never saturates.
            Activation::Relu => cache.h.iter().filter(|&&h| h <= 0.0).count(),
            Activation::Linear => 0,
        } as f32
            / cache.h.len().max(1) as f32;
        let w1 = self.params.views().w1;
        let mean_abs_w = w1.map_axis(Axis(1), |r| {
            r.iter().map(|v| v.abs()).sum::<f32>() / r.len().max(1) as f32
        });
        let mean_abs_g = cache.gprime.map(|g| g.abs()).mean_axis(Axis(0));
        let sensitivity = match mean_abs_g {
            Some(g) => (&g * &mean_abs_w).to_vec(),
            None => vec![0.0; w1.nrows()],
        };
        BatchStats {
            rho_hat: cache.rho_hat.to_vec(),
            jacobian_units: cache.jacobian_units.to_vec(),
            saturated,
            sensitivity,
        }
    }
}

/// Mean over samples and pixels of (x̂ − x)².
pub fn per_pixel_mse(x: &Array2<f32>, x_hat: &Array2<f32>) -> f64 {
    let n = x.len().max(1) as f64;
    x.iter()
        .zip(x_hat.iter())
        .map(|(&a, &b)| ((a - b) as f64).powi(2))
        .sum::<f64>()
        / n
}

/// W1[j] / ‖W1[j]‖ for every unit, and the norms.
pub fn normalised_filters(params: &Params<f32>) -> (Array2<f32>, Vec<f32>) {
    let mut w1 = params.views().w1.to_owned();
    let mut norms = Vec::with_capacity(w1.nrows());
    for mut row in w1.axis_iter_mut(Axis(0)) {
        let norm = row.iter().map(|v| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            row /= norm;
        }
        norms.push(norm);
    }
    (w1, norms)
}
