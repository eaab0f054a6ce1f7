//! A model's validation statistics and its epoch report: the error of
//! repairing the eval-corrupted inputs, ρ̂, ‖J‖²_F, filter locality, the
//! toy curve's along/across Jacobian, a VAE's ELBO, the reconstruction's gain.

use super::slot::per_pixel_mse;
use super::{ModelReport, Trainer};
use crate::analysis::elbo::{Elbo, neg_elbo};
use crate::analysis::jacobian::{AlongAcross, along_across};
use crate::analysis::locality::mean_locality;
use crate::analysis::sensitivity::{SIGMAS, drawn_delta, recon_gain};
use crate::data::Dataset;
use crate::model::Params;
use crate::settings::ModelConfig;
use ndarray::Array2;

impl Trainer {
    /// The mean locality of model `i`'s filters, for image data.
    pub fn locality(&self, i: usize) -> Option<f32> {
        self.validation().locality(&self.slots[i].params)
    }

    /// Validation statistics of model `i`; the eval corruption noise is the
    /// same draw for every model and every call, so numbers compare.
    pub fn evaluate(&self, i: usize) -> Evaluation {
        let slot = &self.slots[i];
        self.validation().evaluate(&slot.params, &slot.config)
    }

    /// Every model's epoch report, evaluated on the validation split: side
    /// by side when the models step so (each product then has one thread,
    /// and one after the other the evaluations left the other core idle).
    pub(super) fn reports(&mut self) -> Vec<ModelReport> {
        let on = self.validation();
        let models: Vec<_> = (self.slots.iter())
            .map(|s| (&s.params, &s.config))
            .collect();
        let evals: Vec<Evaluation> = if self.parallel {
            use rayon::prelude::*;
            let each = models.par_iter().map(|(p, c)| on.evaluate(p, c));
            each.collect()
        } else {
            models.iter().map(|(p, c)| on.evaluate(p, c)).collect()
        };
        (evals.into_iter().enumerate())
            .map(|(i, eval)| self.report(i, eval))
            .collect()
    }

    /// The epoch report of model `i`, from its evaluation.
    fn report(&mut self, i: usize, eval: Evaluation) -> ModelReport {
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
            locality: eval.locality,
            jacobian_along: eval.along_across.map(|a| a.along),
            jacobian_across: eval.along_across.map(|a| a.across),
            kl: slot.config.is_vae().then_some(s.terms.kl / n),
            val_neg_elbo: eval.elbo.map(|e| e.neg_elbo()),
            val_kl: eval.elbo.map(|e| e.kl),
            recon_gain_0_1: eval.recon_gain[0],
            recon_gain_0_01: eval.recon_gain[1],
        }
    }

    /// What a model is evaluated on (shareable across threads, as the
    /// trainer, with its optimisers and channels, is not).
    pub(super) fn validation(&self) -> Validation<'_> {
        Validation {
            val: &self.val,
            eval_input: &self.eval_input,
            shape: self.train.shape,
            live_inputs: &self.live_inputs,
        }
    }
}

/// The validation split, its eval-corrupted copy, and the image shape and
/// live inputs that filters are judged on.
#[derive(Clone, Copy)]
pub(super) struct Validation<'a> {
    val: &'a Dataset,
    eval_input: &'a Array2<f32>,
    shape: (usize, usize),
    live_inputs: &'a [bool],
}

impl Validation<'_> {
    fn locality(&self, params: &Params<f32>) -> Option<f32> {
        mean_locality(params.views().w1, self.shape, self.live_inputs)
    }

    /// The statistics of the model with weights `params` and settings `config`.
    pub(super) fn evaluate(&self, params: &Params<f32>, config: &ModelConfig) -> Evaluation {
        let objective = config.objective();
        let x = &self.val.x;
        if x.nrows() == 0 {
            // Nothing to measure: NaN (null in JSON), not a perfect 0.
            return Evaluation {
                val_recon: f64::NAN,
                rho_hat_mean: f64::NAN,
                jacobian_fro2: f64::NAN,
                locality: self.locality(params).map(f64::from),
                along_across: None,
                elbo: None,
                recon_gain: [f64::NAN; 2],
            };
        }
        let corrupted = objective.forward(params, self.eval_input);
        let clean = objective.forward(params, x);
        Evaluation {
            val_recon: per_pixel_mse(x, &corrupted.x_hat),
            locality: self.locality(params).map(f64::from),
            rho_hat_mean: clean.rho_hat.mean().unwrap_or(0.0) as f64,
            jacobian_fro2: clean.jacobian_units.sum() as f64,
            along_across: (self.val.tangents.as_ref())
                .map(|t| along_across(&objective, params, x, t)),
            elbo: (params.arch.is_vae()).then(|| neg_elbo(&objective, params, x, 0)),
            recon_gain: SIGMAS.map(|s| {
                let delta = drawn_delta(x.dim(), s, 0);
                recon_gain(&objective, params, (x, &clean.x_hat), &delta)
            }),
        }
    }
}

/// Validation statistics of one model.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Evaluation {
    pub val_recon: f64,
    pub rho_hat_mean: f64,
    pub jacobian_fro2: f64,
    pub locality: Option<f64>,
    /// The encoder's sensitivity along / across the data's tangents, when the data has them (toy).
    pub along_across: Option<AlongAcross>,
    pub elbo: Option<Elbo>,
    /// The reconstruction's gain at each of `sensitivity::SIGMAS`.
    pub recon_gain: [f64; 2],
}
