//! What the UI asks of the trainer. Plain data; applied at the next step
//! boundary.

use crate::settings::Event;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Run continuously (true) or pause (false).
    SetRunning(bool),
    /// While paused: take exactly one step.
    StepOnce,
    /// A change of settings or a reset: judged by `settings::rules`, logged
    /// with its step, and replayed from a recorded session.
    Event(Event),
    /// Train classifiers on the codes and on the raw inputs, in the
    /// background; the accuracies arrive in a later snapshot.
    Probe,
    /// Write the preset with every event of the session as its timeline: a
    /// file that replays the session (named after the step it is written at).
    SaveTimeline,
    /// Write a checkpoint of the run, named after the step it is taken at
    /// (`--resume` continues from it).
    SaveCheckpoint,
    /// Continue the run saved in this checkpoint instead of the current one.
    Resume(std::path::PathBuf),
}
