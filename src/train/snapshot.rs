//! What the trainer reports to the UI: every loss point since the previous
//! snapshot (none is lost), and the newest pictures (the newest wins).

use crate::analysis::jacobian::AlongAcross;
use crate::analysis::pca::PcaComparison;
use crate::analysis::probe::ProbeReport;
use crate::model::Corruption;
use crate::settings::{Context, ModelConfig};
use ndarray::Array2;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Bumped by every reset; the UI drops snapshots of an older run.
    pub run_id: u64,
    /// The seed of this run's initial weights, noise and batch order.
    pub seed: u64,
    /// How many commands from the UI the trainer has applied: the UI's
    /// changes beyond this count are still on their way.
    pub commands_applied: u64,
    /// The facts of the run that changes are judged against.
    pub context: Context,
    /// Steps taken (minibatch updates, or L-BFGS iterations).
    pub step: u64,
    /// Completed epochs.
    pub epoch: usize,
    pub samples_per_s: f64,
    pub running: bool,
    /// The data set's name, e.g. "mnist t10k (9000 train / 1000 val)".
    pub dataset: String,
    /// Image shape (rows, cols) of one sample; (1, inputs) when not an image.
    pub image_shape: (usize, usize),
    /// Which inputs vary in the training data: filters are scaled on these.
    pub live_inputs: Arc<Vec<bool>>,
    /// How the validation inputs are corrupted for `eval_recon` and the
    /// reconstruction pane.
    pub eval_corrupt: Corruption,
    /// One per model, in preset order (the base model first).
    pub models: Vec<ModelView>,
    /// What the trainer has to say (a change applied, a refused key, a divergence).
    pub message: Option<String>,
    /// The state of the background probe (`P`).
    pub probe: ProbeState,
    /// Where a stacked autoencoder is ("layer 2/2", "fine-tune 1/3"), shown
    /// on the status line; `None` for a single run.
    pub stage: Option<String>,
    /// How long the trainer took to build this snapshot: training waits for
    /// it (`cargo bench --bench ui -- throughput` adds these up).
    pub build_time: Duration,
}

/// The background probe: classifiers on codes vs raw inputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ProbeState {
    #[default]
    Idle,
    /// Running since the given step.
    Running { step: u64 },
    /// Finished: the accuracies, measured on the weights of the given step.
    Done { step: u64, report: ProbeReport },
}

/// Hidden codes of some validation samples, for the code-space scatter.
#[derive(Clone, Debug, PartialEq)]
pub struct Codes {
    /// k × hidden.
    pub h: Array2<f32>,
    /// Each sample's codes on their first two principal components.
    pub pca: Vec<(f64, f64)>,
    pub labels: Option<Vec<u8>>,
}

/// One step's objective and its split into terms.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LossPoint {
    pub step: u64,
    /// The model's objective version: it changes when a change alters J.
    pub version: u32,
    /// The whole objective J.
    pub total: f32,
    /// (1/m) Σ L(x, x̂).
    pub recon: f32,
    pub weight_decay: f32,
    pub sparsity: f32,
    pub l1: f32,
    pub contractive: f32,
    /// A VAE's β · KL(q(z|x) ‖ N(0, I)), per sample.
    pub kl: f32,
    /// Mean ‖J_h(x̃)‖²_F over the step's batch (whether or not it is penalised).
    pub jacobian: f32,
}

/// A few validation samples: clean, corrupted, reconstructed (k × inputs each).
#[derive(Clone, Debug, PartialEq)]
pub struct Recon {
    pub original: Array2<f32>,
    pub corrupted: Array2<f32>,
    pub reconstructed: Array2<f32>,
    pub labels: Option<Vec<u8>>,
}

#[derive(Clone, Debug)]
pub struct ModelView {
    /// The settings the model runs with now (variant, corruption, lr, …).
    pub config: ModelConfig,
    /// Bumped whenever a change alters the objective J.
    pub version: u32,
    /// Every step since the previous snapshot, oldest first.
    pub losses: Vec<LossPoint>,
    /// ρ̂_j: each hidden unit's mean activation on the last batch (in (0, 1) for tanh).
    pub rho_hat: Vec<f32>,
    /// Each unit's share of the mean ‖J‖²_F: mean over the batch of g'(z_j)² ‖W1[j]‖².
    pub jacobian_units: Vec<f32>,
    /// Mean ‖J_h(x̃)‖²_F over the last batch (the sum of `jacobian_units`).
    pub jacobian_fro2: f32,
    /// Fraction of (sample, unit) codes in the flat part of the activation.
    pub saturated: f32,
    /// W1[j] / ‖W1[j]‖ for every unit j (hidden × inputs): the norm-bounded
    /// input that activates unit j most.
    pub filters: Arc<Array2<f32>>,
    /// ‖W1[j]‖.
    pub filter_norms: Vec<f32>,
    /// Mean |∂h_j/∂x| over the batch and the inputs.
    pub sensitivity: Vec<f32>,
    pub recon: Arc<Recon>,
    /// Per-pixel MSE on the validation split (inputs corrupted as `eval.corrupt`), at the last epoch's end.
    pub val_recon: Option<f32>,
    /// The same, live (refreshed about once a second); `None` without a validation split.
    pub eval_recon: Option<f32>,
    /// Mean locality of the filters (`analysis::locality`); images only.
    pub locality: Option<f32>,
    /// A linear autoencoder against PCA of the same k (pca-digits).
    pub pca: Option<PcaComparison>,
    /// The encoder's sensitivity along / across the data's curve (toy data).
    pub along_across: Option<AlongAcross>,
    /// Codes of the first validation samples (refreshed about once a second).
    pub codes: Arc<Codes>,
    /// Mean ‖x̂(x + δ) − x̂(x)‖ / ‖δ‖ at σ = 0.1 and 0.01 (refreshed with the codes).
    pub recon_gain: Option<[f32; 2]>,
    /// A VAE's latent views (refreshed with the codes).
    pub vae: Option<Arc<super::VaeView>>,
}
