//! What the UI (or a timeline) asks of the trainer. Plain data; applied at the
//! next step boundary.

use toml::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Run continuously (true) or pause (false).
    SetRunning(bool),
    /// While paused: take exactly one step.
    StepOnce,
    /// Change a preset key (`variant`, `corrupt.level`, `train.lr`, …) of one
    /// model (index into the preset's models) or of all (`None`). The weights
    /// are kept; the optimiser state too unless the optimiser itself changes.
    Set {
        model: Option<usize>,
        key: String,
        value: Value,
    },
    /// Re-initialise the weights and start a new run (`run_id` + 1).
    Reset,
    /// Train classifiers on the codes and on the raw inputs, in the
    /// background; the accuracies arrive in a later snapshot.
    Probe,
    /// Write the preset with every change made so far (since the last reset)
    /// appended as `[[timeline]]` entries: a file that replays this run.
    SaveTimeline(std::path::PathBuf),
    /// Write every model's weights to this file (`--resume` loads them).
    SaveCheckpoint(std::path::PathBuf),
}
