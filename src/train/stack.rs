//! A stacked autoencoder under training: greedily, one layer at a time
//! (each an ordinary [`Trainer`] on the codes of the layers below, of the
//! clean inputs), then, if the preset asks, every layer together end to end
//! ([`DeepObjective`]) with the preset's optimiser.

use super::TrainRng;
use super::slot::{Stepper, per_pixel_mse};
use super::trainer::{Diverged, ModelReport, Trainer};
use crate::data::Dataset;
use crate::model::stack::{DeepObjective, StackParams, pixel_filters};
use crate::model::{Corruption, Params, ParamsRef, Terms};
use crate::preset::{Preset, PresetError, Stack};
use ndarray::Array2;
use rand::SeedableRng;
use rand::seq::SliceRandom;

/// Why a stack stopped: a layer or the fine-tuning diverged, or a layer
/// could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error(transparent)]
    Diverged(#[from] Diverged),
    #[error(transparent)]
    Preset(#[from] PresetError),
}

/// What the stack is doing.
pub enum Phase {
    /// Layer `index` (0 = the bottom) trains on the codes of those below.
    Layer {
        index: usize,
        trainer: Box<Trainer>,
    },
    FineTune,
    Done,
}

/// What one epoch came to.
#[derive(Clone, Debug)]
pub enum Report {
    /// Layer `layer` (0 = the bottom) after its epoch `epoch` (from 1).
    Layer {
        layer: usize,
        epoch: usize,
        step: u64,
        report: ModelReport,
    },
    /// Fine-tuning epoch `epoch` (from 1): mean objective over its batches,
    /// and the validation error of the whole stack.
    FineTune {
        epoch: usize,
        terms: Terms,
        val_recon: f64,
    },
}

pub struct StackRun {
    preset: Preset,
    stack: Stack,
    /// The inputs (pixels), for the fine-tuning.
    train: Dataset,
    val: Dataset,
    /// The validation inputs corrupted as `eval.corrupt` (layer 1's draw).
    eval_input: Array2<f32>,
    /// The layers trained so far, bottom first.
    greedy: Vec<Params<f32>>,
    phase: Phase,
    fine: Option<FineTune>,
}

impl StackRun {
    /// The stack of a preset with a `[stack]` table, its first layer ready to train.
    pub fn new(preset: Preset, train: Dataset, val: Dataset) -> Result<StackRun, PresetError> {
        let Some(stack) = preset.stack.clone() else {
            return Err(PresetError::Invalid {
                origin: preset.origin.clone(),
                message: "not a stacked preset: give it a [stack] table (hidden = [sizes])".into(),
            });
        };
        let layer_preset = layer_preset(&preset, &stack, 0);
        let trainer = Trainer::new(layer_preset, train.clone(), val.clone())?;
        Ok(StackRun {
            eval_input: trainer.eval_input.clone(),
            preset,
            stack,
            train,
            val,
            greedy: Vec::new(),
            phase: Phase::Layer {
                index: 0,
                trainer: Box::new(trainer),
            },
            fine: None,
        })
    }

    pub fn stack(&self) -> &Stack {
        &self.stack
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// Where the stack is, for a status line: "layer 2/3", "fine-tune", "done".
    pub fn phase_label(&self) -> String {
        match &self.phase {
            Phase::Layer { index, .. } => {
                format!("layer {}/{}", index + 1, self.stack.layers.len())
            }
            Phase::FineTune => "fine-tune".into(),
            Phase::Done => "done".into(),
        }
    }

    /// The trainer of the layer in training, if one is.
    pub fn trainer_mut(&mut self) -> Option<&mut Trainer> {
        match &mut self.phase {
            Phase::Layer { trainer, .. } => Some(trainer),
            _ => None,
        }
    }

    /// The layers trained greedily so far, bottom first.
    pub fn greedy(&self) -> &[Params<f32>] {
        &self.greedy
    }

    /// The whole stack as fine-tuning has left it (once it has started).
    pub fn fine_tuned(&self) -> Option<&StackParams<f32>> {
        self.fine.as_ref().map(|f| &f.params)
    }

    /// The filters of layer `k` (0 = the bottom) in input space, from the
    /// newest weights (the layer in training's, or the fine-tuned ones):
    /// rows of W1_k ⋯ W1_1, each of norm 1. `None` for a layer not begun.
    pub fn filters(&self, k: usize) -> Option<Array2<f32>> {
        if let Some(fine) = &self.fine {
            let layers: Vec<ParamsRef<f32>> = (0..k + 1).map(|i| fine.params.layer(i)).collect();
            return Some(pixel_filters(&layers, k));
        }
        let mut layers: Vec<ParamsRef<f32>> = self.greedy.iter().map(Params::borrowed).collect();
        if let Phase::Layer { trainer, .. } = &self.phase {
            layers.push(trainer.params(0).borrowed());
        }
        (k < layers.len()).then(|| pixel_filters(&layers, k))
    }

    /// Trains one epoch of whatever is in training; moves on to the next
    /// layer (or the fine-tuning) when a layer's epochs are done. `None`
    /// once everything is.
    pub fn run_epoch(&mut self) -> Result<Option<Report>, StackError> {
        let report = match &mut self.phase {
            Phase::Layer { index, trainer } => {
                let report = trainer.run_epoch()?.remove(0);
                let (layer, epoch, step) = (*index, trainer.epoch(), trainer.step_count());
                if epoch >= self.stack.epochs {
                    self.advance()?;
                }
                Report::Layer {
                    layer,
                    epoch,
                    step,
                    report,
                }
            }
            Phase::FineTune => {
                let fine = self.fine.as_mut().expect("fine-tuning has begun");
                let terms = fine.run_epoch(&self.train)?;
                let val_recon = fine.val_recon(&self.val, &self.eval_input);
                let epoch = fine.epoch;
                if epoch >= self.stack.fine_tune {
                    self.phase = Phase::Done;
                }
                Report::FineTune {
                    epoch,
                    terms,
                    val_recon,
                }
            }
            Phase::Done => return Ok(None),
        };
        Ok(Some(report))
    }

    /// Ends the layer in training, whatever its epoch: the next layer then
    /// trains on its codes, or the fine-tuning begins, or the stack is done.
    pub fn advance(&mut self) -> Result<(), PresetError> {
        // Fine-tuning or done: done.
        let phase = std::mem::replace(&mut self.phase, Phase::Done);
        let Phase::Layer { index, trainer } = phase else {
            return Ok(());
        };
        let trainer = *trainer;
        let params = trainer.params(0).clone();
        let objective = trainer.configs()[0].objective();
        let (below_train, below_val) = (trainer.train, trainer.val);
        self.greedy.push(params);
        let next = index + 1;
        if next < self.stack.layers.len() {
            // The codes of the clean inputs (k-sparse masks included).
            let params = &self.greedy[index];
            let codes = |d: &Dataset| {
                let h = objective.forward(params, &d.x).h;
                let name = format!("{} · layer {} codes", self.train.name, next);
                Dataset::new(name, h, (1, params.arch.hidden), d.labels.clone())
            };
            let (train, val) = (codes(&below_train), codes(&below_val));
            let preset = layer_preset(&self.preset, &self.stack, next);
            let trainer = Trainer::new(preset, train, val)?;
            self.phase = Phase::Layer {
                index: next,
                trainer: Box::new(trainer),
            };
        } else if self.stack.fine_tune > 0 {
            self.fine = Some(FineTune::new(&self.preset, &self.greedy));
            self.phase = Phase::FineTune;
        }
        Ok(())
    }

    /// The validation error of the whole stack (per pixel, inputs
    /// corrupted as `eval.corrupt`) as it is now, once every layer is trained.
    pub fn val_recon(&self) -> Option<f64> {
        let params = match &self.fine {
            Some(fine) => fine.params.clone(),
            None if self.greedy.len() == self.stack.layers.len() => {
                StackParams::from_layers(&self.greedy)
            }
            None => return None,
        };
        let objective = DeepObjective::of(&self.preset.models[0].objective());
        Some(deep_val_recon(
            &objective,
            &params,
            &self.val,
            &self.eval_input,
        ))
    }

    /// Each layer's codes of `x`, bottom first: through the greedy layers
    /// (as they trained, k-sparse masks included), or through the
    /// fine-tuned stack (`fine_tuned`).
    pub fn codes(&self, x: &Array2<f32>, fine_tuned: bool) -> Vec<Array2<f32>> {
        let objective = self.preset.models[0].objective();
        match (&self.fine, fine_tuned) {
            (Some(fine), true) => DeepObjective::of(&objective).codes(&fine.params, x),
            _ => {
                let mut below = x.clone();
                let mut out = Vec::new();
                for params in &self.greedy {
                    below = objective.forward(params, &below).h;
                    out.push(below.clone());
                }
                out
            }
        }
    }
}

/// The preset layer `index` trains with: the base model's settings with
/// the layer's size, `stack.epochs` epochs; the layers above the first
/// have no timeline, and their `val_recon` is of clean codes.
fn layer_preset(preset: &Preset, stack: &Stack, index: usize) -> Preset {
    let mut p = preset.clone();
    p.models[0].hidden = stack.layers[index];
    p.epochs = stack.epochs;
    p.stack = None;
    if index > 0 {
        p.timeline.clear();
        p.eval_corrupt = Corruption::NONE;
    }
    p
}

/// Per-pixel error of the clean validation inputs reconstructed through the
/// whole stack from `eval_input`.
fn deep_val_recon(
    objective: &DeepObjective,
    params: &StackParams<f32>,
    val: &Dataset,
    eval_input: &Array2<f32>,
) -> f64 {
    if val.is_empty() {
        return f64::NAN;
    }
    per_pixel_mse(&val.x, &objective.forward(params, eval_input).x_hat)
}

/// The end-to-end fine-tuning: the stack's θ, the preset's optimiser, batch
/// size and corruption (of the inputs only).
struct FineTune {
    params: StackParams<f32>,
    objective: DeepObjective,
    corrupt: Corruption,
    stepper: Stepper,
    batch: usize,
    rng: TrainRng,
    order: Vec<usize>,
    grad: Vec<f32>,
    epoch: usize,
}

impl FineTune {
    fn new(preset: &Preset, layers: &[Params<f32>]) -> FineTune {
        let config = &preset.models[0];
        let params = StackParams::from_layers(layers);
        let len = params.theta.len();
        FineTune {
            objective: DeepObjective::of(&config.objective()),
            corrupt: config.corrupt,
            stepper: Stepper::new(config.optimizer, config.lr, len),
            batch: preset.batch,
            rng: TrainRng::seed_from_u64(preset.seed.wrapping_add(0xf1e7)),
            order: Vec::new(),
            grad: vec![0.0; len],
            epoch: 0,
            params,
        }
    }

    /// One pass over the training set (one full-batch step for L-BFGS);
    /// the mean of the objective's terms over its batches.
    fn run_epoch(&mut self, train: &Dataset) -> Result<Terms, Diverged> {
        let mut sum = Terms::default();
        let mut batches = 0;
        self.order = (0..train.len()).collect();
        self.order.shuffle(&mut self.rng);
        let (objective, corrupt) = (self.objective, self.corrupt);
        let chunk = match self.stepper {
            Stepper::FirstOrder(_) => self.batch,
            Stepper::Lbfgs(_) => train.len().max(1),
        };
        for idx in self.order.chunks(chunk) {
            let x = train.rows(idx);
            let x_tilde = corrupt.apply(&x, &mut self.rng);
            let terms = match &mut self.stepper {
                Stepper::FirstOrder(opt) => {
                    let p = &self.params;
                    let terms = objective.value_and_gradient(p, &x, &x_tilde, &mut self.grad);
                    opt.step(&mut self.params.theta, &self.grad);
                    terms
                }
                Stepper::Lbfgs(lbfgs) => {
                    lbfgs.forget_iterate();
                    let arch = self.params.arch.clone();
                    let mut cost = |theta: &[f32], grad: &mut [f32]| {
                        let p = StackParams {
                            arch: arch.clone(),
                            theta: theta.to_vec(),
                        };
                        objective.value_and_gradient(&p, &x, &x_tilde, grad).total() as f32
                    };
                    lbfgs.step(&mut self.params.theta, &mut cost);
                    let cache = objective.forward(&self.params, &x_tilde);
                    objective.terms(&self.params, &x, &cache)
                }
            };
            let finite = self.params.theta.iter().all(|v| v.is_finite());
            if !terms.total().is_finite() || !finite {
                let takes_lr = matches!(self.stepper, Stepper::FirstOrder(_));
                return Err(Diverged {
                    label: "fine-tune".into(),
                    step: batches as u64,
                    kind: "diverged",
                    what: format!("the objective is {}", terms.total()),
                    remedy: Diverged::remedy(takes_lr),
                });
            }
            sum += terms;
            batches += 1;
        }
        self.epoch += 1;
        let n = batches.max(1) as f64;
        Ok(Terms {
            recon: sum.recon / n,
            weight_decay: sum.weight_decay / n,
            ..Terms::default()
        })
    }

    fn val_recon(&self, val: &Dataset, eval_input: &Array2<f32>) -> f64 {
        deep_val_recon(&self.objective, &self.params, val, eval_input)
    }
}
