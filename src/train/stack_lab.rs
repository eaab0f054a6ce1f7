//! A stacked autoencoder in the lab: its layers train one after the other,
//! each shown as the single run it is (keys act on it), then the fine-tuning
//! epoch by epoch. Every snapshot says where the stack is on the status line,
//! and a layer above the first shows its filters in pixel space: the first
//! layer's filters combined by its weights.

use super::run::Run;
use super::stack::{Phase, Report, StackRun};
use super::{Command, Diverged, Snapshot};
use std::sync::Arc;

/// An image's shape and which of its inputs vary in the data.
type Pixels = ((usize, usize), Arc<Vec<bool>>);

pub struct StackLab {
    stack: StackRun,
    /// The last snapshot: what the fine-tuning and the end show, updated.
    last: Option<Snapshot>,
    /// Added to each layer's run ids, so that the UI starts a new history
    /// for each layer (its steps count from 0 again).
    run_offset: u64,
    /// Whether the fine-tuning runs (space pauses it as it pauses a layer).
    running: bool,
    /// One fine-tuning epoch asked for while paused.
    step_once: bool,
    /// What the next snapshot says on the message line.
    note: Option<String>,
    /// The first layer's picture geometry: layers above show pixel-space filters.
    pixels: Option<Pixels>,
    /// A finished layer's last snapshot, sent before the next layer's (so
    /// its last loss points and its final epoch are shown).
    finished: Option<Snapshot>,
}

impl StackLab {
    pub fn new(stack: StackRun) -> StackLab {
        StackLab {
            stack,
            last: None,
            run_offset: 0,
            running: true,
            step_once: false,
            note: None,
            pixels: None,
            finished: None,
        }
    }

    fn layer_done(&mut self) -> bool {
        let epochs = self.stack.stack().epochs;
        self.stack
            .trainer_mut()
            .is_some_and(|t| t.epoch() >= epochs)
    }

    /// Moves on from a finished layer, saying so.
    fn next_layer(&mut self) {
        let finished = self.snapshot();
        let last_run = finished.run_id;
        self.finished = Some(finished);
        let before = self.stack.phase_label();
        match self.stack.advance() {
            Ok(()) => {
                self.run_offset = last_run + 1;
                self.note = Some(format!("{before} done: now {}", self.stack.phase_label()));
            }
            Err(e) => self.note = Some(format!("the next layer cannot start: {e}")),
        }
    }
}

impl Run for StackLab {
    fn apply(&mut self, command: Command) {
        match (self.stack.trainer_mut(), command) {
            // A layer's checkpoint would resume as a lone autoencoder, not the stack.
            (_, Command::SaveCheckpoint | Command::SaveTimeline | Command::Resume(_)) => {
                self.note = Some("a stacked run cannot be saved or resumed yet".into())
            }
            (Some(t), c) => t.apply(c),
            (None, Command::SetRunning(on)) => self.running = on,
            (None, Command::StepOnce) => self.step_once = true,
            (None, _) => {
                self.note =
                    Some("not during the fine-tuning: only space and s (one epoch) act".into())
            }
        }
    }

    fn poll_probe(&mut self) -> bool {
        self.stack.trainer_mut().is_some_and(|t| t.poll_probe())
    }

    fn wants_step(&self) -> bool {
        match self.stack.phase() {
            // A layer whose epochs are done pauses itself: the next step moves on.
            Phase::Layer { trainer, .. } => {
                trainer.wants_step() || trainer.epoch() >= self.stack.stack().epochs
            }
            Phase::FineTune => self.running || self.step_once,
            Phase::Done => false,
        }
    }

    fn step(&mut self) -> Result<(), Diverged> {
        if self.layer_done() {
            self.next_layer();
            return Ok(());
        }
        if let Some(t) = self.stack.trainer_mut() {
            return t.step();
        }
        self.step_once = false;
        match self.stack.run_epoch() {
            Ok(Some(Report::FineTune {
                epoch, val_recon, ..
            })) => {
                self.note = Some(format!(
                    "fine-tune epoch {epoch}/{}: the whole stack's val_recon {val_recon:.4}",
                    self.stack.stack().fine_tune
                ))
            }
            Ok(_) => {}
            Err(e) => {
                self.running = false;
                self.note = Some(format!("the fine-tuning stopped: {e}"));
            }
        }
        Ok(())
    }

    fn snapshot(&mut self) -> Snapshot {
        if let Some(finished) = self.finished.take() {
            return finished;
        }
        let layer = match self.stack.phase() {
            Phase::Layer { index, .. } => Some(*index),
            _ => None,
        };
        let mut s = match (self.stack.trainer_mut(), self.last.take()) {
            (Some(t), _) => t.snapshot(),
            (None, Some(last)) => last,
            (None, None) => unreachable!("a stack starts with a layer in training"),
        };
        if layer.is_some() {
            s.run_id += self.run_offset;
        } else {
            // Fine-tuning or done: the last layer's pictures, its losses already shown.
            s.running = self.running && !matches!(self.stack.phase(), Phase::Done);
            // The last layer's own errors are of its codes, not of the stack:
            // the stack's val_recon is on the message line.
            for m in &mut s.models {
                m.losses.clear();
                (m.eval_recon, m.val_recon) = (None, None);
            }
        }
        let (shape, live) = self
            .pixels
            .get_or_insert_with(|| (s.image_shape, s.live_inputs.clone()))
            .clone();
        // Above the first layer, and after it, the filters in pixel space.
        let top = layer.unwrap_or(self.stack.stack().layers.len() - 1);
        if top > 0
            && let Some(filters) = self.stack.filters(top)
            && let Some(m) = s.models.first_mut()
        {
            // Norms of pixel-space filters are not the layer's ‖W1‖: shown as "-".
            m.filter_norms = Vec::new();
            m.filters = Arc::new(filters);
            s.image_shape = shape;
            s.live_inputs = live;
        }
        s.stage = Some(match self.stack.phase() {
            Phase::Layer { .. } => format!("stack {}", self.stack.phase_label()),
            Phase::FineTune => "stack fine-tune".into(),
            Phase::Done => "stack done".into(),
        });
        if let Some(note) = self.note.take() {
            s.message = Some(note);
        }
        self.last = Some(s.clone());
        s
    }
}
