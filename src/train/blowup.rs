//! A run that is exploding without reaching NaN: a rate far too high sends
//! the weights off by orders of magnitude, every unit saturates, and the
//! objective sits at a plateau far from its best, all silently. The watch
//! looks at each step's objective and, every few steps, at ‖θ‖; what it
//! finds becomes the message that pauses the model.

/// ‖θ‖ this many times its value when the watch began: exploding. Training
/// grows the weights a few times over (MNIST, 30 epochs: under 10×); a rate
/// of 1e6 grows them a million times within steps.
const NORM_GROWTH: f64 = 1e3;
/// The objective this many times its best so far …
const ABOVE_BEST: f64 = 1e2;
/// … for this many steps in a row: exploding (not one bad batch).
const SUSTAINED: u32 = 50;
/// ‖θ‖ is a pass over every weight: taken every this many steps.
const NORM_EVERY: u64 = 8;

/// What the watch has seen of one model since it began (a run, a resume,
/// or the last alarm).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Watch {
    /// ‖θ‖ at the first look.
    start_norm: Option<f64>,
    best: f64,
    /// The first objective seen: a floor for "far above the best", so that a
    /// best near 0 (a perfect fit) does not make every wiggle an alarm.
    first: f64,
    /// Steps in a row with the objective above `ABOVE_BEST` × best.
    above: u32,
    looks: u64,
}

impl Watch {
    /// Looks at one step, from θ `before` it to θ after it: `None`, or what
    /// is blowing up (for the message). θ is read only every few steps;
    /// `saturated` is asked for only when there is something to report.
    pub fn look(
        &mut self,
        objective: f64,
        (before, theta): (&[f32], &[f32]),
        saturated: impl FnOnce() -> f32,
    ) -> Option<String> {
        self.looks += 1;
        if self.looks == 1 {
            self.first = objective;
        }
        if self.looks == 1 || objective < self.best {
            self.best = objective;
        }
        let floor = self.best.max(1e-3 * self.first);
        self.above = if objective > ABOVE_BEST * floor {
            self.above + 1
        } else {
            0
        };
        // The first step may already be the explosion: measure from before it.
        let start = *self.start_norm.get_or_insert_with(|| norm(before));
        let norm_due = self.looks == 1 || self.looks.is_multiple_of(NORM_EVERY);
        let grown = if norm_due {
            let norm = norm(theta);
            (norm > NORM_GROWTH * start.max(1e-12)).then_some((start, norm))
        } else {
            None
        };
        let what = match (grown, self.above >= SUSTAINED) {
            (Some((start, norm)), _) => format!(
                "its weights grew {}× (‖θ‖ {} → {})",
                sci(norm / start),
                sci(start),
                sci(norm)
            ),
            (None, true) => format!(
                "its objective has stayed over {ABOVE_BEST}× its best ({}) for {SUSTAINED} steps (now {})",
                sci(self.best),
                sci(objective)
            ),
            (None, false) => return None,
        };
        // Start afresh: the next alarm needs as much again.
        *self = Watch::default();
        let saturated = saturated();
        Some(if saturated >= 0.5 {
            format!("{what}, {:.0}% of its codes saturated", 100.0 * saturated)
        } else {
            what
        })
    }
}

/// ‖θ‖, in one vectorised f32 pass; in f64 when that overflows (weights
/// past about 1e17, which the message should still give as a number).
fn norm(theta: &[f32]) -> f64 {
    let fast = f64::from(crate::model::kernels::sum_squares(theta));
    if fast.is_finite() {
        return fast.sqrt();
    }
    theta
        .iter()
        .map(|&v| f64::from(v).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// 3 significant digits, in scientific notation past 1e3 or below 1e-2.
fn sci(v: f64) -> String {
    if v != 0.0 && !(1e-2..1e3).contains(&v.abs()) {
        format!("{v:.2e}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growing_weights_and_a_sustained_plateau_are_caught_a_spike_is_not() {
        let mut w = Watch::default();
        let small = vec![0.1f32; 100];
        assert_eq!(w.look(50.0, (&small, &small), || 0.0), None);
        for _ in 0..200 {
            assert_eq!(w.look(40.0, (&small, &small), || 0.0), None);
        }
        // One bad batch: no alarm.
        assert_eq!(w.look(1e5, (&small, &small), || 0.0), None);
        assert_eq!(w.look(30.0, (&small, &small), || 0.0), None);
        let huge = vec![1e4f32; 100];
        let alarm = (0..NORM_EVERY)
            .find_map(|_| w.look(30.0, (&huge, &huge), || 1.0))
            .expect("caught within a norm period");
        assert!(
            alarm.contains("grew 1.00e5×") && alarm.contains("100% of its codes"),
            "{alarm}"
        );
        let mut w = Watch::default();
        w.look(1.0, (&small, &small), || 0.0);
        let alarm = (0..SUSTAINED)
            .find_map(|_| w.look(500.0, (&small, &small), || 0.5))
            .expect("caught after the sustained stretch");
        assert!(alarm.contains("over 100× its best (1.000)"), "{alarm}");
    }
}
