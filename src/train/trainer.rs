//! The training loop: models, data and RNGs; one `step()` at a time, its
//! work shared with rayon's pool (`partner.rs`). Commands are applied at
//! step boundaries (`steering.rs`), the UI's pictures are built in
//! `views.rs`, the epoch reports in `evaluation.rs`, the probe runs in
//! `probe_job.rs`. The same `Trainer` runs headless (`aelab train`) and
//! behind the TUI.

use super::TrainRng;
use super::partner::{Partner, on_pool};
use super::slot::{EpochSum, Slot, Stepper, Trouble};
use super::{LossPoint, ProbeState};
use crate::analysis::locality::live_inputs;
use crate::analysis::pca::PcaReference;
use crate::analysis::probe::ProbeReport;
use crate::analysis::sensitivity::UnitNoise;
use crate::data::Dataset;
use crate::model::Loss;
use crate::model::Params;
use crate::preset::{Preset, PresetError};
use crate::settings::{Context, ModelConfig, Timed};
use ndarray::Array2;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// Seeds the one noise draw of the validation inputs (`eval.corrupt`).
const EVAL_NOISE: u64 = 0x5eed_e7a1;

/// The most weights (hidden × inputs) a model may have: beyond this a typo
/// in model.hidden would exhaust the memory rather than train.
pub(super) const MAX_WEIGHTS: usize = 50_000_000;

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
    /// Mean locality of the filters: the share of a filter's energy over the
    /// inputs that vary in the data that lies in its strongest k × k window
    /// (`analysis::locality`); images only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locality: Option<f64>,
    /// Toy data only: mean ‖J t‖ along the curve's tangent t, and the largest
    /// singular value of J across it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jacobian_along: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jacobian_across: Option<f64>,
    /// A VAE's mean β·KL over the epoch's batches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kl: Option<f64>,
    /// A VAE's −ELBO per validation sample (β = 1, one z each) and its KL part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_neg_elbo: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_kl: Option<f64>,
    /// Mean ‖x̂(x + δ) − x̂(x)‖ / ‖δ‖ on the clean validation inputs, δ ~
    /// N(0, σ² I) at σ = 0.1 and 0.01 (`analysis::sensitivity`).
    pub recon_gain_0_1: f64,
    pub recon_gain_0_01: f64,
}

/// A model stopped: its objective became NaN or infinite (θ goes back to
/// before the step), or it is blowing up (`blowup.rs`).
#[derive(Debug, thiserror::Error)]
#[error("model \"{label}\" {kind} in step {}: {what}; {remedy}", .step + 1)]
pub struct Diverged {
    pub label: String,
    /// The steps taken before the one that failed (the message counts from 1).
    pub step: u64,
    /// "diverged" or "is blowing up".
    pub kind: &'static str,
    pub what: String,
    /// What to change: [`Diverged::remedy`] of the model's optimiser.
    pub remedy: &'static str,
}

impl Diverged {
    /// What a user can change when a model diverges: its learning rate if
    /// its optimiser takes one (L-BFGS does not: lowering it would do nothing).
    pub fn remedy(takes_lr: bool) -> &'static str {
        if takes_lr {
            "lower train.lr (the [ key in the lab) and reset (r)"
        } else {
            "L-BFGS chooses its own steps: lower the penalties' weights or rescale the data, and reset (r)"
        }
    }
}

pub struct Trainer {
    pub(super) preset: Preset,
    pub(super) train: Dataset,
    pub(super) val: Dataset,
    /// The validation inputs corrupted as `eval.corrupt`, one noise draw for
    /// every model and every evaluation, so their errors compare.
    pub(super) eval_input: Array2<f32>,
    /// Which inputs vary in the training data (filters are judged on these).
    pub(super) live_inputs: Arc<Vec<bool>>,
    /// PCA of the training split, when the base model is a linear
    /// autoencoder: the lab holds it against the lecture's result.
    pub(super) pca_reference: Option<Arc<PcaReference>>,
    pub(super) slots: Vec<Slot>,
    /// The facts of the run that changes are judged against.
    pub(super) context: Context,
    /// The seed of the current run: the preset's, then the one each reset drew.
    pub(super) seed: u64,
    /// The epoch's order of training samples, and where the next batch starts.
    pub(super) order: Vec<usize>,
    pub(super) cursor: usize,
    pub(super) shuffle: TrainRng,
    pub(super) step: u64,
    pub(super) epoch: usize,
    pub(super) run_id: u64,
    pub(super) running: bool,
    pub(super) steps_requested: u64,
    /// Commands taken from the UI so far (the UI counts what it sent).
    pub(super) commands_applied: u64,
    /// Every event of the session (changes and resets, from the UI and the
    /// preset's timeline), with the step it applied before: a replayable timeline.
    pub(super) log: Vec<Timed>,
    /// How many of the preset's timeline events have been applied.
    pub(super) timeline_at: usize,
    pub(super) message: Option<String>,
    /// Samples seen and when the throughput window started.
    window: (usize, Instant),
    samples_per_s: f64,
    pub(super) probe: ProbeState,
    /// Where the background probe's result arrives.
    pub(super) probe_result: Option<Receiver<Option<ProbeReport>>>,
    /// The last probe's thread, which outlives a reset until it finishes.
    pub(super) probe_thread: Option<std::thread::JoinHandle<()>>,
    /// Whether the models of a comparison step on threads of their own.
    pub(super) parallel: bool,
    /// The minibatch, gathered anew each step into the same buffer.
    batch: Array2<f32>,
    /// Each model's outcome of the last step, in a kept buffer.
    results: Vec<Result<LossPoint, Trouble>>,
    /// The noise the code views' reconstruction gain adds, drawn once.
    pub(super) gain_noise: Option<UnitNoise>,
    /// When the running trainer last rebuilt the slow views, and what that
    /// snapshot cost.
    pub(super) slow_refresh: Option<(Instant, Duration)>,
    /// The pool's other threads, kept at hand while steps run.
    partner: Partner,
}

/// Multiply-adds of one model's step (batch × inputs × hidden) above which a
/// comparison's models step in parallel: below it, starting the threads costs
/// more than it saves (the 8x8 digits).
const PARALLEL_WORK: usize = 1 << 20;

impl Trainer {
    /// Builds the models of a preset on its data (already split).
    pub fn new(preset: Preset, train: Dataset, val: Dataset) -> Result<Trainer, PresetError> {
        let refuse = |key: &str, message: String| PresetError::Invalid {
            origin: format!("{}: {key}", preset.origin),
            message,
        };
        if train.is_empty() {
            return Err(refuse("data", "the training split is empty".into()));
        }
        let targets_in_unit_interval = train.x.iter().all(|v| (0.0..=1.0).contains(v));
        if preset.models.iter().any(|m| m.loss == Loss::Bce) && !targets_in_unit_interval {
            return Err(refuse(
                "model.loss",
                "bce needs targets in [0, 1], but the data has values outside it; use loss = \"mse\"".into(),
            ));
        }
        let too_big = preset
            .models
            .iter()
            .find(|m| m.hidden.saturating_mul(train.inputs()) > MAX_WEIGHTS);
        if let Some(m) = too_big {
            return Err(refuse(
                "model.hidden",
                format!(
                    "{} hidden units × {} inputs is more weights than aelab trains ({MAX_WEIGHTS}) (model \"{}\")",
                    m.hidden,
                    train.inputs(),
                    m.label
                ),
            ));
        }
        let context = Context {
            shared_batches: preset.models.len() > 1,
            targets_in_unit_interval,
        };
        let seed = preset.seed;
        let mut rng = TrainRng::seed_from_u64(seed ^ EVAL_NOISE);
        let eval_input = preset.eval_corrupt.apply(&val.x, &mut rng);
        let live_inputs = Arc::new(live_inputs(&train.x));
        let base = &preset.models[0];
        let linear = |a| a == crate::model::Activation::Linear;
        let pca_reference = (linear(base.encoder) && linear(base.decoder))
            .then(|| PcaReference::of(&train.x, base.hidden).map(Arc::new))
            .flatten();
        let mut t = Trainer {
            eval_input,
            live_inputs,
            pca_reference,
            context,
            seed,
            order: Vec::new(),
            cursor: 0,
            shuffle: TrainRng::seed_from_u64(seed),
            slots: Vec::new(),
            step: 0,
            epoch: 0,
            run_id: 0,
            running: true,
            steps_requested: 0,
            commands_applied: 0,
            log: Vec::new(),
            timeline_at: 0,
            message: None,
            window: (0, Instant::now()),
            samples_per_s: 0.0,
            probe: ProbeState::Idle,
            probe_result: None,
            probe_thread: None,
            parallel: false,
            batch: Array2::zeros((0, 0)),
            results: Vec::new(),
            gain_noise: None,
            slow_refresh: None,
            partner: Partner::default(),
            preset,
            train,
            val,
        };
        let configs = t.preset.models.clone();
        t.start_run(configs, seed);
        let cores = crate::model::linalg::cores();
        let models = t.slots.len();
        let work = t.preset.batch * t.train.inputs() * t.preset.models[0].hidden;
        t.parallel = models > 1 && cores > 1 && work >= PARALLEL_WORK;
        if t.parallel {
            crate::model::linalg::default_threads(cores / models);
        }
        Ok(t)
    }

    /// (Re-)initialises every model from `seed` with the given settings: the
    /// same initial weights for models of the same shape, a fresh shuffle.
    pub(super) fn start_run(&mut self, configs: Vec<ModelConfig>, seed: u64) {
        let inputs = self.train.inputs();
        self.seed = seed;
        self.slots = configs
            .into_iter()
            .enumerate()
            .map(|(i, config)| Slot::new(config, inputs, seed, i))
            .collect();
        self.shuffle = TrainRng::seed_from_u64(seed);
        self.order = (0..self.train.len()).collect();
        self.order.shuffle(&mut self.shuffle);
        self.cursor = 0;
        self.step = 0;
        self.epoch = 0;
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

    /// Runs on or pauses (before the UI takes over: the lab starts paused
    /// while it asks about an autosave).
    pub fn set_running(&mut self, on: bool) {
        self.running = on;
    }

    pub fn run_id(&self) -> u64 {
        self.run_id
    }

    /// The seed of the current run's initial weights, noise and batch order.
    pub fn seed(&self) -> u64 {
        self.seed
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

    /// Every event of the session so far, each with the step it applied before.
    pub fn log(&self) -> &[Timed] {
        &self.log
    }

    /// Whether the worker should take a step now.
    pub fn wants_step(&self) -> bool {
        self.running || self.steps_requested > 0
    }

    /// Takes one step: the next minibatch for every model (the same batch for
    /// all), or one L-BFGS iteration on the full batch.
    pub fn step(&mut self) -> Result<(), Diverged> {
        self.apply_timeline();
        self.steps_requested = self.steps_requested.saturating_sub(1);
        let full_batch = self.full_batch();
        let rows = if full_batch {
            self.train.len()
        } else {
            (self.preset.batch).min(self.order.len().saturating_sub(self.cursor))
        };
        let hands_out_work = self.hands_out_work(rows);
        if hands_out_work {
            self.partner.wake();
        }
        // L-BFGS takes the whole training set as it is; a minibatch is
        // gathered into the buffer kept for it.
        let x = if full_batch {
            &self.train.x
        } else {
            let end = self.cursor + rows;
            // On both cores when the step hands them work anyway (else a
            // sleeping thread's wake-up would cost more than it saves).
            let threads = if hands_out_work {
                crate::model::linalg::threads()
            } else {
                1
            };
            (self.train).rows_into(&self.order[self.cursor..end], &mut self.batch, threads);
            &self.batch
        };
        let samples = x.nrows();
        let step = self.step;
        if self.cursor == 0 {
            // A new epoch (for L-BFGS, every step is one): its sums start at zero.
            for slot in &mut self.slots {
                slot.epoch_sum = EpochSum::default();
            }
        }
        // Every model takes the batch, so they stay in step even if one diverges.
        let mut results = std::mem::take(&mut self.results);
        if self.parallel {
            // A model a task on rayon's pool: independent weights, noise and
            // buffers, so the numbers are those of taking them one after the
            // other. The pool's threads last (a thread spawned every step left
            // glibc's arenas holding freed memory: the soak's RSS kept rising).
            use rayon::prelude::*;
            (self.slots.par_iter_mut())
                .map(|slot| slot.step(x, step))
                .collect_into_vec(&mut results);
        } else {
            results.clear();
            results.extend(self.slots.iter_mut().map(|s| s.step(x, step)));
        }
        let diverged = self
            .slots
            .iter()
            .zip(results.drain(..))
            .find_map(|(slot, r)| {
                r.err().map(|trouble| {
                    let (kind, what) = match trouble {
                        Trouble::NotFinite(v) => ("diverged", format!("the objective is {v}")),
                        Trouble::BlowingUp(what) => ("is blowing up", what),
                    };
                    Diverged {
                        label: slot.config.label.clone(),
                        step,
                        kind,
                        what,
                        remedy: Diverged::remedy(slot.config.optimizer.takes_lr()),
                    }
                })
            });
        self.results = results;
        self.step += 1;
        self.count_samples(samples);
        let epoch = self.epoch;
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
        if self.epoch != epoch && self.epoch == self.preset.epochs && self.running {
            // A demo ends where the README measured it; space goes on.
            self.running = false;
            self.message = Some(format!(
                "the preset's {} epochs are done: paused (space goes on)",
                self.preset.epochs
            ));
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

    fn count_samples(&mut self, n: usize) {
        self.window.0 += n;
        let elapsed = self.window.1.elapsed().as_secs_f64();
        if elapsed >= 0.5 {
            self.samples_per_s = self.window.0 as f64 / elapsed;
            self.window = (0, Instant::now());
        }
    }

    /// Samples a second over the last half second or so; 0 while paused.
    pub fn samples_per_s(&self) -> f64 {
        if self.running {
            self.samples_per_s
        } else {
            0.0
        }
    }

    /// Whether each step takes the whole training set (L-BFGS).
    fn full_batch(&self) -> bool {
        matches!(
            self.slots.first().map(|s| &s.stepper),
            Some(Stepper::Lbfgs(_))
        )
    }

    /// Whether a step on `rows` samples hands work to the pool's other
    /// threads (its models side by side, a batch split in halves, or
    /// products threaded by faer), so that keeping them at hand pays; a
    /// small model's steps leave the second core idle.
    fn hands_out_work(&self, rows: usize) -> bool {
        self.parallel
            || (self.slots.iter()).any(|s| crate::model::step_threaded(s.params.arch, rows))
    }

    /// Runs steps until the current epoch ends, then evaluates every model.
    pub fn run_epoch(&mut self) -> Result<Vec<ModelReport>, Diverged> {
        let reports = self.run_epoch_until(|| false)?;
        Ok(reports.expect("never stopped"))
    }

    /// [`run_epoch`](Self::run_epoch), unless `stop` says so before a step
    /// (a signal): then `None`, between two steps, ready to be saved. The
    /// steps run on a thread of rayon's pool ([`on_pool`]) when they hand
    /// out work, else on the caller's thread.
    pub fn run_epoch_until(
        &mut self,
        stop: impl Fn() -> bool + Sync,
    ) -> Result<Option<Vec<ModelReport>>, Diverged> {
        let rows = if self.full_batch() {
            self.train.len()
        } else {
            self.preset.batch.min(self.train.len())
        };
        // Off the pool when its other threads get nothing: entering it
        // each epoch wakes one of them, and digits-64-25's epoch of 1.4 ms
        // trained 7-12 % faster without (BENCHMARKS.md, session 10).
        let on_pool_if_it_helps = self.hands_out_work(rows);
        let mut steps = || {
            let epoch = self.epoch;
            while self.epoch == epoch {
                if stop() {
                    return Ok(None);
                }
                self.step()?;
            }
            Ok(Some(self.reports()))
        };
        if on_pool_if_it_helps {
            on_pool(steps)
        } else {
            steps()
        }
    }
}
