//! Timing shared by the benches: the median of many calls, printed.

use std::time::{Duration, Instant};

/// Median seconds per call of `f`.
pub fn time(mut f: impl FnMut()) -> f64 {
    for _ in 0..5 {
        f();
    }
    let mut samples = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(500) || samples.len() < 10 {
        let t = Instant::now();
        f();
        samples.push(t.elapsed().as_secs_f64());
    }
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// One line: the time a call, and samples a second when calls process samples (`samples` > 0).
pub fn report(name: &str, seconds: f64, samples: usize) {
    let rate = if samples > 0 {
        format!("{:>12.0} samples/s", samples as f64 / seconds)
    } else {
        String::new()
    };
    println!("{name:<32} {:>9.1} µs {rate}", seconds * 1e6);
}
