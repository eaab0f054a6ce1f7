//! One typed edit of a model's settings, and the events of a run's timeline.

use crate::model::{Activation, CorruptionKind, Loss, Sparsity, Variant};
use crate::optim::OptimizerKind;

/// One steerable setting and its new value. Keys in the lab, `--set` and
/// `[[timeline]]` entries all become these; [`super::rules::apply`] carries
/// them out.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Change {
    /// A named variant: brings the lecture's penalties, corruption and tying.
    Variant(Variant),
    /// The corruption kind; the level is kept when it means something for the new kind.
    CorruptKind(CorruptionKind),
    /// q, or σ for gaussian noise.
    CorruptLevel(f64),
    Lr(f64),
    Optimizer(OptimizerKind),
    Encoder(Activation),
    Decoder(Activation),
    Loss(Loss),
    Tied(bool),
    /// Fixed while training: kept so that a timeline can name it and be told so.
    Hidden(usize),
    WeightDecay(f64),
    /// KL sparsity on (ρ, β) or off.
    Sparsity(Option<Sparsity>),
    SparsityRho(f64),
    SparsityBeta(f64),
    L1(f64),
    KSparse(usize),
    Contractive(f64),
}

impl Change {
    /// The preset key this change sets (`corrupt.level`, `train.lr`, …).
    pub fn key(&self) -> &'static str {
        match self {
            Self::Variant(_) => "variant",
            Self::CorruptKind(_) => "corrupt.kind",
            Self::CorruptLevel(_) => "corrupt.level",
            Self::Lr(_) => "train.lr",
            Self::Optimizer(_) => "train.optimizer",
            Self::Encoder(_) => "model.encoder",
            Self::Decoder(_) => "model.decoder",
            Self::Loss(_) => "model.loss",
            Self::Tied(_) => "model.tied",
            Self::Hidden(_) => "model.hidden",
            Self::WeightDecay(_) => "regularize.weight_decay",
            Self::Sparsity(_) => "regularize.sparsity",
            Self::SparsityRho(_) => "regularize.sparsity.rho",
            Self::SparsityBeta(_) => "regularize.sparsity.beta",
            Self::L1(_) => "regularize.l1",
            Self::KSparse(_) => "regularize.k_sparse",
            Self::Contractive(_) => "regularize.contractive",
        }
    }

    /// Whether the change alters the objective J (so its curve starts afresh).
    pub fn changes_objective(&self) -> bool {
        !matches!(self, Self::Lr(_) | Self::Optimizer(_))
    }
}

impl std::fmt::Display for Change {
    /// `corrupt.level = 0.3`, as a message line says it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let key = self.key();
        match self {
            Self::Variant(v) => write!(f, "{key} = {}", v.name()),
            Self::CorruptKind(k) => write!(f, "{key} = {}", k.name()),
            Self::Optimizer(o) => write!(f, "{key} = {}", o.name()),
            Self::Encoder(a) | Self::Decoder(a) => write!(f, "{key} = {}", a.name()),
            Self::Loss(l) => write!(f, "{key} = {}", l.name()),
            Self::Tied(b) => write!(f, "{key} = {b}"),
            Self::Hidden(n) | Self::KSparse(n) => write!(f, "{key} = {n}"),
            Self::Sparsity(None) => write!(f, "{key} = off"),
            Self::Sparsity(Some(s)) => write!(f, "{key} = (rho {}, beta {})", s.rho, s.beta),
            Self::Lr(v) => write!(f, "{key} = {v:.2e}"),
            Self::CorruptLevel(v)
            | Self::WeightDecay(v)
            | Self::SparsityRho(v)
            | Self::SparsityBeta(v)
            | Self::L1(v)
            | Self::Contractive(v) => write!(f, "{key} = {v}"),
        }
    }
}

/// Something that happens to a run at a step boundary: what a `[[timeline]]`
/// entry holds and what the trainer logs as it goes.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Event {
    /// A change of one model (index in preset order) or of every model (`None`).
    Change {
        model: Option<usize>,
        change: Change,
    },
    /// New initial weights from `seed`; the step count starts again at 0 and
    /// every model keeps its current settings.
    Reset { seed: u64 },
}

/// An event and the step (of the run it happens in) before which it applies.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Timed {
    pub step: u64,
    pub event: Event,
}
