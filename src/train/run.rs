//! What the trainer thread drives: one [`Trainer`], or a stacked
//! autoencoder's layers one after the other (`stack_lab.rs`).

use super::{Command, Diverged, Snapshot, Trainer};

pub trait Run: Send + 'static {
    /// A command from the UI, at a step boundary.
    fn apply(&mut self, command: Command);
    /// Whether a background job finished (its result goes in the next snapshot).
    fn poll_probe(&mut self) -> bool;
    /// Whether the next loop should step (running, or a step was asked for).
    fn wants_step(&self) -> bool;
    /// One step; a divergence pauses the run and is said in the snapshot.
    fn step(&mut self) -> Result<(), Diverged>;
    fn snapshot(&mut self) -> Snapshot;
}

impl Run for Trainer {
    fn apply(&mut self, command: Command) {
        Trainer::apply(self, command)
    }
    fn poll_probe(&mut self) -> bool {
        Trainer::poll_probe(self)
    }
    fn wants_step(&self) -> bool {
        Trainer::wants_step(self)
    }
    fn step(&mut self) -> Result<(), Diverged> {
        Trainer::step(self)
    }
    fn snapshot(&mut self) -> Snapshot {
        Trainer::snapshot(self)
    }
}
