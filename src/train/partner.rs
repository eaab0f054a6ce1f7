//! Keeps rayon's other threads at hand while the trainer steps back to back.
//!
//! A step of ae-784-256 joins twice (the batch's two halves, then Adam's two
//! stretches of θ). Between the joins the trainer works alone for about
//! 100 µs (the gather, the unit statistics): long enough for rayon's idle
//! worker to fall asleep, and waking it again cost 54–86 µs a step before the
//! second half could start (BENCHMARKS.md, session 6). So while steps run,
//! the other threads wait by spinning instead, running any job that comes
//! (`rayon::yield_now`), and go back to rayon's sleep once nothing has come
//! for [`IDLE`] (a paused lab, an epoch's evaluation). Each step wakes them
//! as it starts, so a wake-up overlaps the step's serial start instead of
//! delaying its first join.
//!
//! This only helps a trainer that steps on a thread of the pool, where its
//! joins push work for the others to take: [`on_pool`] runs it there.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a helper spins without finding a job before it sleeps: longer
/// than a step's serial stretches, short enough that a paused trainer idles.
pub const IDLE: Duration = Duration::from_millis(2);

/// Runs `f` on a thread of rayon's pool, the caller waiting (at once if it
/// is on one already): the trainer's loop, so that [`Partner`] can help it.
pub fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if rayon::current_thread_index().is_some() {
        return f();
    }
    rayon::scope(|_| f())
}

/// A trainer's hold on the pool's other threads: they help while it steps,
/// and stop when it is dropped.
#[derive(Default)]
pub struct Partner {
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    /// Set when the partner is dropped: helpers stop at once.
    stop: AtomicBool,
    /// Helpers still spinning.
    helping: AtomicUsize,
}

impl Partner {
    /// As a step starts: if the other threads have stopped helping, sets them
    /// going again. Outside the pool it does nothing (the joins are then
    /// handed to the pool whole, and the caller sleeps until they end).
    pub fn wake(&self) {
        let Some(here) = rayon::current_thread_index() else {
            return;
        };
        let others = rayon::current_num_threads().saturating_sub(1);
        // Only the trainer's thread wakes, so this check and store do not race.
        if others == 0 || self.state.helping.load(Ordering::Acquire) > 0 {
            return;
        }
        self.state.helping.store(others, Ordering::Release);
        let state = Arc::clone(&self.state);
        rayon::spawn_broadcast(move |ctx| {
            // The trainer's own thread gets a copy too: it has work already.
            if ctx.index() != here {
                help(&state.stop);
                state.helping.fetch_sub(1, Ordering::AcqRel);
            }
        });
    }

    /// Whether any helper is spinning (for the tests).
    pub fn helping(&self) -> usize {
        self.state.helping.load(Ordering::Acquire)
    }
}

impl Drop for Partner {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Release);
    }
}

/// Runs the pool's jobs as they come, until `stop` or [`IDLE`] without one.
fn help(stop: &AtomicBool) {
    let mut last_job = Instant::now();
    while !stop.load(Ordering::Acquire) {
        if rayon::yield_now() == Some(rayon::Yield::Executed) {
            last_job = Instant::now();
        } else if last_job.elapsed() > IDLE {
            return;
        } else {
            std::hint::spin_loop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On the pool, a wake sets the other threads helping; they take the
    /// trainer's joins, and stop once nothing comes for IDLE. Outside the
    /// pool a wake does nothing.
    #[test]
    fn helpers_start_on_the_pool_take_work_and_stop_when_idle() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a pool");
        let outside = Partner::default();
        outside.wake();
        assert_eq!(outside.helping(), 0);
        pool.install(|| {
            let partner = Partner::default();
            partner.wake();
            assert_eq!(partner.helping(), 1);
            let (a, b) = rayon::join(rayon::current_thread_index, || 7 * 6);
            assert!(a.is_some());
            assert_eq!(b, 42);
            let started = Instant::now();
            while partner.helping() > 0 {
                assert!(started.elapsed() < Duration::from_secs(10), "still helping");
                std::thread::sleep(IDLE);
            }
            partner.wake();
            assert_eq!(partner.helping(), 1, "a step wakes them again");
            drop(partner);
        });
    }
}
