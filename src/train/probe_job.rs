//! The probe (`P`): softmax classifiers on each model's codes and on the raw
//! inputs, trained on a thread of its own from copies of the weights and
//! data, so training goes on meanwhile.

use super::{ProbeState, Trainer};
use crate::analysis::probe::{self, Encoder};
use crate::model::{Objective, Params};
use std::sync::mpsc;

impl Trainer {
    pub(super) fn start_probe(&mut self) {
        if matches!(self.probe, ProbeState::Running { .. }) {
            self.message = Some("the probe is already running".into());
            return;
        }
        // A probe of a run since reset still holds its copy of the data: one
        // at a time, or a key held down piles them up (100 MB each on MNIST).
        if self.probe_thread.as_ref().is_some_and(|t| !t.is_finished()) {
            self.message = Some(
                "the probe of the run before the reset is still finishing: P again in a moment"
                    .into(),
            );
            return;
        }
        if self.train.labels.is_none() || self.val.is_empty() {
            self.message = Some("probe: the data has no labels or no validation split".into());
            return;
        }
        let models: Vec<(String, Objective, Params<f32>)> = self
            .slots
            .iter()
            .map(|s| {
                (
                    s.config.label.clone(),
                    s.config.objective(),
                    s.params.clone(),
                )
            })
            .collect();
        let (train, val) = (self.train.clone(), self.val.clone());
        let (tx, rx) = mpsc::channel();
        self.probe_thread = Some(std::thread::spawn(move || {
            let encoders: Vec<Encoder> = models
                .iter()
                .map(|(label, objective, params)| Encoder {
                    label: label.clone(),
                    objective: *objective,
                    params,
                })
                .collect();
            // The UI may have gone by the time this finishes; nobody to tell then.
            let _ = tx.send(probe::probe(&encoders, &train, &val, |_, _| {}));
        }));
        self.probe_result = Some(rx);
        self.probe = ProbeState::Running { step: self.step };
        self.message = Some("probe started: softmax on the codes and on the raw inputs".into());
    }

    /// Whether the background probe has just finished (its result is then in the next snapshot).
    pub fn poll_probe(&mut self) -> bool {
        let Some(rx) = &self.probe_result else {
            return false;
        };
        let result = match rx.try_recv() {
            Ok(result) => result,
            Err(mpsc::TryRecvError::Empty) => return false,
            Err(mpsc::TryRecvError::Disconnected) => {
                self.message = Some("the probe stopped without a result".into());
                None
            }
        };
        self.probe_result = None;
        let step = match self.probe {
            ProbeState::Running { step } => step,
            _ => self.step,
        };
        self.probe = match result {
            Some(report) => ProbeState::Done { step, report },
            None => ProbeState::Idle,
        };
        true
    }
}
