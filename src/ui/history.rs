//! A metric's history, kept two ways as burn-train's TUI does: the recent
//! points at full resolution, and the whole run thinned to a fixed budget.

use std::collections::VecDeque;

/// Enough recent points to fill the widest plot at braille resolution.
pub const RECENT: usize = 1000;
/// 250 points plot the whole run smoothly without growing with its length
/// (burn-train: "250 seems to be the right resolution when plotting all history").
pub const FULL: usize = 250;

#[derive(Clone, Debug)]
pub struct History<T> {
    recent: VecDeque<T>,
    /// Every `stride`-th point of the run; the stride doubles when `full` is full.
    full: Vec<T>,
    stride: u64,
    seen: u64,
}

impl<T: Clone> Default for History<T> {
    fn default() -> Self {
        History {
            recent: VecDeque::with_capacity(RECENT),
            full: Vec::with_capacity(2 * FULL),
            stride: 1,
            seen: 0,
        }
    }
}

impl<T: Clone> History<T> {
    pub fn push(&mut self, point: T) {
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(point.clone());
        if self.seen.is_multiple_of(self.stride) {
            self.full.push(point);
            if self.full.len() >= 2 * FULL {
                // Keep every other point: the same spacing as the new stride.
                let thinned = self.full.iter().step_by(2).cloned().collect();
                self.full = thinned;
                self.stride *= 2;
            }
        }
        self.seen += 1;
    }

    /// The last `RECENT` points, oldest first.
    pub fn recent(&self) -> impl ExactSizeIterator<Item = &T> + DoubleEndedIterator {
        self.recent.iter()
    }

    /// The whole run, evenly thinned, oldest first.
    pub fn full(&self) -> &[T] {
        &self.full
    }

    /// How many points were ever pushed.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    pub fn last(&self) -> Option<&T> {
        self.recent.back()
    }

    /// What a plot should show: the recent points while they are the whole
    /// run, the thinned history after that.
    pub fn plotted(&self) -> Vec<T> {
        if self.seen as usize <= RECENT {
            self.recent.iter().cloned().collect()
        } else {
            self.full.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_keeps_the_last_points_and_full_stays_within_budget() {
        let mut h = History::default();
        for i in 0..10_000u64 {
            h.push(i);
        }
        assert_eq!(h.seen(), 10_000);
        assert_eq!(h.recent().len(), RECENT);
        assert_eq!(*h.recent().next().unwrap(), 9_000);
        assert!(h.full().len() < 2 * FULL && h.full().len() >= FULL / 2);
        assert_eq!(h.full()[0], 0);
        let gaps: Vec<u64> = h.full().windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.iter().all(|&g| g == gaps[0]), "evenly spaced");
    }
}
