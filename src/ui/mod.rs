//! The lab: a live terminal UI that steers the training thread. Keys become
//! `Action`s, `App::update` turns them into `Command`s for the trainer, and
//! `Snapshot`s coming back are absorbed into `App`, which the panes draw.

pub mod action;
pub mod app;
pub mod fixture;
pub mod frame;
pub mod frame_png;
pub mod history;
pub mod keys;
pub mod layout;
pub mod offer;
pub mod options;
pub mod panes;
pub mod plot;
pub mod raster;
pub mod run;
pub mod screenshot;
pub mod steer;
pub mod theme;

pub use action::Action;
pub use app::{App, CodeAxes, DrawMode};
pub use frame::{buffer_dump, render_buffer, render_text};
pub use keys::{Binding, KEYMAP};
pub use offer::ResumeOffer;
pub use options::{ColorDepth, UiOptions};
pub use run::run;
