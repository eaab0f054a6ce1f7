//! Keeps rayon's other threads at hand while the trainer steps back to back.
//!
//! A step of ae-784-256 joins four times (the gather, the batch's two
//! halves, the units' statistics, the weights' two stripes with their
//! update). Between the joins the trainer works alone for a while (the
//! corruption, the terms' sums): long enough for rayon's idle worker to
//! fall asleep, and waking it again cost 54–86 µs a step before the second
//! half could start (BENCHMARKS.md, session 6). So while steps run,
//! the other threads wait by spinning instead, running any job that comes
//! (`rayon::yield_now`), and go back to rayon's sleep once nothing has come
//! for [`IDLE`] (a paused lab, an epoch's evaluation). Each step wakes them
//! as it starts, so a wake-up overlaps the step's serial start instead of
//! delaying its first join.
//!
//! This only helps a trainer that steps on a thread of the pool, where its
//! joins push work for the others to take: [`on_pool`] runs it there.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a helper spins without finding a job before it sleeps: longer
/// than a step's serial stretches, short enough that a paused trainer idles.
pub const IDLE: Duration = Duration::from_millis(2);

/// Runs `f` on a thread of rayon's pool, the caller waiting (at once if it
/// is on one already, or if the pool has one thread: no other thread to
/// help, and a loop that blocks there would starve the pool's other work).
/// The trainer's loop runs so, so that [`Partner`] can help it.
pub fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if rayon::current_thread_index().is_some() || rayon::current_num_threads() < 2 {
        return f();
    }
    rayon::scope(|_| f())
}

/// A trainer's hold on the pool's other threads: they help while it steps,
/// and stop when it is dropped.
pub struct Partner {
    state: Arc<State>,
}

struct State {
    /// Set when the partner is dropped: helpers stop at once.
    stop: AtomicBool,
    /// When a helper last looked for a job, in ns since `origin`.
    beat: AtomicU64,
    origin: Instant,
    /// How many times helpers have looked for a job (the tests watch it).
    looks: AtomicU64,
}

impl Default for Partner {
    fn default() -> Self {
        let state = State {
            stop: AtomicBool::new(false),
            beat: AtomicU64::new(0),
            origin: Instant::now(),
            looks: AtomicU64::new(0),
        };
        Partner {
            state: Arc::new(state),
        }
    }
}

impl State {
    fn now(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Whether a helper has looked for a job within [`IDLE`]. A helper
    /// busy with a job, or whose `yield_now` took the trainer's next loop
    /// (`on_pool` hands it to the pool, and a spinning helper is the first
    /// to find it), has not: it is then no help, and a new one is needed.
    fn helping(&self) -> bool {
        let beat = self.beat.load(Ordering::Acquire);
        beat > 0 && self.now().saturating_sub(beat) < IDLE.as_nanos() as u64
    }
}

impl Partner {
    /// As a step starts: if no helper is looking for work, sets the other
    /// threads going. Outside the pool it does nothing (the joins are then
    /// handed to the pool whole, and the caller sleeps until they end).
    pub fn wake(&self) {
        let Some(here) = rayon::current_thread_index() else {
            return;
        };
        if rayon::current_num_threads() < 2 || self.state.helping() {
            return;
        }
        // Counted as helping from now: the next step's wake waits for them.
        self.state.beat.store(self.state.now(), Ordering::Release);
        let state = Arc::clone(&self.state);
        rayon::spawn_broadcast(move |ctx| {
            // The trainer's own thread gets a copy too: it has work already.
            if ctx.index() != here {
                help(&state);
            }
        });
    }
}

impl Drop for Partner {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Release);
    }
}

/// Runs the pool's jobs as they come, until `stop` or [`IDLE`] without one.
/// Between looks it yields the core to the OS, so the lab's drawing thread
/// is not kept waiting behind a spin.
fn help(state: &State) {
    let mut last_job = Instant::now();
    while !state.stop.load(Ordering::Acquire) {
        state.beat.store(state.now(), Ordering::Release);
        state.looks.fetch_add(1, Ordering::Relaxed);
        if rayon::yield_now() == Some(rayon::Yield::Executed) {
            last_job = Instant::now();
        } else if last_job.elapsed() > IDLE {
            return;
        } else {
            std::thread::yield_now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> rayon::ThreadPool {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build();
        pool.expect("a pool")
    }

    fn looks(p: &Partner) -> u64 {
        p.state.looks.load(Ordering::Relaxed)
    }

    /// Whether a helper on another thread looks for work while this one
    /// spins for `span` without offering rayon anything.
    fn helped_while_busy(p: &Partner, span: Duration) -> bool {
        let before = looks(p);
        let started = Instant::now();
        while started.elapsed() < span {
            std::hint::spin_loop();
        }
        looks(p) > before
    }

    /// Tries `done` for up to 10 s.
    fn eventually(mut done: impl FnMut() -> bool) -> bool {
        let started = Instant::now();
        while !done() {
            if started.elapsed() > Duration::from_secs(10) {
                return false;
            }
        }
        true
    }

    /// Outside the pool a wake does nothing. On it, a helper starts on the
    /// other thread, stops once nothing comes for IDLE, and the next wake
    /// starts it again.
    #[test]
    fn a_helper_starts_on_the_other_thread_stops_when_idle_and_wakes_again() {
        let outside = Partner::default();
        outside.wake();
        std::thread::sleep(IDLE * 2);
        assert_eq!(looks(&outside), 0);
        pool().install(|| {
            let partner = Partner::default();
            partner.wake();
            assert!(eventually(|| helped_while_busy(&partner, IDLE / 4)));
            assert!(
                eventually(|| !helped_while_busy(&partner, IDLE * 2)),
                "still helping"
            );
            partner.wake();
            assert!(eventually(|| helped_while_busy(&partner, IDLE / 4)));
        });
    }

    /// Dropping the partner stops its helpers at once.
    #[test]
    fn dropping_the_partner_stops_its_helpers() {
        let (tx, rx) = std::sync::mpsc::channel();
        pool().install(|| {
            let partner = Partner::default();
            partner.wake();
            assert!(eventually(|| helped_while_busy(&partner, IDLE / 4)));
            let state = Arc::clone(&partner.state);
            drop(partner);
            tx.send(state).expect("the test holds the receiver");
        });
        let state = rx.recv().expect("sent");
        let stopped = state.looks.load(Ordering::Relaxed);
        std::thread::sleep(IDLE / 2);
        assert!(state.looks.load(Ordering::Relaxed) - stopped <= 1);
    }

    /// A trainer that leaves the pool and comes straight back (an epoch
    /// each, through `on_pool`) gets a helper on the other thread again,
    /// even when the spinning helper took the new loop itself (it then
    /// looks for no work until that loop ends).
    #[test]
    fn a_trainer_back_on_the_pool_gets_a_helper_again() {
        let pool = pool();
        let partner = Partner::default();
        for _ in 0..20 {
            let helped = pool.install(|| {
                eventually(|| {
                    partner.wake();
                    helped_while_busy(&partner, IDLE / 4)
                })
            });
            assert!(helped, "no helper on the other thread");
        }
    }
}
