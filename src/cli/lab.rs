//! `aelab [PRESET]`: the lab. The trainer runs on its own thread; the UI
//! owns the terminal. Without a terminal, training runs headless instead.
//! A signal (a dropped SSH session, `kill`) or a lost terminal restores the
//! terminal, autosaves the run, and the next start of the preset offers it.

use super::start;
use crate::signals::{Ended, Signals};
use crate::train::stack::StackRun;
use crate::train::stack_lab::StackLab;
use crate::train::{Checkpoint, Trainer, Worker, autosave};
use crate::ui::{self, ResumeOffer, UiOptions};
use anyhow::{Context, Result};
use std::io::IsTerminal;
use std::path::Path;

pub fn run(
    preset: Option<&str>,
    sets: &[String],
    ascii: bool,
    resume: Option<&Path>,
) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "aelab: not a terminal, so training headless (progress lines instead of the lab)"
        );
        return super::train::run(super::train::Options {
            preset,
            sets,
            resume,
            ..Default::default()
        });
    }
    let signals = Signals::install().context("cannot catch signals")?;
    let (mut trainer, _) = start(preset, sets, resume)?;
    if trainer.preset().stack.is_some() {
        if resume.is_some() {
            anyhow::bail!("--resume: a stacked run has no checkpoints yet");
        }
        return stacked(trainer, ascii, &signals);
    }
    let offer = resume.is_none().then(|| offer(&trainer)).flatten();
    if offer.is_some() {
        trainer.set_running(false);
    }
    let (commands, snapshots, thread) = Worker::spawn(trainer).split();
    let ended = ui::run(
        commands,
        snapshots,
        UiOptions::detect(ascii),
        &signals,
        offer,
    );
    // `run` has dropped its channel ends: the trainer ends after its current step.
    let trainer = thread.join().ok();
    let (by, lost) = match ended {
        Ok(None) => return Ok(()),
        Ok(Some(by)) => (Some(by), None),
        // The terminal went away (a hang-up can show as a read error first).
        Err(e) => (signals.caught(), Some(e)),
    };
    let saved = match &trainer {
        // Still at the start (an autosave's question unanswered, say): the
        // last autosave is worth more than an untrained run.
        Some(t) if t.step_count() == 0 && t.log().is_empty() => {
            "nothing trained yet, so no autosave (an earlier one is kept)".into()
        }
        Some(t) => match autosave::save(t) {
            Ok(path) => format!(
                "run saved at step {} to {} (continue: aelab --resume {})",
                t.step_count(),
                path.display(),
                path.display()
            ),
            Err(e) => format!("could not save the run: {e}"),
        },
        None => "the trainer had crashed: nothing to save".into(),
    };
    match (by, lost) {
        (Some(by), _) => Err(Ended {
            by,
            message: format!("{}: {saved}", by.name()),
        }
        .into()),
        (None, Some(e)) => Err(e.context(saved)),
        (None, None) => unreachable!("handled above"),
    }
}

/// A stacked preset: its layers one after the other, then the fine-tuning
/// (`train::stack_lab`); not autosaved, as it cannot be resumed yet.
fn stacked(trainer: Trainer, ascii: bool, signals: &Signals) -> Result<()> {
    let (preset, train, val) = (
        trainer.preset().clone(),
        trainer.train_set().clone(),
        trainer.val_set().clone(),
    );
    let stack = StackRun::new(preset, train, val)?;
    let (commands, snapshots, thread) = Worker::spawn(StackLab::new(stack)).split();
    let ended = ui::run(commands, snapshots, UiOptions::detect(ascii), signals, None);
    let _ = thread.join();
    let unsaved = "a stacked run is not autosaved (it cannot be resumed yet)";
    match ended {
        Ok(None) => Ok(()),
        Ok(Some(by)) => Err(Ended {
            by,
            message: format!("{}: {unsaved}", by.name()),
        }
        .into()),
        Err(e) => Err(e.context(unsaved)),
    }
}

/// The question to ask when the preset has an autosave that reads.
fn offer(trainer: &Trainer) -> Option<ResumeOffer> {
    let path = autosave::path(trainer.preset());
    let checkpoint = Checkpoint::read(&path).ok()?;
    let age = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .map_or(String::new(), |d| {
            format!(", saved {} ago", age(d.as_secs()))
        });
    Some(ResumeOffer {
        what: format!(
            "step {} (epoch {}){age}",
            checkpoint.run.step, checkpoint.run.epoch
        ),
        path,
    })
}

/// "40 s", "12 min", "3 h", "2 days".
fn age(seconds: u64) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 2 * 3600 => format!("{} min", s / 60),
        s if s < 2 * 86400 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86400),
    }
}
