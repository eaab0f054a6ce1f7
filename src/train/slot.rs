//! One model under training: its settings, weights, optimiser and noise, and
//! the update it takes on a batch.

use super::TrainRng;
use super::blowup::Watch;
use super::views::saturated_fraction;
use super::{Codes, LossPoint};
use crate::analysis::jacobian::AlongAcross;
use crate::analysis::pca::PcaComparison;
use crate::model::kernels::all_finite;
use crate::model::{Cache, Loss, Params, ParamsRef, Terms, Workspace};
use crate::optim::{self, Lbfgs, Optimizer, OptimizerKind};
use crate::settings::{Change, ModelConfig};
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use std::sync::Arc;

/// What a snapshot shows that costs a pass over many validation samples:
/// refreshed every 1-5 s (`views.rs`: at most 2 % of the trainer's time),
/// not every snapshot.
#[derive(Clone)]
pub struct SlowViews {
    pub codes: Arc<Codes>,
    /// Per-pixel squared error of the clean validation inputs reconstructed
    /// from their `eval.corrupt` versions (the same draw for every model).
    pub eval_recon: Option<f32>,
    pub locality: Option<f32>,
    /// A linear autoencoder against PCA with as many components.
    pub pca: Option<PcaComparison>,
    /// The encoder's sensitivity along / across the data's curve (toy data).
    pub along_across: Option<AlongAcross>,
    /// A VAE's latent views.
    pub vae: Option<Arc<super::VaeView>>,
    /// The reconstruction's gain at `sensitivity::SIGMAS` on validation samples.
    pub recon_gain: Option<[f32; 2]>,
}

/// The slow views last shown, and the step they were built at.
#[derive(Clone)]
pub struct LastSlow {
    pub step: u64,
    pub views: SlowViews,
}

/// Why a step stops its model.
#[derive(Clone, Debug, PartialEq)]
pub enum Trouble {
    /// The objective or θ stopped being finite (the objective's value).
    NotFinite(f64),
    /// The weights or the objective are exploding: what was seen.
    BlowingUp(String),
}

/// An optimiser: one update per minibatch, or L-BFGS on the full batch.
pub enum Stepper {
    FirstOrder(Box<dyn Optimizer<f32>>),
    Lbfgs(Lbfgs<f32>),
}

impl Stepper {
    pub fn new(kind: OptimizerKind, lr: f64, len: usize) -> Self {
        match optim::first_order(kind, lr, len) {
            Some(o) => Stepper::FirstOrder(o),
            None => Stepper::Lbfgs(Lbfgs::default()),
        }
    }
}

/// Sums over the current epoch, for the epoch report.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EpochSum {
    pub batches: usize,
    pub terms: Terms,
    /// Σ over batches of the per-pixel MSE between X̂ and the clean X.
    pub recon_mse: f64,
}

pub struct Slot {
    pub config: ModelConfig,
    /// Bumped whenever a change alters the objective J: loss points carry it,
    /// so a curve can start afresh where J changed.
    pub version: u32,
    pub params: Params<f32>,
    pub stepper: Stepper,
    /// The corruption noise: each model its own stream, seeded from the run's seed.
    pub noise: TrainRng,
    grad: Vec<f32>,
    /// θ before the step, to go back to if it blows up (a buffer, not a copy a step).
    backup: Vec<f32>,
    /// The step's buffers, reused: after a step, `ws.cache` holds the
    /// batch's forward pass, which the next snapshot's statistics read.
    ws: Workspace<f32>,
    /// The corrupted batch X̃, reused.
    x_tilde: Array2<f32>,
    stepped: bool,
    /// Loss points not yet reported.
    pub losses: Vec<LossPoint>,
    pub epoch_sum: EpochSum,
    pub val_recon: Option<f32>,
    pub last_slow: Option<LastSlow>,
    /// Watches for a run that explodes without reaching NaN (saved in a
    /// checkpoint: a resumed run is judged as the straight one would be).
    pub watch: Watch,
}

impl Slot {
    /// Model `index` of a run seeded with `seed`: models of the same shape
    /// start from the same weights; each draws its own noise.
    pub fn new(config: ModelConfig, inputs: usize, seed: u64, index: usize) -> Slot {
        let params = Params::init(config.arch(inputs), &mut TrainRng::seed_from_u64(seed));
        let len = params.theta.len();
        Slot {
            stepper: Stepper::new(config.optimizer, config.lr, len),
            config,
            version: 0,
            params,
            noise: TrainRng::seed_from_u64(seed.wrapping_add(1 + index as u64)),
            grad: vec![0.0; len],
            backup: vec![0.0; len],
            ws: Workspace::new(),
            x_tilde: Array2::zeros((0, 0)),
            stepped: false,
            losses: Vec::new(),
            epoch_sum: EpochSum::default(),
            val_recon: None,
            last_slow: None,
            watch: Watch::default(),
        }
    }

    /// Takes settings that `settings::rules` has accepted, keeping the weights:
    /// tying rebuilds θ, a new optimiser starts afresh, L-BFGS forgets its
    /// curvature (the objective changed).
    pub fn reconfigure(&mut self, config: ModelConfig, change: Change) {
        let len = |s: &Slot| s.params.theta.len();
        if config.tied != self.config.tied {
            self.params = self.params.with_tied(config.tied);
            self.grad = vec![0.0; len(self)];
            self.backup = vec![0.0; len(self)];
            self.stepper = Stepper::new(config.optimizer, config.lr, len(self));
        } else if config.optimizer != self.config.optimizer {
            self.stepper = Stepper::new(config.optimizer, config.lr, len(self));
        }
        match &mut self.stepper {
            Stepper::FirstOrder(o) => o.set_lr(config.lr),
            // Its curvature pairs are of the old objective; a learning rate,
            // which it does not read, leaves them as they are.
            Stepper::Lbfgs(l) if change.changes_objective() => l.reset(),
            Stepper::Lbfgs(_) => {}
        }
        if change.changes_objective() {
            self.version += 1;
            // The old best was of another objective: judge the new one afresh.
            self.watch = Watch::default();
        }
        self.config = config;
    }

    /// The last batch's forward pass, once a step has been taken.
    pub fn last(&self) -> Option<&Cache<f32>> {
        self.stepped.then_some(&self.ws.cache)
    }

    /// One update on the clean batch `x`. If the objective or θ stops being
    /// finite, θ goes back to where it was, the optimiser starts afresh, and
    /// the objective's value is the error.
    pub fn step(&mut self, x: &Array2<f32>, step: u64) -> Result<LossPoint, Trouble> {
        let objective = self.config.objective_at(step);
        if self.params.arch.is_vae() {
            // The reparameterisation's ε, from the model's own noise stream
            // (drawn once per step, as the corruption is).
            let a = self.params.arch;
            let eps = self.ws.cache.vae_noise(x.nrows(), a.hidden, a.latent);
            eps.iter_mut()
                .for_each(|e| *e = self.noise.sample::<f32, _>(StandardNormal));
        }
        // Fresh noise each time a sample is seen; drawn once per step so that
        // L-BFGS's line search sees one fixed objective.
        let identity = self.config.corrupt.is_identity();
        if !identity {
            self.config
                .corrupt
                .apply_into(x, &mut self.x_tilde, &mut self.noise);
        }
        // Without corruption X̃ is X itself: no copy.
        let x_tilde = if identity { x } else { &self.x_tilde };
        let finite;
        let terms = match &mut self.stepper {
            Stepper::FirstOrder(opt) => {
                // The update is applied stripe by stripe as the gradient is computed.
                let update = opt.stretch(&self.params.theta, &mut self.backup);
                let params = self.params.borrowed();
                let (terms, ok) = objective.value_and_update(
                    params,
                    x,
                    x_tilde,
                    &mut self.grad,
                    &mut self.ws,
                    update,
                );
                finite = ok;
                // The new θ is the one the update wrote; the old one is kept.
                std::mem::swap(&mut self.params.theta, &mut self.backup);
                terms
            }
            Stepper::Lbfgs(lbfgs) => {
                if !self.config.corrupt.is_identity() {
                    // This step's noise draw is a new objective: the cached f and g are of the last one.
                    lbfgs.forget_iterate();
                }
                // Trial points are evaluated in the step's own buffers (no allocation).
                let (arch, ws) = (self.params.arch, &mut self.ws);
                let mut cost = |theta: &[f32], grad: &mut [f32]| {
                    let p = ParamsRef { arch, theta };
                    let terms = objective.value_and_gradient_at(p, x, x_tilde, grad, ws);
                    terms.total() as f32
                };
                self.backup.copy_from_slice(&self.params.theta);
                lbfgs.step(&mut self.params.theta, &mut cost);
                finite = all_finite(&self.params.theta);
                objective.forward_into(&self.params, x_tilde, &mut self.ws.cache);
                objective.terms(&self.params, x, &self.ws.cache)
            }
        };
        let cache = &self.ws.cache;
        if !terms.total().is_finite() || !finite {
            self.params.theta.copy_from_slice(&self.backup);
            // Moments or curvature pairs built from the bad step would repeat it.
            self.stepper = Stepper::new(
                self.config.optimizer,
                self.config.lr,
                self.params.theta.len(),
            );
            return Err(Trouble::NotFinite(terms.total()));
        }
        let point = LossPoint {
            step,
            version: self.version,
            total: terms.total() as f32,
            recon: terms.recon as f32,
            weight_decay: terms.weight_decay as f32,
            sparsity: terms.sparsity as f32,
            l1: terms.l1 as f32,
            contractive: terms.contractive as f32,
            kl: terms.kl as f32,
            jacobian: cache.jacobian_units.sum(),
        };
        self.epoch_sum.batches += 1;
        self.epoch_sum.recon_mse += match self.config.loss {
            // recon = (1/m) Σ ½‖x̂ − x‖²: no second pass over the batch.
            Loss::Mse => 2.0 * terms.recon / x.ncols().max(1) as f64,
            Loss::Bce => per_pixel_mse(x, &cache.x_hat),
        };
        self.epoch_sum.terms += terms;
        self.stepped = true;
        self.losses.push(point);
        let encoder = self.config.encoder;
        let saturated = || saturated_fraction(encoder, &cache.h);
        match (self.watch).look(terms.total(), (&self.backup, &self.params.theta), saturated) {
            None => Ok(point),
            Some(what) => Err(Trouble::BlowingUp(what)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, Corruption, Penalties, Variant};

    fn config() -> ModelConfig {
        ModelConfig {
            label: "vanilla".into(),
            variant: Variant::Vanilla,
            hidden: 3,
            encoder: Activation::Sigmoid,
            decoder: Activation::Sigmoid,
            tied: false,
            loss: Loss::Mse,
            penalties: Penalties::default(),
            corrupt: Corruption::NONE,
            optimizer: OptimizerKind::Adam,
            lr: 1e-2,
            latent: 0,
            kl_warmup: 0,
        }
    }

    /// A step whose objective is not finite puts θ back as it was before
    /// it, whichever of the two buffers the last update left θ in.
    #[test]
    fn a_non_finite_step_puts_theta_back() {
        let mut slot = Slot::new(config(), 4, 7, 0);
        let good = Array2::from_shape_fn((5, 4), |(i, j)| ((i + j) % 3) as f32 / 2.0);
        let mut bad = good.clone();
        bad[[2, 1]] = f32::NAN;
        for steps in 1..=3 {
            for s in 0..steps {
                assert!(slot.step(&good, s).is_ok());
            }
            let before = slot.params.theta.clone();
            assert!(matches!(slot.step(&bad, 9), Err(Trouble::NotFinite(_))));
            assert_eq!(slot.params.theta, before, "after {steps} good steps");
        }
    }
}
