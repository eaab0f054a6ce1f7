//! Training: the `Trainer` (models, data and RNG; no threads), the commands
//! that steer it, the snapshots it reports, and the worker thread that runs it
//! behind the TUI.

pub mod checkpoint;
pub mod command;
mod probe_job;
mod slot;
pub mod snapshot;
mod steering;
pub mod trainer;
mod views;
pub mod worker;

pub use checkpoint::CheckpointError;
pub use command::Command;
pub use slot::per_pixel_mse;
pub use snapshot::{Codes, LossPoint, ModelView, ProbeState, Recon, Snapshot};
pub use trainer::{Diverged, Trainer};
pub use views::normalised_filters;
pub use worker::Worker;
