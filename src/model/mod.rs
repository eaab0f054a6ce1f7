//! The autoencoder of the lecture notes: parameters, the objective and its
//! exact gradient, generic over `f32` (training) and `f64` (checks).

pub mod activation;
pub mod autoencoder;
pub mod corrupt;
pub mod linalg;
pub mod loss;
pub mod penalty;
pub mod variant;

pub use activation::Activation;
pub use autoencoder::{Arch, Cache, Objective, Params, Terms};
pub use corrupt::{Corruption, CorruptionKind};
pub use linalg::Real;
pub use loss::Loss;
pub use penalty::{Penalties, Sparsity};
pub use variant::Variant;
