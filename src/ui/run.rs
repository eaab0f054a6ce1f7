//! The terminal loop: owns the terminal, drains keys and snapshots, and
//! redraws only when something changed, at most FPS times a second. It ends
//! on q, or on a caught signal (the caller then saves the run).

use super::app::App;
use super::frame;
use super::offer::ResumeOffer;
use super::options::UiOptions;
use crate::signals::{Interrupted, Signals};
use crate::train::{Command, Snapshot};
use anyhow::Context;
use crossterm::event::{self, Event};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::{Duration, Instant};

/// A redraw every 33 ms is smooth to the eye and cheap over SSH.
const FRAME: Duration = Duration::from_millis(33);
/// A bound on snapshots taken per turn, so a flood cannot starve the keys.
const SNAPSHOTS_PER_TURN: usize = 64;
/// How often a paused lab checks that its terminal is still there.
const HANGUP_CHECK: Duration = Duration::from_millis(500);

/// Reads the terminal on a thread of its own. crossterm's reader never
/// returns once the terminal has hung up (it spins on end-of-file), so the
/// loop below must not wait inside it: it waits on this channel instead,
/// and can still see a signal or a lost terminal and save the run.
fn spawn_input() -> Receiver<std::io::Result<Event>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = move || {
        loop {
            let event = event::read();
            let failed = event.is_err();
            if tx.send(event).is_err() || failed {
                return;
            }
        }
    };
    // Without the thread there is no lab: the loop then sees the channel closed.
    let _ = std::thread::Builder::new()
        .name("keys".into())
        .spawn(reader);
    rx
}

/// Restores the terminal when dropped: on quit, on error and while unwinding.
struct Restore;
impl Drop for Restore {
    fn drop(&mut self) {
        // Not `restore()`: it prints its error, and after a hang-up even that
        // write fails (and would panic).
        let _ = ratatui::try_restore();
    }
}

/// Runs the lab until q (`None`) or a signal (which one); dropping
/// `commands` on return tells the trainer to stop.
pub fn run(
    commands: Sender<Command>,
    snapshots: Receiver<Snapshot>,
    options: UiOptions,
    signals: &Signals,
    offer: Option<ResumeOffer>,
) -> anyhow::Result<Option<Interrupted>> {
    // The guard comes first so a half-done setup (raw mode on, no alternate screen) is undone too.
    let _restore = Restore;
    // try_init installs a panic hook that restores the terminal before the message prints.
    let mut terminal = ratatui::try_init().context("cannot set up the terminal")?;
    let mut app = App::new(options);
    if let Some(offer) = offer {
        app.offer(offer);
    }
    let input = spawn_input();
    let mut dirty = true;
    let mut trainer_gone = false;
    let mut next_frame = Instant::now();
    let mut next_check = Instant::now() + HANGUP_CHECK;
    while !app.should_quit() {
        if let Some(signal) = signals.caught() {
            return Ok(Some(signal));
        }
        if Instant::now() >= next_check {
            // A hung-up terminal (a dropped SSH session, a killed tmux) answers no size.
            terminal.size().context("the terminal has gone")?;
            next_check = Instant::now() + HANGUP_CHECK;
        }
        if dirty && Instant::now() >= next_frame {
            // The filter grid depends on the size and on the models reported so far.
            let size = terminal.size().context("reading the terminal size")?;
            let panes = frame::fit(&mut app, size.width, size.height);
            terminal
                .draw(|f| frame::draw_panes(&app, &panes, f.area(), f.buffer_mut()))
                .context("drawing")?;
            dirty = false;
            next_frame = Instant::now() + FRAME;
        }
        let timeout = if dirty {
            next_frame.saturating_duration_since(Instant::now())
        } else {
            FRAME
        };
        let event = match input.recv_timeout(timeout) {
            Ok(event) => Some(event.context("reading the terminal")?),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => anyhow::bail!("the terminal has gone"),
        };
        if let Some(event) = event {
            match event {
                Event::Key(key) => {
                    for command in app.handle_key(key) {
                        // A trainer that has stopped cannot be steered; keep showing what we have.
                        trainer_gone |= commands.send(command).is_err();
                    }
                    if app.take_screenshot() {
                        let size = terminal.size().context("reading the terminal size")?;
                        save_frame(&mut app, size.width, size.height);
                    }
                    dirty = true;
                }
                Event::Resize(..) => dirty = true,
                _ => {}
            }
        }
        for _ in 0..SNAPSHOTS_PER_TURN {
            match snapshots.try_recv() {
                Ok(s) => {
                    app.absorb(s);
                    dirty = true;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if !trainer_gone {
                        trainer_gone = true;
                        app.note("the trainer has stopped");
                        dirty = true;
                    }
                    break;
                }
            }
        }
    }
    Ok(None)
}

/// Writes the frame at this size as text and as a PNG with its colours
/// (`aelab-frame-step<N>-<time>.txt` / `.png`, `ui::screenshot`).
fn save_frame(app: &mut App, width: u16, height: u16) {
    let note = match super::screenshot::save(app, width, height, std::path::Path::new(".")) {
        Ok([text, png]) => format!("frame saved to {} and {}", text.display(), png.display()),
        Err(e) => format!("cannot save the frame: {e}"),
    };
    app.note(&note);
}
