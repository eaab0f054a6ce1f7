//! Training: the `Trainer` (models, data and RNG; no threads), the commands
//! that steer it, the snapshots it reports, and the worker thread that runs it
//! behind the TUI.

pub mod autosave;
pub mod blowup;
pub mod checkpoint;
pub mod command;
mod evaluation;
pub mod partner;
mod probe_job;
mod resume;
pub mod run;
mod slot;
pub mod snapshot;
pub mod stack;
pub mod stack_lab;
mod steering;
pub mod trainer;
pub mod vae_views;
mod views;
pub mod worker;

pub use checkpoint::{Checkpoint, CheckpointError};
pub use command::Command;
pub use slot::per_pixel_mse;
pub use snapshot::{Codes, LossPoint, ModelView, ProbeState, Recon, Snapshot};
pub use trainer::{Diverged, ModelReport, Trainer};
pub use vae_views::VaeView;
pub use views::normalised_filters;
pub use worker::Worker;

/// The trainer's random streams (batch order, corruption noise, initial
/// weights): ChaCha12 as in rand's `StdRng`, the same numbers, but named so
/// that a checkpoint can save its state and a resume continue it exactly.
pub type TrainRng = chacha20::ChaCha12Rng;
