//! The lab's first question when a signal ended the last run of this preset:
//! continue its autosave (`y`) or start afresh (`n`). The trainer waits,
//! paused, for the answer; every other key works as usual meanwhile.

use crate::train::Command;
use crossterm::event::{KeyCode, KeyEvent};
use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq)]
pub struct ResumeOffer {
    pub path: PathBuf,
    /// What the autosave holds, e.g. "step 4120 (epoch 3), saved 12 min ago".
    pub what: String,
}

impl ResumeOffer {
    /// The message line while the question is open.
    pub fn question(&self) -> String {
        format!(
            "an autosave of this preset: {} — y continues it, n starts afresh",
            self.what
        )
    }

    /// The command and note for an answering key; `None` for any other key.
    pub fn answer(&self, key: &KeyEvent) -> Option<(Command, String)> {
        match key.code {
            KeyCode::Char('y') => Some((
                Command::Resume(self.path.clone()),
                format!("resuming {}...", self.path.display()),
            )),
            KeyCode::Char('n') => Some((
                Command::SetRunning(true),
                format!(
                    "starting afresh (the autosave stays in {})",
                    self.path.display()
                ),
            )),
            _ => None,
        }
    }
}
