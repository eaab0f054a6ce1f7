//! `aelab bench`: training throughput on the fixed workloads of issue 9, so
//! that figures compare across commits and against the JAX and numpy peers
//! in `bench/` (which run the same workloads by the same names).
//!
//! Each workload trains headless through the same `Trainer` as `aelab train`;
//! a line per epoch, then `samples_per_s=… final_loss=…` where the time is
//! that of the epochs alone (data loading and trainer setup excluded).

use super::load_data;
use crate::model::linalg;
use crate::preset::Preset;
use crate::train::Trainer;
use anyhow::{Result, bail};
use std::time::Instant;

/// The MNIST autoencoder every ae-784-256 workload shares; a variant is added.
const AE_784_256: &str = "seed = 42
[data]
source = \"mnist\"
limit = 10000
validation = 0.0
[model]
hidden = 256
encoder = \"sigmoid\"
decoder = \"sigmoid\"
loss = \"mse\"
[train]
optimizer = \"adam\"
lr = 1e-3
batch = 128
epochs = 5
";

const DIGITS_64_25: &str = "seed = 42
variant = \"vanilla\"
[data]
source = \"digits\"
validation = 0.0
[model]
hidden = 25
encoder = \"sigmoid\"
decoder = \"sigmoid\"
loss = \"mse\"
[train]
optimizer = \"adam\"
lr = 1e-3
batch = 32
epochs = 20
";

/// The lab's opening preset: vanilla and denoising side by side.
const DEMO: &str = include_str!("../../presets/demo.toml");

/// (name, what it is): every fixed workload, in the order `aelab bench` runs them.
pub const WORKLOADS: &[(&str, &str)] = &[
    (
        "ae-784-256",
        "MNIST 10k, 784-256 sigmoid, batch 128, Adam 1e-3",
    ),
    ("ae-784-256-denoising", "the same, mask q = 0.25"),
    ("ae-784-256-sparse", "the same, KL rho = 0.05, beta = 3"),
    ("ae-784-256-contractive", "the same, lambda_c = 0.1"),
    (
        "digits-64-25",
        "8x8 digits, 64-25 sigmoid, batch 32, Adam 1e-3",
    ),
    ("demo", "the demo preset: vanilla + denoising side by side"),
    ("demo-one", "the demo preset's first model alone"),
];

/// The preset text of a workload.
pub fn preset_text(name: &str) -> Result<String> {
    let ae = |variant: &str| format!("variant = \"{variant}\"\n{AE_784_256}");
    Ok(match name {
        "ae-784-256" => ae("vanilla"),
        "ae-784-256-denoising" => ae("denoising"),
        "ae-784-256-sparse" => ae("sparse"),
        "ae-784-256-contractive" => ae("contractive"),
        "digits-64-25" => DIGITS_64_25.to_string(),
        "demo" => DEMO.to_string(),
        // The demo without its [[compare]] table: one model, the same batches.
        "demo-one" => DEMO.split("[[compare]]").next().unwrap_or(DEMO).to_string(),
        _ => {
            let names: Vec<&str> = WORKLOADS.iter().map(|w| w.0).collect();
            bail!("unknown workload {name:?} (one of {})", names.join(", "))
        }
    })
}

/// What one workload measured.
#[derive(Debug, Clone)]
pub struct Measured {
    pub name: String,
    pub models: usize,
    pub samples_per_s: f64,
    pub final_loss: f64,
}

/// Trains `name` for its epochs (or `epochs`), printing a line per epoch.
pub fn measure(name: &str, epochs: Option<usize>, quiet: bool) -> Result<Measured> {
    let preset = Preset::parse(&format!("workload {name}"), &preset_text(name)?, &[])?;
    let epochs = epochs.unwrap_or(preset.epochs);
    let models = preset.models.len();
    let (train, val) = load_data(&preset)?;
    let samples = train.len();
    let mut trainer = Trainer::new(preset, train, val)?;
    let (mut seconds, mut final_loss) = (0.0, f64::NAN);
    for epoch in 1..=epochs {
        let started = Instant::now();
        let reports = trainer.run_epoch()?;
        let took = started.elapsed().as_secs_f64();
        seconds += took;
        final_loss = reports.first().map_or(f64::NAN, |r| r.loss);
        if !quiet {
            let losses: Vec<String> = reports.iter().map(|r| format!("{:.4}", r.loss)).collect();
            super::say!(
                "epoch {epoch:>3} loss={} samples/s={:.0}",
                losses.join(","),
                samples as f64 / took.max(1e-9)
            );
        }
    }
    Ok(Measured {
        name: name.to_string(),
        models,
        samples_per_s: (samples * epochs) as f64 / seconds.max(1e-9),
        final_loss,
    })
}

/// Peak resident memory of this process in MiB (Linux), if known.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// `aelab bench [--workload NAME] [--epochs N] [--threads N]`.
pub fn run(workload: Option<&str>, epochs: Option<usize>, threads: Option<usize>) -> Result<()> {
    if epochs == Some(0) {
        bail!("--epochs 0: nothing to train (give at least 1)");
    }
    if let Some(n) = threads {
        if n == 0 {
            bail!("--threads 0: give at least 1");
        }
        linalg::set_threads(n);
    }
    // `AELAB_GEMM=matrixmultiply|gemm`: another GEMM library (to compare).
    match std::env::var("AELAB_GEMM").as_deref() {
        Ok("matrixmultiply") => linalg::set_backend(linalg::Backend::Matrixmultiply),
        Ok("gemm") => linalg::set_backend(linalg::Backend::GemmCrate),
        _ => {}
    }
    // `AELAB_BATCH_SPLIT=0`: faer threads each product instead (to compare).
    if std::env::var("AELAB_BATCH_SPLIT").is_ok_and(|v| v == "0") {
        linalg::set_batch_split(false);
    }
    if let Some(name) = workload {
        let m = measure(name, epochs, false)?;
        super::say!(
            "samples_per_s={:.0} final_loss={:.4}",
            m.samples_per_s,
            m.final_loss
        );
        return Ok(());
    }
    super::say!("threads={}", linalg::threads());
    super::say!(
        "{:<24} {:>7} {:>14} {:>11}",
        "workload",
        "models",
        "samples/s",
        "final_loss"
    );
    for &(name, _) in WORKLOADS {
        let m = measure(name, epochs, true)?;
        super::say!(
            "{:<24} {:>7} {:>14.0} {:>11.4}",
            m.name,
            m.models,
            m.samples_per_s,
            m.final_loss
        );
    }
    if let Some(mib) = peak_rss_mib() {
        super::say!("peak_rss_mib={mib:.1}");
    }
    Ok(())
}
