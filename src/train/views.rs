//! What the UI is shown: a snapshot of every model's loss points since the
//! last one, and the newest pictures (filters, reconstructions, codes),
//! built on the trainer's thread so the UI only draws.

use super::slot::{LastSlow, Slot, SlowViews, per_pixel_mse};
use super::vae_views::vae_view;
use super::{Codes, ModelView, Recon, Snapshot, Trainer};
use crate::analysis::jacobian::along_across;
use crate::analysis::locality::mean_locality;
use crate::analysis::pca::principal_plane;
use crate::analysis::pca::{PcaComparison, PcaReference};
use crate::analysis::sensitivity::{SIGMAS, UnitNoise, recon_gain};
use crate::data::Dataset;
use crate::model::{Activation, Cache, Objective, Params, kernels};
use ndarray::{Array2, Axis};
use rayon::prelude::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many validation samples the reconstruction pane shows.
const RECON_SAMPLES: usize = 6;
/// How many validation samples the code-space scatter shows, and how often
/// their codes are recomputed (a forward pass of them each snapshot would
/// cost the trainer more than the picture is worth).
const CODE_SAMPLES: usize = 500;
/// While training runs, the slow views are built again after this many
/// times what the last snapshot that built them cost, kept within the two
/// bounds: the trainer waits for them, so they take at most 1/50 = 2 % of
/// its time (the demo's took 35-50 ms, 3.5-5 % at once a second), unless
/// that would leave them older than 5 s (a linear model's PCA comparison
/// forwards the whole training set).
const SLOW_COST_FACTOR: u32 = 50;
const SLOW_REFRESH: Duration = Duration::from_secs(1);
const SLOW_REFRESH_MAX: Duration = Duration::from_secs(5);
/// Codes closer than this to the ends of the activation's range count as saturated.
const SATURATION_MARGIN: f32 = 0.05;

struct BatchStats {
    rho_hat: Vec<f32>,
    jacobian_units: Vec<f32>,
    saturated: f32,
    sensitivity: Vec<f32>,
}

impl Trainer {
    /// The state for the UI: loss points since the previous snapshot, and the
    /// newest pictures.
    pub fn snapshot(&mut self) -> Snapshot {
        let started = Instant::now();
        self.poll_probe();
        let step = self.step;
        let val = &self.val;
        let k = RECON_SAMPLES.min(val.len());
        let idx: Vec<usize> = (0..k).collect();
        let original = val.rows(&idx);
        let labels = val.label_rows(&idx);
        // Every model repairs the same corrupted digits: the eval corruption's one draw.
        let corrupted = self.eval_input.select(Axis(0), &idx);
        let (eval_input, shape, live) = (&self.eval_input, self.train.shape, &self.live_inputs);
        let running = self.running;
        // Decided once for every model, so that their slow views are built
        // side by side (one at a time, the other core would wait idle).
        let slow_due = self.slow_refresh.is_none_or(|(at, cost)| {
            at.elapsed() >= (cost * SLOW_COST_FACTOR).clamp(SLOW_REFRESH, SLOW_REFRESH_MAX)
        });
        let sampled = (CODE_SAMPLES.min(val.len()), val.x.ncols());
        let sets = Sets {
            train: &self.train,
            val,
            pca: self.pca_reference.as_deref(),
            gain_noise: UnitNoise::fitted(&mut self.gain_noise, sampled, 0),
        };
        // Each model's views on a thread of the pool: the training waits for
        // the snapshot, so its models' views are built side by side.
        let models = self
            .slots
            .par_iter_mut()
            .map(|slot| {
                let objective = slot.config.objective();
                let slow = slow_views(
                    slot,
                    &objective,
                    &sets,
                    eval_input,
                    (shape, live),
                    (step, running, slow_due),
                );
                let reconstructed = objective.forward(&slot.params, &corrupted).x_hat;
                let stats = match slot.last() {
                    Some(cache) => stats(slot, &objective, cache),
                    None => stats(
                        slot,
                        &objective,
                        &objective.forward(&slot.params, &original),
                    ),
                };
                let (filters, filter_norms) = normalised_filters(&slot.params);
                ModelView {
                    config: slot.config.clone(),
                    version: slot.version,
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
                        corrupted: corrupted.clone(),
                        reconstructed,
                        labels: labels.clone(),
                    }),
                    val_recon: slot.val_recon,
                    eval_recon: slow.eval_recon,
                    locality: slow.locality,
                    pca: slow.pca,
                    along_across: slow.along_across,
                    codes: slow.codes,
                    vae: slow.vae,
                    recon_gain: slow.recon_gain,
                }
            })
            .collect();
        if running && slow_due {
            self.slow_refresh = Some((Instant::now(), started.elapsed()));
        }
        Snapshot {
            run_id: self.run_id,
            seed: self.seed,
            commands_applied: self.commands_applied,
            context: self.context,
            step: self.step,
            epoch: self.epoch,
            // A paused trainer processes nothing; its last rate would mislead.
            samples_per_s: self.samples_per_s(),
            running: self.running,
            dataset: format!(
                "{} ({} train / {} val)",
                self.train.name,
                self.train.len(),
                self.val.len()
            ),
            image_shape: self.train.shape,
            live_inputs: self.live_inputs.clone(),
            eval_corrupt: self.preset.eval_corrupt,
            models,
            message: self.message.take(),
            probe: self.probe.clone(),
            stage: None,
            build_time: started.elapsed(),
        }
    }
}

/// The data the slow views are measured on.
struct Sets<'a> {
    train: &'a Dataset,
    val: &'a Dataset,
    pca: Option<&'a PcaReference>,
    /// Noise in the shape of the sampled validation rows.
    gain_noise: &'a UnitNoise,
}

/// The views that take a pass over the validation split: the codes of its
/// first samples and their principal plane, the error of repairing its
/// corrupted version, and the filters' locality; recomputed when the
/// weights have changed and, while training runs, when they are `due`
/// (paused, always: a frame then depends on the step alone).
fn slow_views(
    slot: &mut Slot,
    objective: &Objective,
    sets: &Sets,
    eval_input: &Array2<f32>,
    (shape, live): ((usize, usize), &[bool]),
    (step, running, due): (u64, bool, bool),
) -> SlowViews {
    if let Some(last) = &slot.last_slow
        && (last.step == step || (running && !due))
    {
        return last.views.clone();
    }
    let val = sets.val;
    let idx: Vec<usize> = (0..CODE_SAMPLES.min(val.len())).collect();
    let rows = val.rows(&idx);
    let cache = objective.forward(&slot.params, &rows);
    let recon_gain = (!idx.is_empty()).then(|| {
        let sample = (&rows, &cache.x_hat);
        SIGMAS
            .map(|s| recon_gain(objective, &slot.params, sample, &sets.gain_noise.scaled(s)) as f32)
    });
    let labels = val.label_rows(&idx);
    let vae = (slot.params.arch.is_vae() && !idx.is_empty())
        .then(|| Arc::new(vae_view(objective, &slot.params, &cache, labels.as_deref())));
    // A VAE's code is the mean μ of q(z|x).
    let h = match cache.vae {
        Some(v) => v.mu,
        None => cache.h,
    };
    let eval_recon = (!val.is_empty()).then(|| {
        let x_hat = objective.forward(&slot.params, eval_input).x_hat;
        per_pixel_mse(&val.x, &x_hat) as f32
    });
    // The last plane of the same samples, so that the axes keep their signs.
    let previous = slot.last_slow.as_ref().map(|l| &l.views.codes.pca[..]);
    let views = SlowViews {
        codes: Arc::new(Codes {
            pca: principal_plane(&h, previous.unwrap_or_default()),
            h,
            labels,
        }),
        vae,
        recon_gain,
        eval_recon,
        locality: mean_locality(slot.params.views().w1, shape, live),
        pca: sets
            .pca
            .and_then(|p| pca_comparison(p, slot, objective, &sets.train.x)),
        along_across: val
            .tangents
            .as_ref()
            .map(|t| along_across(objective, &slot.params, &val.x, t)),
    };
    slot.last_slow = Some(LastSlow {
        step,
        views: views.clone(),
    });
    views
}

/// A linear autoencoder of k codes on the training data, against PCA.
fn pca_comparison(
    reference: &PcaReference,
    slot: &Slot,
    objective: &Objective,
    x: &Array2<f32>,
) -> Option<PcaComparison> {
    let c = &slot.config;
    let linear = c.encoder == Activation::Linear && c.decoder == Activation::Linear;
    if !linear || c.hidden != reference.k {
        return None;
    }
    let x_hat = objective.forward(&slot.params, x).x_hat;
    // Σ over pixels, mean over samples: the error PCA minimises.
    let ae_error = per_pixel_mse(x, &x_hat) * x.ncols() as f64;
    let views = slot.params.views();
    let decoder = match views.w2 {
        Some(w2) => w2.mapv(f64::from),
        None => views.w1.t().mapv(f64::from),
    };
    reference.compare(ae_error, &decoder)
}

/// The share of codes in the flat part of the encoder's activation: within
/// the margin of a sigmoid's or tanh's bounds, or 0 from a relu.
pub(super) fn saturated_fraction(encoder: Activation, h: &Array2<f32>) -> f32 {
    let (lo, hi) = encoder.range();
    let flat = match encoder {
        Activation::Sigmoid | Activation::Tanh => {
            let margin = SATURATION_MARGIN * (hi - lo) as f32;
            h.iter()
                .filter(|&&h| h < lo as f32 + margin || h > hi as f32 - margin)
                .count()
        }
        // A relu unit is flat (dead) where it outputs 0; linear never saturates.
        Activation::Relu => h.iter().filter(|&&h| h <= 0.0).count(),
        Activation::Linear => 0,
    };
    flat as f32 / h.len().max(1) as f32
}

fn stats(slot: &Slot, objective: &Objective, cache: &Cache<f32>) -> BatchStats {
    let saturated = saturated_fraction(objective.encoder, &cache.h);
    let w1 = slot.params.views().w1;
    let inputs = w1.ncols().max(1);
    let mean_abs_w: ndarray::Array1<f32> = w1
        .as_slice()
        .expect("θ is contiguous")
        .chunks_exact(inputs)
        .map(|r| kernels::sum_over(r, f32::abs) / inputs as f32)
        .collect();
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

/// W1[j] / ‖W1[j]‖ for every unit, and the norms (twenty times a second:
/// the vectorised row norms took it from 0.23 to 0.07 ms on the demo's W1).
pub fn normalised_filters(params: &Params<f32>) -> (Array2<f32>, Vec<f32>) {
    let mut w1 = params.views().w1.to_owned();
    let mut norms = vec![0.0; w1.nrows()];
    kernels::row_norms2_into(w1.as_slice().expect("owned in standard layout"), &mut norms);
    for (mut row, norm) in w1.axis_iter_mut(Axis(0)).zip(&mut norms) {
        *norm = norm.sqrt();
        if *norm > 0.0 {
            row /= *norm;
        }
    }
    (w1, norms)
}
