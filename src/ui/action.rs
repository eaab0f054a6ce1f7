//! Every user intent, independent of the key that asks for it.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Pause training, or resume it.
    TogglePause,
    /// Take exactly one step (pausing first).
    StepOnce,
    /// Switch the focused model to the next variant.
    NextVariant,
    /// Switch the focused model to the previous variant.
    PrevVariant,
    /// Raise the focused model's corruption level (q or σ) by 0.05.
    CorruptionUp,
    /// Lower the focused model's corruption level by 0.05.
    CorruptionDown,
    /// Cycle the focused model's corruption kind.
    NextCorruptionKind,
    /// Halve the focused model's learning rate.
    LrDown,
    /// Double the focused model's learning rate.
    LrUp,
    /// Start a new run: new initial weights from a newly drawn seed, settings kept.
    Reset,
    /// Cycle how filters are drawn: half-blocks, braille, ASCII.
    NextDrawMode,
    /// Show the next page of filters.
    NextPage,
    /// Show the previous page of filters.
    PrevPage,
    /// Move the filter cursor one unit left.
    CursorLeft,
    /// Move the filter cursor one unit right.
    CursorRight,
    /// Move the filter cursor one row up.
    CursorUp,
    /// Move the filter cursor one row down.
    CursorDown,
    /// Toggle the loss plot between linear and log scale.
    ToggleLogScale,
    /// Focus the next model (the one v, +, -, c, [ and ] act on).
    FocusNext,
    /// Show the code-space scatter in place of the filters, or back.
    ToggleCodes,
    /// Code space: put the next hidden unit on the x axis.
    CodeAxisX,
    /// Code space: put the next hidden unit on the y axis.
    CodeAxisY,
    /// Code space: project onto the first two principal components.
    CodePca,
    /// Run the probe (softmax on codes vs raw inputs) in the background.
    Probe,
    /// Save the run: a checkpoint `--resume` continues exactly.
    SaveCheckpoint,
    /// Show the cursor's filter enlarged in place of the page, or the page again.
    ToggleZoom,
    /// Save the frame on screen as a text file.
    Screenshot,
    /// Save the preset with every change and reset of the session: a file that replays it.
    RecordTimeline,
    /// Show or hide the key help.
    ToggleHelp,
    /// Hide the key help.
    CloseHelp,
    /// Leave the lab.
    Quit,
}
