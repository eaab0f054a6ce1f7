//! The trainer behind the UI: commands come down a channel and are applied
//! at the next step boundary; snapshots go up at most `SNAPSHOT_HZ` times a
//! second. Its loop runs on a thread of rayon's pool (`partner::on_pool`),
//! a thread of its own waiting for it; both end when the UI hangs up.

use super::partner::on_pool;
use super::run::Run;
use super::{Command, Snapshot, Trainer};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Snapshots a second: smooth enough for the eye, cheap for the trainer.
pub const SNAPSHOT_HZ: u64 = 20;

/// The UI's side of a running trainer (or of a stack's, `R`).
pub struct Worker<R = Trainer> {
    pub commands: Sender<Command>,
    pub snapshots: Receiver<Snapshot>,
    thread: JoinHandle<R>,
}

impl<R: Run> Worker<R> {
    /// Starts `trainer` behind a thread of its own (its loop on the pool).
    pub fn spawn(mut trainer: R) -> Worker<R> {
        let (commands, command_rx) = mpsc::channel();
        let (snapshot_tx, snapshots) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("trainer".into())
            // On the pool, so that the steps' joins find its other threads awake.
            .spawn(move || {
                on_pool(move || {
                    run(&mut trainer, &command_rx, &snapshot_tx);
                    trainer
                })
            })
            .expect("spawning the trainer thread");
        Worker {
            commands,
            snapshots,
            thread,
        }
    }

    /// Hangs up and waits for the thread to finish its step.
    pub fn stop(self) {
        let Worker {
            commands,
            snapshots,
            thread,
        } = self;
        drop(commands);
        drop(snapshots);
        let _ = thread.join();
    }

    /// The channel ends, for a UI that takes them apart; the thread gives
    /// the trainer back when it ends (to be saved).
    pub fn split(self) -> (Sender<Command>, Receiver<Snapshot>, JoinHandle<R>) {
        (self.commands, self.snapshots, self.thread)
    }
}

fn run(trainer: &mut impl Run, commands: &Receiver<Command>, snapshots: &Sender<Snapshot>) {
    let period = Duration::from_millis(1000 / SNAPSHOT_HZ);
    let mut last_sent: Option<Instant> = None;
    let mut changed = true;
    loop {
        // Commands first, at the step boundary.
        loop {
            match commands.try_recv() {
                Ok(c) => {
                    trainer.apply(c);
                    changed = true;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return,
            }
        }
        changed |= trainer.poll_probe();
        if trainer.wants_step() {
            // A divergence pauses the trainer and is reported in the snapshot.
            let _ = trainer.step();
            changed = true;
        } else if !changed {
            // Paused: sleep until a command arrives.
            match commands.recv_timeout(period) {
                Ok(c) => {
                    trainer.apply(c);
                    changed = true;
                }
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let due = last_sent.is_none_or(|t| t.elapsed() >= period);
        if changed && (due || !trainer.wants_step()) {
            if snapshots.send(trainer.snapshot()).is_err() {
                return;
            }
            last_sent = Some(Instant::now());
            changed = false;
        }
    }
}
