//! The terminal loop: owns the terminal, drains keys and snapshots, and
//! redraws only when something changed, at most FPS times a second.

use super::app::App;
use super::frame;
use super::options::UiOptions;
use crate::train::{Command, Snapshot};
use anyhow::Context;
use crossterm::event::{self, Event};
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::time::{Duration, Instant};

/// A redraw every 33 ms is smooth to the eye and cheap over SSH.
const FRAME: Duration = Duration::from_millis(33);
/// A bound on snapshots taken per turn, so a flood cannot starve the keys.
const SNAPSHOTS_PER_TURN: usize = 64;

/// Restores the terminal when dropped: on quit, on error and while unwinding.
struct Restore;
impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Runs the lab until q; dropping `commands` on return tells the trainer to stop.
pub fn run(
    commands: Sender<Command>,
    snapshots: Receiver<Snapshot>,
    options: UiOptions,
) -> anyhow::Result<()> {
    // The guard comes first so a half-done setup (raw mode on, no alternate screen) is undone too.
    let _restore = Restore;
    // try_init installs a panic hook that restores the terminal before the message prints.
    let mut terminal = ratatui::try_init().context("cannot set up the terminal")?;
    let mut app = App::new(options);
    let mut dirty = true;
    let mut trainer_gone = false;
    let mut next_frame = Instant::now();
    while !app.should_quit() {
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
        if event::poll(timeout).context("reading the terminal")? {
            match event::read().context("reading the terminal")? {
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
    Ok(())
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
