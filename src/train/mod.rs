//! Training: the `Trainer` (models, data and RNG; no threads), the commands
//! that steer it, the snapshots it reports, and the worker thread that runs it
//! behind the TUI.

pub mod checkpoint;
pub mod command;
pub mod snapshot;
pub mod timeline;
pub mod trainer;
pub mod worker;

pub use command::Command;
pub use snapshot::{Codes, LossPoint, ModelView, ProbeState, Recon, Snapshot};
pub use trainer::Trainer;
pub use worker::Worker;
