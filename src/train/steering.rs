//! Commands at a step boundary: changes and resets (judged by
//! `settings::rules`, logged with their step), pause and single steps, and
//! the files the lab asks for (checkpoint, recorded session).

use super::{Command, Trainer};
use crate::settings::{Event, Timed, rules};

impl Trainer {
    /// Applies a command from the UI at this step boundary.
    pub fn apply(&mut self, command: Command) {
        self.commands_applied += 1;
        match command {
            Command::SetRunning(on) => {
                self.running = on;
                self.steps_requested = 0;
            }
            Command::StepOnce => {
                self.running = false;
                self.steps_requested += 1;
            }
            Command::Event(event) => {
                if let Err(refused) = self.event(event) {
                    self.message = Some(refused);
                }
            }
            Command::Probe => self.start_probe(),
            Command::SaveCheckpoint => self.write_checkpoint(),
            Command::SaveTimeline => {
                let path = format!("aelab-timeline-step{}.toml", self.step);
                let text = self.preset.recorded(&self.log);
                let written = crate::files::write_atomic(path.as_ref(), text.as_bytes());
                self.message = Some(match written {
                    Ok(()) => format!("session saved to {path} (replay: aelab {path})"),
                    Err(e) => format!("cannot write {path}: {e}"),
                });
            }
            Command::Resume(path) => match self.resume(&path) {
                Ok(_) => self.running = true,
                // Refused: the run stays as it was, paused as the offer left it.
                Err(e) => self.message = Some(e.to_string()),
            },
        }
    }

    /// Carries out an event and logs it, or says why not (nothing changes then).
    fn event(&mut self, event: Event) -> Result<(), String> {
        match event {
            Event::Change { model, change } => {
                let configs: Vec<_> = self.slots.iter().map(|s| s.config.clone()).collect();
                let next =
                    rules::apply_to(&configs, model, change, &self.context).map_err(|r| {
                        let who = model
                            .and_then(|i| configs.get(i))
                            .map_or(String::new(), |c| format!(" (model {})", c.label));
                        format!("{change} refused{who}: {r}")
                    })?;
                for (slot, config) in self.slots.iter_mut().zip(next) {
                    if config != slot.config {
                        slot.reconfigure(config, change);
                    }
                }
            }
            Event::Reset { seed } => {
                // A probe of the old weights says nothing about the new run.
                self.probe = super::ProbeState::Idle;
                self.probe_result = None;
                self.run_id += 1;
                let configs = self.slots.iter().map(|s| s.config.clone()).collect();
                self.log.push(Timed {
                    step: self.step,
                    event,
                });
                self.start_run(configs, seed);
                self.message = Some(format!("new run {}: weights from seed {seed}", self.run_id));
                return Ok(());
            }
        }
        self.log.push(Timed {
            step: self.step,
            event,
        });
        Ok(())
    }

    /// Applies the preset's timeline events that are due at this step.
    pub fn apply_timeline(&mut self) {
        while let Some(&Timed { step, event }) = self.preset.timeline.get(self.timeline_at) {
            if step > self.step {
                break;
            }
            self.timeline_at += 1;
            if step < self.step {
                continue; // its step has passed (a run resumed later)
            }
            if let Err(refused) = self.event(event) {
                self.message = Some(format!("timeline at step {step}: {refused}"));
            }
        }
    }

    /// Whether the preset's timeline still holds a reset (a replayed session
    /// reaches its last run only after it).
    pub fn resets_ahead(&self) -> bool {
        self.preset.timeline[self.timeline_at.min(self.preset.timeline.len())..]
            .iter()
            .any(|t| matches!(t.event, Event::Reset { .. }))
    }

    /// Steps until the last run of the timeline reaches `step` (what the lab
    /// showed at that step of a recorded session).
    pub fn advance_to(&mut self, step: u64) -> Result<(), super::trainer::Diverged> {
        loop {
            self.apply_timeline();
            if self.step >= step && !self.resets_ahead() {
                return Ok(());
            }
            self.step()?;
        }
    }

    /// `w`: a checkpoint named after this step, and how to continue from it.
    fn write_checkpoint(&mut self) {
        let path = super::checkpoint::file_name(self.step);
        self.message = Some(match self.save_checkpoint(path.as_ref()) {
            Ok(()) => format!("run saved to {path} (continue: aelab --resume {path})"),
            Err(e) => e.to_string(),
        });
    }
}
