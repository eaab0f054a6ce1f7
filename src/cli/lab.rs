//! `aelab [PRESET]`: the lab. The trainer runs on its own thread; the UI
//! owns the terminal. Without a terminal, training runs headless instead.

use super::{load_data, load_preset};
use crate::train::{Trainer, Worker};
use crate::ui::{self, UiOptions};
use anyhow::Result;
use std::io::IsTerminal;
use std::path::Path;

pub fn run(preset_name: &str, sets: &[String], ascii: bool, resume: Option<&Path>) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "aelab: not a terminal, so training headless (progress lines instead of the lab)"
        );
        return super::train::run(preset_name, sets, None, None, resume);
    }
    let preset = load_preset(preset_name, sets)?;
    let (train, val) = load_data(&preset)?;
    let mut trainer = Trainer::new(preset, train, val)?;
    if let Some(path) = resume {
        trainer.resume(path).map_err(anyhow::Error::msg)?;
    }
    let (commands, snapshots, thread) = Worker::spawn(trainer).split();
    let result = ui::run(commands, snapshots, UiOptions::detect(ascii));
    // `run` has dropped its channel ends: the trainer ends after its current step.
    let _ = thread.join();
    result
}
