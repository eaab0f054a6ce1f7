//! The autoencoder of the lecture notes: parameters, the objective and its
//! exact gradient, generic over `f32` (training) and `f64` (checks).

pub mod activation;
pub mod autoencoder;
mod backward;
pub mod corrupt;
pub mod forward;
pub mod kernels;
pub mod linalg;
pub mod loss;
pub mod penalty;
mod rows;
pub mod simd;
mod sparse;
#[cfg(test)]
mod split_check;
pub mod stack;
mod stripes;
pub mod update;
pub mod vae;
pub mod variant;
pub mod workspace;

pub use activation::Activation;
pub use autoencoder::{Arch, Objective, Params, ParamsRef, Terms};
pub use backward::threaded as step_threaded;
pub use corrupt::{Corruption, CorruptionKind};
pub use forward::Cache;
pub use linalg::Real;
pub use loss::Loss;
pub use penalty::{Penalties, Sparsity};
pub use update::{NoUpdate, Update};
pub use variant::Variant;
pub use workspace::Workspace;
