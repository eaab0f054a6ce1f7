//! A model's settings and the one rule book for changing them.
//!
//! `ModelConfig` is what one model runs with; a [`Change`] is one typed edit
//! of it (a key in the lab, a `--set`, a `[[timeline]]` entry); [`rules`]
//! says which changes a model may take, what each implies, and the clamps the
//! keys respect. The preset loader, the trainer and the UI all go through
//! here, so the three mean the same thing. TOML never reaches this module:
//! files are turned into these types in `preset`.

pub mod change;
pub mod config;
pub mod rules;

pub use change::{Change, Event, Timed};
pub use config::{Invalid, ModelConfig, default_level};
pub use rules::{Context, Refusal};
