//! `aelab bench`: training throughput on fixed workloads (real MNIST and
//! digits, fixed seeds), and the process's peak memory. `cargo bench` runs
//! the same workloads.

use crate::data;
use crate::preset::Preset;
use crate::train::Trainer;
use anyhow::Result;
use std::time::{Duration, Instant};

/// (name, preset text): each a hot path a user meets.
pub const WORKLOADS: &[(&str, &str)] = &[
    ("mnist 784-64 vanilla", "variant = \"vanilla\"\n"),
    ("mnist 784-64 denoising", "variant = \"denoising\"\n"),
    ("mnist 784-64 contractive", "variant = \"contractive\"\n"),
    ("mnist 784-64 k-sparse", "variant = \"k-sparse\"\n"),
    (
        "mnist 784-256 sparse",
        "variant = \"sparse\"\n[model]\nhidden = 256\n",
    ),
    (
        "mnist vanilla+denoising",
        "variant = \"vanilla\"\n[[compare]]\nvariant = \"denoising\"\n",
    ),
    (
        "digits 64-32 lbfgs",
        "[data]\nsource = \"digits\"\n[model]\nhidden = 32\n[train]\noptimizer = \"lbfgs\"\n",
    ),
];

/// Each workload runs at least this long after its warm-up.
const MEASURE: Duration = Duration::from_secs(2);
const WARMUP_STEPS: usize = 10;

#[derive(Debug, Clone)]
pub struct BenchResult {
    pub name: &'static str,
    pub steps: usize,
    pub ms_per_step: f64,
    pub samples_per_s: f64,
}

/// Runs one workload on the first 5,000 samples of its data set.
pub fn measure(name: &'static str, text: &str) -> Result<BenchResult> {
    let text = if text.contains("[data]") {
        text.to_string()
    } else {
        format!("{text}\n[data]\nsource = \"mnist\"\nlimit = 5000\n")
    };
    let preset = Preset::parse(name, &text, &[])?;
    let batch = preset.batch;
    let (train, val) = data::load(&preset.data)?.split(preset.data.validation, preset.seed);
    let per_step = if preset.models[0].optimizer == crate::optim::OptimizerKind::Lbfgs {
        train.len()
    } else {
        batch
    };
    let mut trainer = Trainer::new(preset, train, val)?;
    for _ in 0..WARMUP_STEPS {
        trainer.step()?;
    }
    let started = Instant::now();
    let mut steps = 0;
    while started.elapsed() < MEASURE {
        trainer.step()?;
        steps += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(BenchResult {
        name,
        steps,
        ms_per_step: 1e3 * seconds / steps as f64,
        samples_per_s: (steps * per_step) as f64 / seconds,
    })
}

/// Peak resident memory of this process in MiB (Linux), if known.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub fn run() -> Result<()> {
    println!(
        "{:<28} {:>8} {:>12} {:>14}",
        "workload", "steps", "ms/step", "samples/s"
    );
    for &(name, text) in WORKLOADS {
        let r = measure(name, text)?;
        println!(
            "{:<28} {:>8} {:>12.3} {:>14.0}",
            r.name, r.steps, r.ms_per_step, r.samples_per_s
        );
    }
    if let Some(mib) = peak_rss_mib() {
        println!("peak_rss_mib={mib:.1}");
    }
    Ok(())
}
