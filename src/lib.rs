//! aelab: a terminal lab for autoencoders.
//!
//! Layers import downward only: `ui` → `train` → `optim`/`analysis` → `model`;
//! `preset` and `data` feed `train`.

pub mod analysis;
pub mod cli;
pub mod data;
pub mod export;
pub mod files;
pub mod model;
pub mod optim;
pub mod picture;
pub mod preset;
pub mod progress;
pub mod settings;
pub mod signals;
pub mod train;
pub mod ui;
