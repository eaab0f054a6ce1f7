//! All UI state, and the one place it changes: `update` (keys) and `absorb`
//! (snapshots). Panes only read it.

use super::action::Action;
use super::history::History;
use super::keys;
use super::offer::ResumeOffer;
use super::options::{ColorDepth, UiOptions};
use super::steer::steer;
use super::theme::Theme;
use crate::settings::{Event, ModelConfig, rules};
use crate::train::{Command, LossPoint, Snapshot};
use crossterm::event::KeyEvent;
use std::collections::VecDeque;

/// The message line before anything has happened.
const HINT: &str = "press ? for help";

/// How filters and reconstructions are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrawMode {
    /// '▀' with the top pixel as foreground and the bottom one as background.
    HalfBlocks,
    /// 2×4 dots a cell, thresholded at the image mean.
    Braille,
    /// The shading ramp " .:-=+*#%@".
    Ascii,
}

impl DrawMode {
    pub fn name(self) -> &'static str {
        match self {
            Self::HalfBlocks => "half-blocks",
            Self::Braille => "braille",
            Self::Ascii => "ascii",
        }
    }
}

/// The series one model accumulates over a run.
#[derive(Clone, Debug, Default)]
pub struct ModelSeries {
    /// Every loss point the trainer reported.
    pub loss: History<LossPoint>,
    /// The smallest objective seen since the objective last changed.
    pub best: Option<f32>,
    /// The objective version of the newest point.
    pub version: u32,
    /// The steps where the objective changed (a variant, a penalty, …):
    /// the loss curve marks them and scales to what came after the last.
    pub changes: Vec<u64>,
}

impl ModelSeries {
    fn push(&mut self, point: LossPoint) {
        if point.version != self.version {
            self.version = point.version;
            self.best = None;
            self.changes.push(point.step);
        }
        self.loss.push(point);
        if self.best.is_none_or(|b| point.total < b) {
            self.best = Some(point.total);
        }
    }
}

#[derive(Clone, Debug)]
pub struct App {
    options: UiOptions,
    /// The run the UI expects; snapshots of older runs are dropped.
    run_id: u64,
    /// The newest snapshot: its pictures are what the panes show.
    snapshot: Option<Snapshot>,
    /// Commands sent to the trainer so far, and those it has not yet applied
    /// (numbered by that count): their changes are shown ahead of time.
    sent: u64,
    pending: VecDeque<(u64, Command)>,
    /// Each model's settings as they will be once every pending change is
    /// made: what the panes name and the next key builds on.
    shown: Vec<ModelConfig>,
    series: Vec<ModelSeries>,
    focus: usize,
    draw_mode: DrawMode,
    /// The selected hidden unit (an index into the filters).
    cursor: usize,
    /// (columns, rows) of the filter grid at the last layout, for paging.
    grid: (usize, usize),
    log_scale: bool,
    help: Option<HelpPage>,
    message: String,
    quit: bool,
    /// The code-space scatter is shown in place of the filters.
    codes_shown: bool,
    /// The cursor's filter is shown enlarged in place of the page.
    zoomed: bool,
    code_axes: CodeAxes,
    /// Set by `S`: the loop that owns the terminal writes the frame out.
    screenshot_due: bool,
    /// An autosave waiting for y or n.
    offer: Option<ResumeOffer>,
}

/// The pages of the `?` overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelpPage {
    Keys,
    /// What each label on screen measures, and the focused model's objective.
    Labels,
}

/// What the code-space scatter plots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeAxes {
    /// The first two principal components of the codes.
    Pca,
    /// Two hidden units (x, y).
    Units(usize, usize),
}

impl App {
    pub fn new(options: UiOptions) -> Self {
        let mut app = App {
            options,
            run_id: 0,
            snapshot: None,
            sent: 0,
            pending: VecDeque::new(),
            shown: Vec::new(),
            series: Vec::new(),
            focus: 0,
            draw_mode: DrawMode::HalfBlocks,
            cursor: 0,
            grid: (8, 2),
            log_scale: false,
            help: None,
            message: HINT.into(),
            quit: false,
            codes_shown: false,
            zoomed: false,
            code_axes: CodeAxes::Pca,
            screenshot_due: false,
            offer: None,
        };
        app.draw_mode = app.draw_modes()[0];
        app
    }

    /// Takes in a snapshot: every loss point is kept, pictures are replaced.
    pub fn absorb(&mut self, snapshot: Snapshot) {
        while self
            .pending
            .front()
            .is_some_and(|(n, _)| *n <= snapshot.commands_applied)
        {
            self.pending.pop_front();
        }
        if snapshot.run_id < self.run_id {
            return; // from before a reset
        }
        if snapshot.run_id > self.run_id {
            self.run_id = snapshot.run_id;
            self.series.clear();
        }
        self.series
            .resize_with(snapshot.models.len(), ModelSeries::default);
        for (series, model) in self.series.iter_mut().zip(&snapshot.models) {
            for point in &model.losses {
                series.push(*point);
            }
        }
        if let Some(message) = &snapshot.message {
            // The trainer's word wins: a refused change or a divergence.
            self.message = message.clone();
        }
        self.focus = self.focus.min(snapshot.models.len().saturating_sub(1));
        self.snapshot = Some(snapshot);
        self.refresh_shown();
    }

    /// The settings shown: the snapshot's, with the pending changes made.
    fn refresh_shown(&mut self) {
        let Some(s) = &self.snapshot else { return };
        let configs: Vec<ModelConfig> = s.models.iter().map(|m| m.config.clone()).collect();
        let events = self.pending.iter().filter_map(|(_, c)| match c {
            Command::Event(e) => Some(e),
            _ => None,
        });
        self.shown = rules::fold(&configs, events, &s.context);
    }

    /// Model `i`'s settings as the user should see them.
    pub fn config(&self, i: usize) -> Option<&ModelConfig> {
        self.shown.get(i)
    }

    /// Applies one action; returns what the trainer must be told (and keeps
    /// it as pending until a snapshot says it was applied).
    pub fn update(&mut self, action: Action) -> Vec<Command> {
        let commands = self.decide(action);
        self.send(commands)
    }

    /// Keeps `commands` as pending until a snapshot says they were applied.
    fn send(&mut self, commands: Vec<Command>) -> Vec<Command> {
        for c in &commands {
            self.sent += 1;
            self.pending.push_back((self.sent, c.clone()));
        }
        if !commands.is_empty() {
            self.refresh_shown();
        }
        commands
    }

    pub fn handle_key(&mut self, event: KeyEvent) -> Vec<Command> {
        if let Some((command, note)) = self.offer.as_ref().and_then(|o| o.answer(&event)) {
            self.offer = None;
            self.message = note;
            return self.send(vec![command]);
        }
        keys::lookup(&event).map_or_else(Vec::new, |a| self.update(a))
    }

    /// Asks whether to continue an autosave (the trainer waits, paused).
    pub fn offer(&mut self, offer: ResumeOffer) {
        self.message = offer.question();
        self.offer = Some(offer);
    }

    fn decide(&mut self, action: Action) -> Vec<Command> {
        let focus = self.focus;
        if let (Some(config), Some(s)) = (self.shown.get(focus), &self.snapshot)
            && let Some((changes, message)) =
                steer(action, config, &s.context, &Theme::new(self.options))
        {
            self.message = message;
            let event = |change| {
                Command::Event(Event::Change {
                    model: Some(focus),
                    change,
                })
            };
            return changes.into_iter().map(event).collect();
        }
        let mut commands = Vec::new();
        self.message = match action {
            Action::TogglePause => {
                let running = !self.running();
                commands.push(Command::SetRunning(running));
                if running { "running" } else { "paused" }.into()
            }
            Action::StepOnce => {
                commands.push(Command::StepOnce);
                "one step (paused)".into()
            }
            Action::Reset => {
                self.run_id += 1;
                self.series
                    .iter_mut()
                    .for_each(|s| *s = ModelSeries::default());
                let seed = new_seed();
                commands.push(Command::Event(Event::Reset { seed }));
                format!("reset: run {}, new weights from seed {seed}", self.run_id)
            }
            Action::NextDrawMode => {
                let modes = self.draw_modes();
                let i = modes.iter().position(|&m| m == self.draw_mode).unwrap_or(0);
                self.draw_mode = modes[(i + 1) % modes.len()];
                format!("filters drawn as {}", self.draw_mode.name())
            }
            Action::NextPage | Action::PrevPage => {
                let per_page = self.grid.0 * self.grid.1;
                let pages = self.hidden().div_ceil(per_page).max(1);
                let page = self.cursor / per_page;
                let page = if action == Action::NextPage {
                    page + 1
                } else {
                    page + pages - 1
                } % pages;
                self.cursor = (page * per_page).min(self.hidden().saturating_sub(1));
                format!("filters page {}/{pages}", page + 1)
            }
            Action::CursorLeft => self.move_cursor(-1),
            Action::CursorRight => self.move_cursor(1),
            Action::CursorUp => self.move_cursor(-(self.grid.0 as isize)),
            Action::CursorDown => self.move_cursor(self.grid.0 as isize),
            Action::ToggleLogScale => {
                self.log_scale = !self.log_scale;
                format!(
                    "loss scale {}",
                    if self.log_scale { "log" } else { "linear" }
                )
            }
            Action::FocusNext => {
                self.focus = (self.focus + 1) % self.series.len().max(1);
                format!("focus on model {}", self.model_label(self.focus))
            }
            Action::ToggleZoom => {
                self.zoomed = !self.zoomed;
                self.codes_shown = false;
                if self.zoomed {
                    format!(
                        "unit {} enlarged (arrows move, Enter: the page)",
                        self.cursor
                    )
                } else {
                    "filters page".into()
                }
            }
            Action::ToggleCodes => {
                self.codes_shown = !self.codes_shown;
                if self.codes_shown {
                    format!(
                        "code space: {} (x/y pick units, o principal components)",
                        self.code_axes_text()
                    )
                } else {
                    "filters".into()
                }
            }
            Action::CodeAxisX | Action::CodeAxisY | Action::CodePca => {
                let hidden = self.hidden().max(1);
                self.code_axes = match (action, self.code_axes) {
                    (Action::CodePca, _) => CodeAxes::Pca,
                    (Action::CodeAxisX, CodeAxes::Units(x, y)) => {
                        CodeAxes::Units((x + 1) % hidden, y)
                    }
                    (Action::CodeAxisY, CodeAxes::Units(x, y)) => {
                        CodeAxes::Units(x, (y + 1) % hidden)
                    }
                    _ => CodeAxes::Units(0, 1 % hidden),
                };
                self.codes_shown = true;
                format!("code space: {}", self.code_axes_text())
            }
            Action::Screenshot => {
                self.screenshot_due = true;
                "saving the frame...".into()
            }
            Action::SaveCheckpoint => {
                commands.push(Command::SaveCheckpoint);
                "saving the run...".into()
            }
            Action::RecordTimeline => {
                commands.push(Command::SaveTimeline);
                "saving the timeline...".into()
            }
            Action::Probe => {
                commands.push(Command::Probe);
                "probe: training classifiers in the background...".into()
            }
            Action::ToggleHelp => {
                // Closed → keys → what the labels mean → closed.
                self.help = match self.help {
                    None => Some(HelpPage::Keys),
                    Some(HelpPage::Keys) => Some(HelpPage::Labels),
                    Some(HelpPage::Labels) => None,
                };
                match self.help {
                    Some(HelpPage::Keys) => {
                        "help: keys (? again: what the labels mean; Esc closes)"
                    }
                    Some(HelpPage::Labels) => "help: what the labels mean (Esc closes)",
                    None => "help closed",
                }
                .into()
            }
            Action::CloseHelp => {
                self.help = None;
                "help closed".into()
            }
            Action::Quit => {
                self.quit = true;
                "quit".into()
            }
            _ => "no model yet".into(),
        };
        commands
    }

    fn code_axes_text(&self) -> String {
        match self.code_axes {
            CodeAxes::Pca => "principal components 1 and 2".into(),
            CodeAxes::Units(x, y) => format!("unit {x} (x) vs unit {y} (y)"),
        }
    }

    /// Whether `S` asked for the frame to be saved (cleared by asking).
    pub fn take_screenshot(&mut self) -> bool {
        std::mem::take(&mut self.screenshot_due)
    }

    pub fn zoomed(&self) -> bool {
        self.zoomed
    }

    pub fn codes_shown(&self) -> bool {
        self.codes_shown
    }

    pub fn code_axes(&self) -> CodeAxes {
        self.code_axes
    }

    fn move_cursor(&mut self, by: isize) -> String {
        let last = self.hidden().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(by).min(last);
        format!("unit {}", self.cursor)
    }

    /// The most hidden units any model has (the cursor's range).
    fn hidden(&self) -> usize {
        let models = self.snapshot.iter().flat_map(|s| &s.models);
        models.map(|m| m.config.hidden).max().unwrap_or(0)
    }

    fn model_label(&self, i: usize) -> String {
        self.config(i)
            .map_or_else(|| i.to_string(), |c| c.label.clone())
    }

    /// The drawing modes this terminal can show, in `m` order.
    pub fn draw_modes(&self) -> &'static [DrawMode] {
        if self.options.ascii {
            &[DrawMode::Ascii]
        } else if self.options.colors == ColorDepth::None {
            &[DrawMode::Braille, DrawMode::Ascii] // half-blocks need colour
        } else {
            &[DrawMode::HalfBlocks, DrawMode::Braille, DrawMode::Ascii]
        }
    }

    /// Tells the app the filter grid drawn (columns, rows), so paging and
    /// Up/Down match it.
    pub fn set_grid(&mut self, (columns, rows): (usize, usize)) {
        self.grid = (columns.max(1), rows.max(1));
    }

    /// This app as a text file shows it: no colours (so braille where the
    /// screen has half-blocks), and the message line's hint in place of the
    /// last message (which says what was saved, not what trained).
    pub fn for_text(&self) -> App {
        let mut app = self.clone();
        app.options.colors = ColorDepth::None;
        if !app.draw_modes().contains(&app.draw_mode) {
            app.draw_mode = app.draw_modes()[0];
        }
        app.message = HINT.into();
        app
    }

    /// Puts a note on the message line (e.g. that the trainer stopped).
    pub fn note(&mut self, text: &str) {
        self.message = text.to_string();
    }

    pub fn options(&self) -> UiOptions {
        self.options
    }
    pub fn run_id(&self) -> u64 {
        self.run_id
    }
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref()
    }
    pub fn series(&self, model: usize) -> Option<&ModelSeries> {
        self.series.get(model)
    }
    pub fn focus(&self) -> usize {
        self.focus
    }
    pub fn draw_mode(&self) -> DrawMode {
        self.draw_mode
    }
    pub fn cursor(&self) -> usize {
        self.cursor
    }
    pub fn log_scale(&self) -> bool {
        self.log_scale
    }
    pub fn help_visible(&self) -> bool {
        self.help.is_some()
    }
    pub fn help_page(&self) -> Option<HelpPage> {
        self.help
    }
    /// Whether training runs, once the pending pause/step commands are applied.
    pub fn running(&self) -> bool {
        let pending = self.pending.iter().rev().find_map(|(_, c)| match c {
            Command::SetRunning(on) => Some(*on),
            Command::StepOnce => Some(false),
            _ => None,
        });
        pending.unwrap_or_else(|| self.snapshot.as_ref().is_some_and(|s| s.running))
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn should_quit(&self) -> bool {
        self.quit
    }
}

/// A seed for `r`'s new weights: short enough to read off the screen and
/// type into a preset, drawn from the process's random hasher keys.
fn new_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    1 + h.finish() % 99_999
}
