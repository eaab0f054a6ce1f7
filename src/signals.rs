//! SIGHUP (a dropped SSH session), SIGTERM and SIGINT: caught as a flag that
//! the lab and `aelab train` look at between steps, so they can restore the
//! terminal, autosave the run and exit with 128 + the signal's number. A
//! second signal does not cut that short: a shell that hangs up re-sends
//! SIGHUP to its jobs, and the kernel sends it again, milliseconds apart.

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const CAUGHT: [i32; 3] = [SIGHUP, SIGTERM, SIGINT];

/// The signals caught so far (the last one's number).
#[derive(Clone)]
pub struct Signals {
    last: Arc<AtomicUsize>,
}

impl Signals {
    /// Catches SIGHUP, SIGTERM and SIGINT from now on.
    pub fn install() -> std::io::Result<Signals> {
        let last = Arc::new(AtomicUsize::new(0));
        for signal in CAUGHT {
            signal_hook::flag::register_usize(signal, last.clone(), signal as usize)?;
        }
        Ok(Signals { last })
    }

    /// The signal caught, if any.
    pub fn caught(&self) -> Option<Interrupted> {
        match self.last.load(Ordering::SeqCst) {
            0 => None,
            n => Some(Interrupted { signal: n as i32 }),
        }
    }
}

/// The run was ended by a signal; the process exits with [`code`](Self::code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interrupted {
    pub signal: i32,
}

impl Interrupted {
    /// 128 + the signal's number, as a shell reports a process killed by it.
    pub fn code(self) -> u8 {
        (128 + self.signal).clamp(0, 255) as u8
    }

    pub fn name(self) -> &'static str {
        match self.signal {
            SIGHUP => "SIGHUP",
            SIGTERM => "SIGTERM",
            SIGINT => "SIGINT",
            _ => "a signal",
        }
    }
}

/// A command ended by a signal after saving what it could: `message` says
/// where; the process exits with the signal's code.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Ended {
    pub by: Interrupted,
    pub message: String,
}
