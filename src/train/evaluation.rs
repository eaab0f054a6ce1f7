//! A model's validation statistics for its epoch report: the error of
//! repairing the eval-corrupted inputs, ρ̂, ‖J‖²_F, filter locality, the
//! toy curve's along/across Jacobian, a VAE's ELBO, the reconstruction's gain.

use super::Trainer;
use super::slot::per_pixel_mse;
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
