//! A model's validation statistics for its epoch report: the error of
//! repairing the eval-corrupted inputs, ρ̂, ‖J‖²_F, filter locality, the
//! toy curve's along/across Jacobian, a VAE's ELBO, the reconstruction's gain.

use super::Trainer;
use super::slot::per_pixel_mse;
use crate::analysis::elbo::{Elbo, neg_elbo};
use crate::analysis::jacobian::{AlongAcross, along_across};
use crate::analysis::locality::mean_locality;
use crate::analysis::sensitivity::{SIGMAS, drawn_delta, recon_gain};

impl Trainer {
    /// The mean locality of model `i`'s filters, for image data.
    pub fn locality(&self, i: usize) -> Option<f32> {
        let w1 = self.slots[i].params.views().w1;
        mean_locality(w1, self.train.shape, &self.live_inputs)
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
                locality: self.locality(i).map(f64::from),
                along_across: None,
                elbo: None,
                recon_gain: [f64::NAN; 2],
            };
        }
        let corrupted = objective.forward(&slot.params, &self.eval_input);
        let clean = objective.forward(&slot.params, x);
        Evaluation {
            val_recon: per_pixel_mse(x, &corrupted.x_hat),
            locality: self.locality(i).map(f64::from),
            rho_hat_mean: clean.rho_hat.mean().unwrap_or(0.0) as f64,
            jacobian_fro2: clean.jacobian_units.sum() as f64,
            along_across: self
                .val
                .tangents
                .as_ref()
                .map(|t| along_across(&objective, &slot.params, x, t)),
            elbo: (slot.params.arch.is_vae()).then(|| neg_elbo(&objective, &slot.params, x, 0)),
            recon_gain: SIGMAS.map(|s| {
                let delta = drawn_delta(x.dim(), s, 0);
                recon_gain(&objective, &slot.params, (x, &clean.x_hat), &delta)
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
