//! The preset file as written: every key optional, unknown keys refused
//! (serde names the allowed ones). Only the shape is checked here; values
//! are resolved and judged in `resolve.rs`.

use crate::data::DataSpec;
use crate::model::{Activation, CorruptionKind, Loss, Sparsity, Variant};
use crate::optim::OptimizerKind;
use serde::Deserialize;
use toml::Table;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub name: Option<String>,
    /// The base model's label (default: its variant's name).
    #[allow(dead_code)] // read with the base model's table
    pub label: Option<String>,
    pub seed: Option<u64>,
    #[allow(dead_code)] // model keys are read per model, from each model's table
    pub variant: Option<Variant>,
    pub data: Option<DataSpec>,
    #[allow(dead_code)]
    pub model: Option<RawArch>,
    #[allow(dead_code)]
    pub regularize: Option<RawRegularize>,
    #[allow(dead_code)]
    pub corrupt: Option<RawCorrupt>,
    pub train: Option<RawTrain>,
    pub eval: Option<RawEval>,
    #[allow(dead_code)]
    pub compare: Option<Vec<RawModel>>,
    #[allow(dead_code)] // read from the table, to keep each entry's key order
    pub timeline: Option<Vec<RawTimeline>>,
    pub stack: Option<RawStack>,
}

/// The keys one model is made of (the base preset's, or a `[[compare]]` entry's).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    pub label: Option<String>,
    pub variant: Option<Variant>,
    pub model: Option<RawArch>,
    pub regularize: Option<RawRegularize>,
    pub corrupt: Option<RawCorrupt>,
    pub train: Option<RawTrain>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawArch {
    pub hidden: Option<usize>,
    pub encoder: Option<Activation>,
    pub decoder: Option<Activation>,
    pub tied: Option<bool>,
    pub loss: Option<Loss>,
    /// A VAE's latent dimensions.
    pub latent: Option<usize>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRegularize {
    pub weight_decay: Option<f64>,
    pub sparsity: Option<Sparsity>,
    pub l1: Option<f64>,
    pub k_sparse: Option<usize>,
    pub contractive: Option<f64>,
    /// A VAE's β on KL(q(z|x) ‖ N(0, I)).
    pub kl: Option<f64>,
    /// Steps over which a VAE's β rises from 0.
    pub kl_warmup: Option<u64>,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct RawCorrupt {
    pub kind: Option<CorruptionKind>,
    pub level: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawTrain {
    pub optimizer: Option<OptimizerKind>,
    pub lr: Option<f64>,
    pub batch: Option<usize>,
    pub epochs: Option<usize>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawEval {
    pub corrupt: Option<RawCorrupt>,
}

/// `[stack]`: more layers on top of the base model, each an autoencoder
/// of the base model's settings trained on the codes of the one below.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStack {
    /// The sizes of the layers above the first (whose size is `model.hidden`).
    pub hidden: Vec<usize>,
    pub epochs: Option<usize>,
    pub fine_tune: Option<usize>,
}

/// `[[timeline]]`: at `step`, either `set` keys (of one model by label, or
/// of all) or `reset` to new initial weights from a seed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct RawTimeline {
    pub step: u64,
    pub model: Option<String>,
    pub set: Option<Table>,
    pub reset: Option<RawReset>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct RawReset {
    pub seed: u64,
}

/// Keys of the file that belong to every model (copied into each model's table).
pub const MODEL_KEYS: [&str; 5] = ["variant", "model", "regularize", "corrupt", "train"];
